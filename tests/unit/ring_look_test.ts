// The look before sleeping (src/threads/look_before_sleep.ts) on both ends of a cross-thread ring,
// driven in one thread: two RingLinks over one pair of rings, their ports the doorbells. A look
// that finds nothing must leave its side asking to be rung; a look that finds room must do all a
// ring would, down to finishing a lingering close.
import { test } from "node:test";
import { setImmediate } from "node:timers";
import assert from "node:assert/strict";
import {
  createRings,
  readerOf,
  RingReader,
  RingWriter,
  writerOf,
} from "../../src/transports/shared_ring.ts";
import { RingLink } from "../../src/threads/ring_pipe.ts";
import { Pipe } from "../../src/pipe.ts";
import { until, within } from "../helpers/timeout.ts";

const info = { socketType: "PAIR", identity: new Uint8Array(0), remoteAddress: "inproc://look" };
const noBell = { ring() {}, post() {} };

/** Two linked ends in this thread, each serving a pipe: `a` writes to `b`. */
function linked(ringBytes = 4096) {
  const [ea, eb] = createRings(ringBytes);
  let released = 0;
  const a = new RingLink(ea, { send: 1000, receive: 1000 }, false, () => () => released++);
  const b = new RingLink(eb, { send: 1000, receive: 1000 }, false, () => () => {});
  const pa = new Pipe(a.inbox, a.outbox, info, "inproc://look");
  a.serve(pa);
  const pb = new Pipe(b.inbox, b.outbox, info, "inproc://look");
  b.serve(pb);
  // Observers of the shared flags, over the same memory (they only read).
  const flagsOfAtoB = {
    reader: new RingWriter(writerOf(ea), noBell),
    writer: new RingReader(readerOf(eb), noBell, 0),
  };
  return { a, b, pa, pb, flagsOfAtoB, released: () => released };
}

/** Wakes `b`'s reader once and drains it, so that its next empty read starts a look. */
async function awake(a: RingLink, b: RingLink, woken: () => number): Promise<void> {
  const before = woken();
  a.outbox.push([new Uint8Array([0])]);
  await until(() => woken() > before, 2000, "the first message to be announced");
  assert.deepEqual(b.inbox.shift(), [new Uint8Array([0])]);
}

test("a reader whose look finds nothing asks to be rung, and the next message wakes it", async () => {
  const { a, b, flagsOfAtoB } = linked();
  let woken = 0;
  b.inbox.onReadable = () => woken++;
  try {
    await awake(a, b, () => woken);
    assert.equal(b.inbox.shift(), undefined); // empty: the look starts, nothing asked yet
    assert.equal(flagsOfAtoB.reader.readerSleeps, false);
    await until(() => flagsOfAtoB.reader.readerSleeps, 2000, "the reader to ask to be rung");
    a.outbox.push([new Uint8Array([7])]);
    await until(() => woken > 1, 2000, "the doorbell to wake the reader");
    assert.deepEqual(b.inbox.shift(), [new Uint8Array([7])]);
  } finally {
    a.destroy();
    b.destroy();
  }
});

test("a reader whose look finds the message takes it without asking to be rung", async () => {
  const { a, b, flagsOfAtoB } = linked();
  let woken = 0;
  b.inbox.onReadable = () => woken++;
  try {
    await awake(a, b, () => woken);
    assert.equal(b.inbox.shift(), undefined);
    a.outbox.push([new Uint8Array([1])]); // within the look
    await until(() => woken > 1, 2000, "the look to announce the message");
    assert.equal(flagsOfAtoB.reader.readerSleeps, false);
    assert.deepEqual(b.inbox.shift(), [new Uint8Array([1])]);
  } finally {
    a.destroy();
    b.destroy();
  }
});

test("a writer whose look finds no room asks to be rung, and reading makes it write the rest", async () => {
  const { a, b, flagsOfAtoB } = linked();
  try {
    for (let i = 0; i < 10; i++) a.outbox.push([new Uint8Array(1000).fill(i)]); // more than a 4 KiB ring holds
    assert.ok(a.outbox.held > 0);
    await until(() => flagsOfAtoB.writer.writerWaits, 2000, "the writer to ask to be rung");
    const got: number[] = [];
    await until(
      () => {
        for (let m = b.inbox.shift(); m !== undefined; m = b.inbox.shift()) got.push(m[0]![0]!);
        return got.length === 10;
      },
      2000,
      "every held message to be written and read",
    );
    assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(a.outbox.held, 0);
  } finally {
    a.destroy();
    b.destroy();
  }
});

test("a lingering close finishes when a look, not a ring, writes the last held messages", async () => {
  const { a, b, pa, pb, released } = linked();
  let ended = false;
  pb.onEnded = () => ended = true;
  try {
    const frame = new Uint8Array(1000);
    for (let i = 0; i < 10; i++) a.outbox.push([frame]);
    pa.close(-1); // linger until delivered
    // The reader drains on every turn of the event loop, well within the writer's 50 µs look, so
    // the look (not a ring) finds the room for the last held messages.
    let got = 0;
    const drained = new Promise<void>((done) => {
      const drain = () => {
        for (let m = b.inbox.shift(); m !== undefined; m = b.inbox.shift()) got++;
        if (got === 10) done();
        else setImmediate(drain);
      };
      setImmediate(drain);
    });
    await within(drained, 2000, "the held messages");
    await until(() => a.finished, 2000, "the closing side to finish once all was written");
    assert.equal(released(), 1, "its linger registration released");
    await until(() => ended, 2000, "the reading side to see the connection end");
  } finally {
    a.destroy();
    b.destroy();
  }
});
