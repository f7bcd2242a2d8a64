// ZMTP 3.x greeting: our bytes vs libzmq's, and the incremental peer-greeting checker
// (zmtp.md §1.2, §1.3).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  checkGreeting,
  encodeGreeting,
  GREETING_SIZE,
  GreetingError,
} from "../../src/codec/greeting.ts";

const hex = (s: string): Uint8Array =>
  Uint8Array.from(s.split(/\s+/).filter(Boolean), (h) => parseInt(h, 16));

/** The greeting libzmq 4.3.5 emits for a NULL socket with no routing id (§1.2). */
function libzmqNullGreeting(): Uint8Array {
  const g = new Uint8Array(64);
  g.set(hex("FF 00 00 00 00 00 00 00 01 7F 03 01 4E 55 4C 4C"));
  return g;
}

/** A peer greeting with the given version and mechanism field bytes. */
function peerGreeting(major: number, minor: number, mechanism: string): Uint8Array {
  const g = libzmqNullGreeting();
  g[10] = major;
  g[11] = minor;
  g.fill(0, 12, 32);
  for (let i = 0; i < mechanism.length; i++) g[12 + i] = mechanism.charCodeAt(i);
  return g;
}

test("encodeGreeting('NULL') equals libzmq's NULL greeting byte for byte", () => {
  const ours = encodeGreeting("NULL");
  assert.equal(GREETING_SIZE, 64);
  assert.equal(ours.length, 64);
  assert.deepEqual(ours, libzmqNullGreeting());
});

test("encodeGreeting: explicit prefix bytes and zero filler", () => {
  const g = encodeGreeting("NULL");
  assert.deepEqual(g.subarray(0, 16), hex("FF 00 00 00 00 00 00 00 01 7F 03 01 4E 55 4C 4C"));
  assert.ok(g.subarray(16).every((b) => b === 0), "mechanism padding, as-server and filler are 0");
});

test("encodeGreeting: PLAIN / CURVE names and the as-server byte", () => {
  const plain = encodeGreeting("PLAIN", true);
  assert.deepEqual(plain.subarray(12, 17), hex("50 4C 41 49 4E"));
  assert.ok(plain.subarray(17, 32).every((b) => b === 0));
  assert.equal(plain[32], 1);
  const curve = encodeGreeting("CURVE");
  assert.deepEqual(curve.subarray(12, 17), hex("43 55 52 56 45"));
  assert.equal(curve[32], 0);
});

test("encodeGreeting rejects empty and over-long (>20) mechanism names", () => {
  assert.throws(() => encodeGreeting(""), RangeError);
  assert.throws(() => encodeGreeting("X".repeat(21)), RangeError);
  assert.equal(encodeGreeting("X".repeat(20))[31], 0x58);
});

test("checkGreeting: libzmq's staged greeting (10, then 1, then 53 bytes)", () => {
  const g = libzmqNullGreeting();
  assert.equal(checkGreeting(g.subarray(0, 0)), undefined);
  assert.equal(checkGreeting(g.subarray(0, 10)), undefined);
  assert.equal(checkGreeting(g.subarray(0, 11)), undefined);
  assert.deepEqual(checkGreeting(g.subarray(0, 64)), {
    major: 3,
    minor: 1,
    mechanism: "NULL",
    asServer: false,
  });
});

test("checkGreeting: undefined for every prefix shorter than 64 bytes", () => {
  const g = libzmqNullGreeting();
  for (let n = 0; n < 64; n++) assert.equal(checkGreeting(g.subarray(0, n)), undefined, `n=${n}`);
});

test("checkGreeting: our own greeting round-trips", () => {
  assert.deepEqual(checkGreeting(encodeGreeting("CURVE", true)), {
    major: 3,
    minor: 1,
    mechanism: "CURVE",
    asServer: true,
  });
});

test("checkGreeting rejects an HTTP request at the first byte", () => {
  const http = new TextEncoder().encode("GET / HTTP/1.1\r\n");
  assert.throws(() => checkGreeting(http.subarray(0, 1)), GreetingError);
  assert.throws(() => checkGreeting(http), GreetingError);
});

test("checkGreeting rejects byte 9 with bit0 = 0 (ZMTP 1.0) once 10 bytes arrived", () => {
  const g = libzmqNullGreeting();
  g[9] = 0x7e;
  assert.equal(checkGreeting(g.subarray(0, 9)), undefined);
  assert.throws(() => checkGreeting(g.subarray(0, 10)), GreetingError);
});

test("checkGreeting ignores padding bytes 1-8", () => {
  const g = libzmqNullGreeting();
  g.set(hex("12 34 56 78 9A BC DE F0"), 1);
  assert.equal(checkGreeting(g)?.mechanism, "NULL");
});

test("checkGreeting rejects major versions below 3 at byte 10", () => {
  for (const major of [0, 1, 2]) {
    const g = peerGreeting(major, 0, "NULL");
    assert.equal(checkGreeting(g.subarray(0, 10)), undefined);
    assert.throws(() => checkGreeting(g.subarray(0, 11)), GreetingError, `major ${major}`);
  }
});

test("checkGreeting accepts 3.0 and major 4 / minor 0", () => {
  assert.deepEqual(
    [
      checkGreeting(peerGreeting(3, 0, "NULL"))?.major,
      checkGreeting(peerGreeting(3, 0, "NULL"))?.minor,
    ],
    [3, 0],
  );
  const g4 = checkGreeting(peerGreeting(4, 0, "NULL"));
  assert.equal(g4?.major, 4);
  assert.equal(g4?.minor, 0);
});

test("checkGreeting reports mechanism names", () => {
  for (const m of ["NULL", "PLAIN", "CURVE", "GSSAPI", "M".repeat(20)]) {
    assert.equal(checkGreeting(peerGreeting(3, 1, m))?.mechanism, m);
  }
});

test("checkGreeting rejects garbage after a NUL inside the mechanism field", () => {
  const g = peerGreeting(3, 1, "NULL");
  g[17] = 0x58; // "NULL\0X..."
  assert.throws(() => checkGreeting(g), GreetingError);
  const h = peerGreeting(3, 1, "NULL");
  h[31] = 0x01; // last byte of the 20-byte field
  assert.throws(() => checkGreeting(h), GreetingError);
});

test("checkGreeting: as-server byte is reported, filler is not validated", () => {
  const g = peerGreeting(3, 1, "PLAIN");
  g[32] = 1;
  g[63] = 0xff;
  assert.equal(checkGreeting(g)?.asServer, true);
});
