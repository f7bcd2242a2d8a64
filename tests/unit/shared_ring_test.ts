// The message ring between threads, exercised within one thread: whole messages in order through
// a ring far smaller than the traffic, multipart messages across the wrap, messages too large for
// the ring (through the port), counters that wrap at 2^32, and the doorbell's rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  createRings,
  type Doorbell,
  readerOf,
  RingReader,
  RingWriter,
  writerOf,
} from "../../src/transports/shared_ring.ts";
import { asSubscription, isSubscription, type Message } from "../../src/pipe.ts";

/** A writer and a reader of one direction, with a doorbell that counts and hands large messages over. */
function ring(bytes: number, copyBelow: number, counters = 0) {
  const [a, b] = createRings(bytes, counters);
  a.port.close();
  b.port.close();
  const rings = { toReader: 0, toWriter: 0 };
  const toWriter: Doorbell = { ring: () => rings.toWriter++, post: () => {} };
  const reader = new RingReader(readerOf(b), toWriter, copyBelow);
  const toReader: Doorbell = {
    ring: () => rings.toReader++,
    post: (frames) => reader.addOutOfBand(frames),
  };
  const writer = new RingWriter(writerOf(a), toReader);
  return { writer, reader, rings, front: readerOf(b).words };
}

/** A message of `parts` frames whose bytes say which message and frame they are. */
function message(n: number, sizes: number[]): Message {
  return sizes.map((size, f) =>
    Uint8Array.from({ length: size }, (_, i) => (n * 31 + f * 7 + i) & 0xff)
  );
}

/** Sends `messages` through, reading whenever the ring is full; returns what was read. */
function through(r: ReturnType<typeof ring>, messages: Message[]): Message[] {
  const got: Message[] = [];
  for (const m of messages) {
    while (!r.writer.write(m, isSubscription(m))) {
      const taken = r.reader.take();
      assert.ok(taken !== undefined, "a full ring has something to read");
      got.push(taken);
    }
  }
  for (let m = r.reader.take(); m !== undefined; m = r.reader.take()) got.push(m);
  return got;
}

const sizesFor = (n: number) =>
  [[0], [1], [5, 0, 3], [63], [200, 1], [1000], [17, 17, 17, 17]][n % 7]!;

for (const copyBelow of [0, 32, 1 << 20]) {
  test(`messages arrive whole and in order through a 1 KiB ring (frames copied below ${copyBelow} B)`, () => {
    const r = ring(1024, copyBelow);
    const sent = Array.from({ length: 3000 }, (_, n) => message(n, sizesFor(n)));
    const got = through(r, sent);
    assert.equal(got.length, sent.length);
    for (let n = 0; n < sent.length; n++) assert.deepEqual(got[n], sent[n], `message ${n}`);
    // What the reader hands out is its own memory, not the ring's.
    assert.ok(got.every((m) => m.every((f) => !(f.buffer instanceof SharedArrayBuffer))));
  });
}

test("the counters wrap at 2^32 without a message lost or reordered", () => {
  const r = ring(1024, 0, -36); // every counter 36 short of 2^32 (byte counts stay 4-aligned)
  const sent = Array.from({ length: 500 }, (_, n) => message(n, sizesFor(n)));
  assert.deepEqual(through(r, sent), sent);
});

test("a writer past 64 KiB of an empty ring starts again at its front, and nothing is lost", () => {
  const r = ring(256 * 1024, 0);
  const junk = 0x5a5a5a5a;
  for (let n = 0; n < 2000; n++) { // 48 bytes each: 96 KiB in all, never to the end of the ring
    const m = message(n, [40]);
    assert.ok(r.writer.write(m, false), `message ${n} fits`);
    assert.deepEqual(r.reader.take(), m, `message ${n}`);
    if (n === 0) r.front[0] = junk; // consumed: only a writer back at the front writes there again
  }
  assert.notEqual(r.front[0], junk, "the writer went back to the front");
});

test("a message too large for the ring crosses through the port, in its place among the others", () => {
  const r = ring(1024, 0);
  const big = message(1, [600, 10]); // more than half the ring
  const sent = [message(0, [3]), big, message(2, [4])];
  assert.deepEqual(through(r, sent), sent);
});

test("a message whose frames have not come through the port yet is not ready", () => {
  const [a, b] = createRings(1024);
  a.port.close();
  b.port.close();
  const posted: Message[] = [];
  const writer = new RingWriter(writerOf(a), { ring: () => {}, post: (f) => posted.push(f) });
  const reader = new RingReader(readerOf(b), { ring: () => {}, post: () => {} }, 0);
  assert.ok(writer.write(message(0, [900]), false));
  assert.equal(reader.available, 0);
  assert.equal(reader.take(), undefined);
  reader.addOutOfBand(posted.shift()!);
  assert.equal(reader.available, 1);
  assert.deepEqual(reader.take(), message(0, [900]));
});

test("a subscription stays marked as one across the ring", () => {
  const r = ring(1024, 0);
  const sub = asSubscription([new Uint8Array([1, 65])]);
  const got = through(r, [sub, [new Uint8Array([1, 66])]]);
  assert.equal(isSubscription(got[0]!), true);
  assert.equal(isSubscription(got[1]!), false);
});

test("a sleeping reader is rung once for a burst, after the writer stops adding to it", async () => {
  const r = ring(1024, 0);
  assert.equal(r.reader.sleep(), true);
  for (let i = 0; i < 10; i++) assert.ok(r.writer.write(message(i, [1]), false));
  assert.equal(r.rings.toReader, 0, "not rung while the burst goes on");
  for (let i = 0; i < 5 && r.rings.toReader === 0; i++) await Promise.resolve();
  assert.equal(r.rings.toReader, 1);
  assert.ok(r.writer.write(message(10, [1]), false));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(r.rings.toReader, 1, "an awake reader is not rung");
});

test("sleep() says no when a message was published before the reader could sleep", () => {
  const r = ring(1024, 0);
  assert.ok(r.writer.write(message(0, [1]), false));
  assert.equal(r.reader.sleep(), false);
});

test("a writer waiting for room is rung once the reader has taken down to the mark", () => {
  const r = ring(1 << 16, 0);
  for (let i = 0; i < 100; i++) assert.ok(r.writer.write(message(i, [8]), false));
  assert.equal(r.writer.inFlight(true), 100);
  r.writer.waitForRoom(50);
  for (let i = 0; i < 49; i++) r.reader.take();
  assert.equal(r.rings.toWriter, 0);
  r.reader.take();
  assert.equal(r.rings.toWriter, 1);
  assert.equal(r.writer.inFlight(true), 50);
  r.reader.take();
  assert.equal(r.rings.toWriter, 1, "rung once");
});

test("a writer waiting for bytes is rung once the reader has released enough", () => {
  const r = ring(1024, 0);
  let n = 0;
  while (r.writer.write(message(n, [60]), false)) n++;
  r.writer.waitForRoom(-1, message(n, [60]));
  let taken = 0;
  while (r.rings.toWriter === 0) {
    assert.ok(r.reader.take() !== undefined, "rung before the ring is empty");
    taken++;
  }
  assert.ok(taken < n, `rung after ${taken} of ${n}`);
  assert.ok(r.writer.write(message(n, [60]), false), "and then the message fits");
});

test("a closed reader is seen by the writer; a closed writer by the reader", () => {
  const r = ring(1024, 0);
  assert.equal(r.writer.readerClosed, false);
  r.reader.close();
  assert.equal(r.writer.readerClosed, true);
  assert.equal(r.reader.writerClosed, false);
  r.writer.close();
  assert.equal(r.reader.writerClosed, true);
});
