// ZMTP metadata properties: name-len(1) name value-len(4, BE) value (zmtp.md §1.7).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  decodeMetadata,
  encodeMetadata,
  type Metadata,
  MetadataError,
} from "../../src/codec/metadata.ts";

const hex = (s: string): Uint8Array =>
  Uint8Array.from(s.split(/\s+/).filter(Boolean), (h) => parseInt(h, 16));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const plain = (m: Metadata) => Object.entries(m).map(([k, v]) => [k, [...v]]);

test("encodeMetadata: exact bytes for Socket-Type=PAIR", () => {
  assert.deepEqual(
    encodeMetadata({ "Socket-Type": text("PAIR") }),
    hex("0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 04 50 41 49 52"),
  );
});

test("encodeMetadata: empty props encode to nothing; empty value has a zero length", () => {
  assert.equal(encodeMetadata({}).length, 0);
  assert.deepEqual(
    encodeMetadata({ Identity: new Uint8Array(0) }),
    hex("08 49 64 65 6E 74 69 74 79 00 00 00 00"),
  );
});

test("round trip preserves order, names (case), and values", () => {
  const props: Metadata = {
    "Socket-Type": text("DEALER"),
    Identity: new Uint8Array(0),
    "X-Hello": text("world"),
    "x-lower": Uint8Array.from({ length: 300 }, (_, i) => i & 0xff),
    ["N".repeat(255)]: hex("00 FF"),
  };
  const decoded = decodeMetadata(encodeMetadata(props));
  assert.deepEqual(plain(decoded), plain(props));
});

test("decodeMetadata works on a view at a non-zero offset", () => {
  const inner = encodeMetadata({ A: text("xyz"), B: hex("01") });
  const outer = new Uint8Array(inner.length + 7);
  outer.set(inner, 3);
  const view = outer.subarray(3, 3 + inner.length);
  assert.deepEqual(plain(decodeMetadata(view)), [["A", [0x78, 0x79, 0x7a]], ["B", [1]]]);
});

test("encodeMetadata writes the length correctly into a fresh buffer for each property", () => {
  const bytes = encodeMetadata({ a: new Uint8Array(0x0102), b: new Uint8Array(1) });
  assert.deepEqual(bytes.subarray(0, 6), hex("01 61 00 00 01 02"));
  const at = 6 + 0x0102;
  assert.deepEqual(bytes.subarray(at, at + 6), hex("01 62 00 00 00 01"));
});

test("encodeMetadata rejects empty and over-long (>255) names", () => {
  assert.throws(() => encodeMetadata({ "": text("v") }), RangeError);
  assert.throws(() => encodeMetadata({ ["N".repeat(256)]: text("v") }), RangeError);
});

test("decodeMetadata: every truncation of a valid encoding throws", () => {
  const bytes = encodeMetadata({ "Socket-Type": text("PAIR"), Identity: text("id") });
  const boundary = 1 + 11 + 4 + 4; // end of the first property: a valid prefix
  for (let n = 1; n < bytes.length; n++) {
    if (n === boundary) continue;
    assert.throws(() => decodeMetadata(bytes.subarray(0, n)), MetadataError, `length ${n}`);
  }
  assert.equal(Object.keys(decodeMetadata(bytes.subarray(0, boundary))).length, 1);
});

test("decodeMetadata: a value length running past the end throws", () => {
  assert.throws(() => decodeMetadata(hex("01 41 00 00 00 05 01 02")), /truncated/);
  assert.throws(() => decodeMetadata(hex("01 41 FF FF FF FF")), /truncated/);
});

test("decodeMetadata: a trailing single byte throws", () => {
  const good = encodeMetadata({ "Socket-Type": text("PUB") });
  for (const b of [0x00, 0x01, 0x41, 0xff]) {
    const bad = new Uint8Array(good.length + 1);
    bad.set(good);
    bad[good.length] = b;
    assert.throws(() => decodeMetadata(bad), MetadataError, `trailing ${b}`);
  }
});

test("decodeMetadata: an empty name throws", () => {
  assert.throws(() => decodeMetadata(hex("00 00 00 00 00")), /empty/);
  const good = encodeMetadata({ A: text("1") });
  const bad = new Uint8Array(good.length + 5);
  bad.set(good);
  assert.throws(() => decodeMetadata(bad), /empty/);
});

test("decodeMetadata: empty input is no properties; values are views into the input", () => {
  assert.deepEqual(Object.keys(decodeMetadata(new Uint8Array(0))), []);
  const bytes = encodeMetadata({ K: text("value") });
  const v = decodeMetadata(bytes)["K"];
  assert.deepEqual(v && [...v], [...text("value")]);
});

// "__proto__" is a legal property name (RFC 23: A-Z a-z 0-9 - _ . +). On runtimes that keep the
// Object.prototype.__proto__ setter (Bun, Node; Deno removes it) decoding into a plain `{}`
// replaces the result's prototype instead of storing the property.
test("decodeMetadata: a property named __proto__ is an own property, not the prototype", () => {
  const bytes = hex("09 5F 5F 70 72 6F 74 6F 5F 5F 00 00 00 02 01 02");
  const d = decodeMetadata(bytes);
  assert.deepEqual(Object.keys(d), ["__proto__"]);
  assert.ok(!(Object.getPrototypeOf(d) instanceof Uint8Array), "prototype was replaced");
  assert.deepEqual([...(Object.getOwnPropertyDescriptor(d, "__proto__")?.value ?? [])], [1, 2]);
});

// Found by the codec fuzzer (tests/fuzz/): decodeMetadata refused with plain Errors, which nothing
// told apart from a bug of ours; a peer's bad metadata is now a MetadataError, like the codec's
// other protocol errors.
test("decodeMetadata: every refusal is a MetadataError", () => {
  for (const bad of ["00", "01 41 00 00", "01 41 00 00 00 05 01 02", "01 41 FF FF FF FF"]) {
    assert.throws(() => decodeMetadata(hex(bad)), MetadataError, bad);
  }
});
