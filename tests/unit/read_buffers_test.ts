// The read buffers of a pull-based adapter: quiet connections read into a small buffer, busy ones
// into a large slab, bytes handed out are never written over, and bytes of a quiet read that
// filled its buffer reach the receiver contiguous with the read that follows.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BUSY_FIRST_SLAB,
  BUSY_SLAB,
  QUIET_BUFFER,
  ReadBuffers,
} from "../../src/transports/read_buffers.ts";

/** Simulates a read of `bytes` (at most the window's size) and returns how many were read. */
function read(window: Uint8Array, bytes: Uint8Array): number {
  const n = Math.min(window.length, bytes.length);
  window.set(bytes.subarray(0, n));
  return n;
}

function fill(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (seed + i * 7) & 0xff;
  return out;
}

test("a quiet connection reads into a small buffer", () => {
  const b = new ReadBuffers();
  const w = b.next();
  assert.equal(w.buffer.byteLength, QUIET_BUFFER);
  const chunk = b.take(read(w, fill(64, 1)));
  assert.deepEqual(chunk, fill(64, 1));
  b.settle(0);
  assert.equal(b.busy, false);
  assert.equal(b.next().buffer.byteLength, QUIET_BUFFER);
});

test("a read that fills the quiet buffer carries its bytes into a slab, contiguous with the next", () => {
  const b = new ReadBuffers();
  const message = fill(3000, 3);
  let w = b.next();
  const first = read(w, message);
  assert.equal(first, w.length);
  assert.equal(b.take(first), undefined); // carried
  assert.equal(b.busy, true);
  w = b.next();
  assert.equal(w.buffer.byteLength, BUSY_FIRST_SLAB);
  const chunk = b.take(read(w, message.subarray(first)))!;
  assert.deepEqual(chunk, message); // one chunk: the decoder need not copy the message
  b.settle(0);
  assert.equal(b.busy, false, "the whole message was read and nothing is held: quiet again");
});

test("each read that fills a slab makes the next one larger, up to 256 KiB", () => {
  const b = new ReadBuffers();
  const sizes: number[] = [];
  let w = b.next();
  b.take(read(w, fill(w.length, 0))); // fills the quiet buffer: busy
  for (let i = 0; i < 5; i++) {
    w = b.next();
    sizes.push(w.buffer.byteLength);
    b.take(read(w, fill(w.length, i)));
    b.settle(1);
  }
  assert.deepEqual(sizes, [
    BUSY_FIRST_SLAB,
    4 * BUSY_FIRST_SLAB,
    16 * BUSY_FIRST_SLAB,
    BUSY_SLAB,
    BUSY_SLAB,
  ]);
});

test("a busy connection stays busy while the receiver holds a partial message", () => {
  const b = new ReadBuffers();
  let w = b.next();
  b.take(read(w, fill(w.length, 0)));
  w = b.next();
  b.take(read(w, fill(10, 0)));
  b.settle(500);
  assert.equal(b.busy, true);
  assert.equal(b.next().buffer.byteLength, BUSY_FIRST_SLAB);
});

test("flush hands out carried bytes when the stream ends before the next read", () => {
  const b = new ReadBuffers();
  const w = b.next();
  const n = read(w, fill(w.length, 9));
  assert.equal(b.take(n), undefined);
  assert.deepEqual(b.flush(), fill(n, 9));
  assert.equal(b.flush(), undefined);
});

test("bytes handed out are never written over, whatever the reads", () => {
  const b = new ReadBuffers();
  const kept: [Uint8Array, Uint8Array][] = [];
  let carried: Uint8Array[] = [];
  let seed = 0;
  // Reads of every size class: tiny, filling, large, with quiet spells between.
  const sizes = [10, 5000, 300_000, 64, 1, 2048, 70_000, 0, 17, 4096, 900, 200_000, 3, 0, 1500];
  for (let round = 0; round < 40; round++) {
    for (const size of sizes) {
      const w = b.next();
      const bytes = fill(Math.min(size, w.length), seed++);
      const n = read(w, bytes);
      carried.push(bytes.slice(0, n));
      const chunk = b.take(n);
      if (chunk === undefined) continue;
      const expected = new Uint8Array(carried.reduce((a, c) => a + c.length, 0));
      let at = 0;
      for (const c of carried) (expected.set(c, at), at += c.length);
      carried = [];
      kept.push([chunk, expected]);
      b.settle(size === 0 ? 0 : size % 3);
    }
  }
  for (const [chunk, expected] of kept) assert.deepEqual(chunk, expected);
});

test("carried bytes handed out early (the next read is slow) are not handed out again", () => {
  const b = new ReadBuffers();
  const message = fill(3000, 4);
  let w = b.next();
  const first = read(w, message);
  assert.equal(b.take(first), undefined);
  assert.equal(b.carrying, true);
  w = b.next(); // the read is pending here when the adapter gives up waiting
  assert.deepEqual(b.flush(), message.subarray(0, first));
  assert.equal(b.carrying, false);
  const chunk = b.take(read(w, message.subarray(first)))!;
  assert.deepEqual(chunk, message.subarray(first));
});
