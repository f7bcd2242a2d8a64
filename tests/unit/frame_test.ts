// ZMTP 3.x framing: encoder vectors and the incremental decoder (zmtp.md §1.5).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  FLAG_COMMAND,
  FLAG_LONG,
  FLAG_MORE,
  type Frame,
  FrameDecoder,
  FrameError,
  headerSize,
  messageSize,
  writeHeader,
  writeMessage,
} from "../../src/codec/frame.ts";

const hex = (s: string): Uint8Array =>
  Uint8Array.from(s.split(/\s+/).filter(Boolean), (h) => parseInt(h, 16));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const body300 = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);

function encode(frames: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(messageSize(frames));
  assert.equal(writeMessage(out, 0, frames), out.length);
  return out;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function drainAll(d: FrameDecoder): Frame[] {
  const out: Frame[] = [];
  for (let f = d.next(); f !== undefined; f = d.next()) out.push(f);
  return out;
}

const plain = (fs: Frame[]) =>
  fs.map((f) => ({ more: f.more, command: f.command, body: [...f.body] }));

test("encoder: 'hello' -> 00 05 68 65 6C 6C 6F", () => {
  assert.deepEqual(encode([text("hello")]), hex("00 05 68 65 6C 6C 6F"));
});

test("encoder: [empty, 'hi'] -> 01 00 | 00 02 68 69", () => {
  assert.deepEqual(encode([new Uint8Array(0), text("hi")]), hex("01 00 00 02 68 69"));
});

test("encoder: 300-byte last frame -> 02 00 00 00 00 00 00 01 2C + body", () => {
  const out = encode([body300]);
  assert.deepEqual(out.subarray(0, 9), hex("02 00 00 00 00 00 00 01 2C"));
  assert.deepEqual(out.subarray(9), body300);
  assert.equal(out.length, 309);
});

test("encoder: LONG iff body > 255; flag bytes 00/01/02/03/04/06", () => {
  assert.equal(headerSize(255), 2);
  assert.equal(headerSize(256), 9);
  const h = new Uint8Array(9);
  assert.equal(writeHeader(h, 0, 255, 0), 2);
  assert.deepEqual(h.subarray(0, 2), hex("00 FF"));
  assert.equal(writeHeader(h, 0, 256, FLAG_MORE), 9);
  assert.deepEqual(h, hex("03 00 00 00 00 00 00 01 00"));
  writeHeader(h, 0, 0, FLAG_COMMAND);
  assert.deepEqual(h.subarray(0, 2), hex("04 00"));
  writeHeader(h, 0, 0x1_0203_0405, FLAG_COMMAND);
  assert.deepEqual(h, hex("06 00 00 00 01 02 03 04 05"));
  assert.equal(FLAG_MORE | FLAG_LONG | FLAG_COMMAND, 7);
});

// A stream mixing short, empty, long, MORE and command frames.
const stream: Frame[] = [
  { more: true, command: false, body: new Uint8Array(0) },
  { more: false, command: false, body: text("hi") },
  { more: false, command: true, body: hex("04 50 49 4E 47 00 00") },
  { more: true, command: false, body: body300 },
  { more: true, command: false, body: Uint8Array.from({ length: 255 }, (_, i) => i) },
  { more: false, command: false, body: text("hello") },
];
const wire = cat(
  ...stream.map((f) => {
    const out = new Uint8Array(headerSize(f.body.length) + f.body.length);
    const flags = (f.more ? FLAG_MORE : 0) | (f.command ? FLAG_COMMAND : 0);
    out.set(f.body, writeHeader(out, 0, f.body.length, flags));
    return out;
  }),
);

test("decoder: whole stream in one chunk", () => {
  const d = new FrameDecoder();
  d.push(wire);
  assert.deepEqual(plain(drainAll(d)), plain(stream));
  assert.equal(d.buffered, 0);
});

test("decoder: stream fed one byte at a time", () => {
  const d = new FrameDecoder();
  const got: Frame[] = [];
  for (let i = 0; i < wire.length; i++) {
    d.push(wire.slice(i, i + 1));
    got.push(...drainAll(d));
  }
  assert.deepEqual(plain(got), plain(stream));
  assert.equal(d.buffered, 0);
});

test("decoder: stream fed in random splits (seeded)", () => {
  for (let seed = 1; seed <= 50; seed++) {
    const rnd = prng(seed);
    const d = new FrameDecoder();
    const got: Frame[] = [];
    for (let at = 0; at < wire.length;) {
      const n = 1 + Math.floor(rnd() * 40);
      d.push(wire.slice(at, at + n));
      at += n;
      if (rnd() < 0.7) got.push(...drainAll(d));
    }
    got.push(...drainAll(d));
    assert.deepEqual(plain(got), plain(stream), `seed ${seed}`);
  }
});

test("decoder: accepts LONG frames with small sizes; ignores reserved flag bits", () => {
  const d = new FrameDecoder();
  d.push(hex("03 00 00 00 00 00 00 00 02 68 69 02 00 00 00 00 00 00 00 00 F9 01 41 FC 00"));
  assert.deepEqual(plain(drainAll(d)), [
    { more: true, command: false, body: [0x68, 0x69] },
    { more: false, command: false, body: [] },
    { more: true, command: false, body: [0x41] },
    { more: false, command: true, body: [] },
  ]);
});

test("decoder: zero-length frame", () => {
  const d = new FrameDecoder();
  d.push(hex("00 00"));
  const f = d.next();
  assert.deepEqual(f && plain([f]), [{ more: false, command: false, body: [] }]);
  assert.equal(d.next(), undefined);
});

test("decoder: over maxFrameSize throws EMSGSIZE once the header is read, before the body", () => {
  const d = new FrameDecoder(10);
  d.push(hex("00 0A"));
  assert.equal(d.next(), undefined); // exactly at the limit: waits for the body
  d.push(new Uint8Array(10));
  assert.equal(d.next()?.body.length, 10);
  d.push(hex("00"));
  assert.equal(d.next(), undefined);
  d.push(hex("0B")); // header complete, no body yet
  assert.throws(() => d.next(), (e: unknown) => e instanceof FrameError && e.code === "EMSGSIZE");
  const l = new FrameDecoder(255);
  l.push(hex("02 00 00 00 00 00 00 01"));
  assert.equal(l.next(), undefined);
  l.push(hex("00"));
  assert.throws(() => l.next(), (e: unknown) => e instanceof FrameError && e.code === "EMSGSIZE");
});

test("decoder: an 8-byte size with a nonzero high word throws", () => {
  const d = new FrameDecoder();
  d.push(hex("02 00 00 00 01 00 00 00 00"));
  assert.throws(() => d.next(), FrameError);
  const e = new FrameDecoder();
  e.push(hex("02 80 00 00 00 00 00 00 05 01 02 03 04 05"));
  assert.throws(() => e.next(), FrameError);
});

test("decoder: a frame inside one chunk is a view; a straddling frame is copied", () => {
  const d = new FrameDecoder();
  const chunk = hex("00 05 68 65 6C 6C 6F 00 03 61");
  d.push(chunk);
  const f = d.next();
  assert.deepEqual(f && [...f.body], [...text("hello")]);
  assert.equal(f?.body.buffer, chunk.buffer);
  assert.equal(d.next(), undefined);
  d.push(hex("62 63"));
  assert.deepEqual([...(d.next()?.body ?? [])], [...text("abc")]);
});

test("decoder: partial frames stay buffered; drain returns the rest", () => {
  const d = new FrameDecoder();
  d.push(hex("00 02 68 69 01 05 61"));
  assert.equal(d.next()?.body.length, 2);
  assert.equal(d.next(), undefined);
  assert.equal(d.buffered, 3);
  d.push(hex("62"));
  assert.deepEqual(cat(...d.drain()), hex("01 05 61 62"));
  assert.equal(d.buffered, 0);
  assert.equal(d.next(), undefined);
});

test("decoder: short frames packed in one chunk and split across chunks come out whole and in order", () => {
  const d = new FrameDecoder(10);
  d.push(hex("01 01 61 00 02 62 63 00")); // [a] more, [bc], then half a header
  assert.deepEqual(plain([d.next()!]), [{ more: true, command: false, body: [0x61] }]);
  assert.deepEqual(plain([d.next()!]), [{ more: false, command: false, body: [0x62, 0x63] }]);
  assert.equal(d.next(), undefined);
  d.push(hex("03 64 65"));
  assert.equal(d.next(), undefined);
  d.push(hex("66 04 00"));
  assert.deepEqual(plain([d.next()!]), [{ more: false, command: false, body: [0x64, 0x65, 0x66] }]);
  assert.deepEqual(plain([d.next()!]), [{ more: false, command: true, body: [] }]);
  assert.equal(d.buffered, 0);
  d.push(hex("00 0B 01 02 03 04 05 06 07 08 09 0A 0B")); // whole, but over the limit
  assert.throws(() => d.next(), (e: unknown) => e instanceof FrameError && e.code === "EMSGSIZE");
});
