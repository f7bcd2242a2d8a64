// The message queue between a socket and its peer: order, the high-water mark and its doorbells
// hold while its ring of slots wraps around, grows, and shrinks back after a burst.
import { test } from "node:test";
import assert from "node:assert/strict";
import { asSubscription, MessageQueue, Pipe } from "../../src/pipe.ts";

const msg = (n: number) => [new Uint8Array([n & 0xff, n >> 8])];
const id = (m: Uint8Array[] | undefined) =>
  m === undefined ? undefined : m[0]![0]! | (m[0]![1]! << 8);

test("queue: FIFO order across wrap-around and growth", () => {
  const q = new MessageQueue(0);
  let next = 0;
  let expect = 0;
  // Interleave pushes and shifts so the head moves round the ring before it has to grow.
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < round * 7 % 40 + 1; i++) q.push(msg(next++));
    for (let i = 0; i < round * 5 % 30 + 1 && q.size > 0; i++) {
      assert.equal(id(q.shift()), expect++);
    }
  }
  while (q.size > 0) assert.equal(id(q.shift()), expect++);
  assert.equal(expect, next);
  assert.equal(q.shift(), undefined);
  assert.equal(q.peek(), undefined);
});

test("queue: a burst of 10,000 drains in order, then the queue works on as new", () => {
  const q = new MessageQueue(0);
  for (let i = 0; i < 10_000; i++) q.push(msg(i));
  assert.equal(q.size, 10_000);
  for (let i = 0; i < 10_000; i++) assert.equal(id(q.shift()), i & 0xffff);
  q.push(msg(7));
  assert.equal(id(q.peek()), 7);
  assert.equal(q.size, 1);
});

test("queue: readable rings on empty to non-empty, writable at the low-water mark after full", () => {
  const q = new MessageQueue(4);
  let readable = 0;
  let writable = 0;
  q.onReadable = () => readable++;
  q.onWritable = () => writable++;
  for (let i = 0; i < 4; i++) q.push(msg(i));
  assert.equal(readable, 1);
  assert.equal(q.full, true);
  q.shift();
  assert.equal(writable, 0); // 3 left, above the low-water mark of 2
  q.shift();
  assert.equal(writable, 1);
  q.shift();
  q.shift();
  q.push(msg(9));
  assert.equal(readable, 2);
});

test("queue: conflate keeps the newest message but every subscription, across wrap-around", () => {
  const q = new MessageQueue(0, true);
  for (let i = 0; i < 20; i++) {
    q.push(msg(i));
    q.shift();
  } // head is now away from slot 0
  q.push(msg(1));
  q.push(msg(2));
  q.push(asSubscription([new Uint8Array([1, 0x61])]));
  q.push(msg(3));
  q.push(msg(4));
  assert.equal(q.size, 3);
  assert.equal(id(q.shift()), 2);
  assert.equal(q.shift()![0]![1], 0x61);
  assert.equal(id(q.shift()), 4);
});

test("pipe: closing one end of a pair ends the far end before any queue rings its writer (issue #12)", () => {
  const peer = { socketType: "PULL", identity: new Uint8Array(0), remoteAddress: "inproc://x" };
  for (const linger of [0, -1]) {
    const [near, far] = Pipe.pair(
      new MessageQueue(1),
      new MessageQueue(1),
      peer,
      peer,
      "inproc://x",
    );
    const seen: string[] = [];
    far.onEnded = () => seen.push("far ended");
    // The far socket writes into the queue the near one reads: it is full, so its writer waits.
    far.outbound.push(msg(1));
    assert.equal(far.outbound.full, true);
    far.outbound.onWritable = () => seen.push(`far writable, far ${far.alive ? "alive" : "dead"}`);
    near.close(linger);
    assert.deepEqual(seen, ["far ended", "far writable, far dead"], `linger ${linger}`);
  }
});
