// The shared-memory byte stream between threads, exercised within one thread: both ends
// see the same bytes in order, across wrap-around, through rings smaller than the data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRings, RingStream } from "../../src/transports/shared_ring.ts";
import { within } from "../helpers/timeout.ts";

function pair(bytes: number): [RingStream, RingStream] {
  const [a, b] = createRings(bytes);
  return [new RingStream(a, "inproc://a"), new RingStream(b, "inproc://b")];
}

/** Collects what `s` receives until `total` bytes have come. */
function collect(s: RingStream, total: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let got = 0;
  return new Promise((resolve) => {
    s.onData = (chunk) => {
      parts.push(chunk);
      got += chunk.length;
      if (got >= total) {
        const out = new Uint8Array(got);
        let at = 0;
        for (const p of parts) (out.set(p, at), at += p.length);
        resolve(out);
      }
    };
  });
}

/** Writes `data` in pieces of random size, waiting for onDrain whenever write() asks to. */
async function writeAll(s: RingStream, data: Uint8Array): Promise<void> {
  let at = 0;
  while (at < data.length) {
    const n = Math.min(data.length - at, 1 + Math.floor(Math.random() * 5000));
    const piece = data.slice(at, at + n);
    at += n;
    if (!s.write(piece)) await new Promise<void>((r) => (s.onDrain = r));
  }
}

test("bytes arrive in order through a ring far smaller than the data, both ways at once", async () => {
  const [a, b] = pair(1024);
  const size = 300_000;
  const ab = Uint8Array.from({ length: size }, (_, i) => (i * 7) & 0xff);
  const ba = Uint8Array.from({ length: size }, (_, i) => (i * 13) & 0xff);
  const atB = collect(b, size);
  const atA = collect(a, size);
  await within(Promise.all([writeAll(a, ab), writeAll(b, ba)]), 10000, "the writes");
  assert.deepEqual(await within(atB, 10000, "a->b"), ab);
  assert.deepEqual(await within(atA, 10000, "b->a"), ba);
  a.destroy();
});

test("a paused reader holds the writer back; resuming delivers everything", async () => {
  const [a, b] = pair(4096);
  b.pause();
  const data = Uint8Array.from({ length: 20_000 }, (_, i) => i & 0xff);
  let accepted = 0;
  for (; accepted < 10; accepted++) {
    if (!a.write(data.slice(accepted * 2000, (accepted + 1) * 2000))) break;
  }
  assert.ok(accepted < 10, "the ring filled while the reader was paused");
  const drained = new Promise<void>((r) => (a.onDrain = r));
  const got = collect(b, 2000 * (accepted + 1));
  b.resume();
  await within(drained, 5000, "drain after resume");
  const bytes = await within(got, 5000, "the data");
  assert.deepEqual(bytes, data.slice(0, bytes.length));
  a.destroy();
});

test("end() closes both sides after the data; destroy() closes the other side at once", async () => {
  {
    const [a, b] = pair(1024);
    const got = collect(b, 3000);
    const closedA = new Promise<void>((r) => (a.onClose = () => r()));
    const closedB = new Promise<void>((r) => (b.onClose = () => r()));
    a.write(new Uint8Array(3000).fill(9));
    a.end();
    assert.equal((await within(got, 5000, "data before the close")).length, 3000);
    await within(Promise.all([closedA, closedB]), 5000, "both sides to close");
  }
  {
    const [a, b] = pair(1024);
    const closedB = new Promise<void>((r) => (b.onClose = () => r()));
    a.destroy();
    await within(closedB, 5000, "the other side to see the close");
  }
});

for (const how of ["ends", "is destroyed"] as const) {
  test(`a writer whose peer ${how} is told of the close, never of room (issue #12)`, async () => {
    const [a, b] = pair(64);
    await new Promise((r) => setTimeout(r, 0)); // both ends opened: b sleeps on an empty ring
    b.pause();
    assert.equal(a.write(new Uint8Array(100)), false, "64 bytes fit, 36 wait for room");
    const seen: string[] = [];
    a.onDrain = () => seen.push("drain");
    const closed = new Promise<void>((r) => (a.onClose = () => (seen.push("close"), r())));
    if (how === "ends") b.end();
    else b.destroy();
    b.resume(); // b reads the ring (making room) before a hears of anything
    await within(closed, 5000, "a to close");
    assert.deepEqual(seen, ["close"]);
    assert.equal(a.write(new Uint8Array(1)), true, "a closed stream swallows writes");
  });
}
