// The rings' head and tail are Int32 byte counters that wrap at 2^32: start them just short of
// the wrap and check that bytes still arrive in order, for any ring size.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRings, RingStream } from "../../src/transports/shared_ring.ts";
import { within } from "../helpers/timeout.ts";

async function throughWrap(bytes: number): Promise<void> {
  const [a, b] = createRings(bytes);
  const h = new Int32Array(a.buffer, 0, 32);
  for (const d of [0, 16]) (h[d] = -37, h[d + 1] = -37); // head = tail = 2^32 - 37
  const sa = new RingStream(a, "inproc://a");
  const sb = new RingStream(b, "inproc://b");
  const size = 20_000;
  const data = Uint8Array.from({ length: size }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
  const parts: Uint8Array[] = [];
  let got = 0;
  const all = new Promise<void>((
    r,
  ) => (sb.onData = (c) => (parts.push(c), got += c.length, got >= size && r())));
  for (let at = 0; at < size;) {
    const piece = data.slice(at, at + 1 + ((at * 7919) % 700));
    at += piece.length;
    if (!sa.write(piece)) await new Promise<void>((r) => (sa.onDrain = r));
  }
  await within(all, 5000, "the data");
  const out = new Uint8Array(got);
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  assert.deepEqual(out, data);
  sa.destroy();
}

test("counters wrapping at 2^32: a power-of-two ring", () => throughWrap(1024));
test("counters wrapping at 2^32: a ring of another size", () => throughWrap(1000));
