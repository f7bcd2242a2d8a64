// What send() makes of what it is given. Strings are encoded into shared slabs where a new array
// is costly (Deno): every frame must keep its own bytes however many strings follow it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { toMessage } from "../../src/socket_message.ts";

const decoder = new TextDecoder();
const samples = [
  "",
  "a",
  "héllo",
  "日本語のテキスト",
  "x".repeat(64),
  "x".repeat(63) + "é",
  "é" + "x".repeat(100),
  "😀".repeat(700), // surrogate pairs, 2800 bytes
  "y".repeat(5000),
  "ascii first, then ü " + "z".repeat(40),
];

test("string frames keep their own bytes while many more are sent after them", () => {
  const kept: [string, Uint8Array][] = [];
  for (let round = 0; round < 300; round++) {
    for (const s of samples) kept.push([s, toMessage(s)[0]!]);
  }
  for (const [s, frame] of kept) {
    assert.equal(decoder.decode(frame), s);
    assert.equal(frame.length, new TextEncoder().encode(s).length);
  }
});

test("a string sent again and again: each frame has its own bytes, whatever is written into another", () => {
  for (const s of samples) {
    const frames = Array.from({ length: 5 }, () => toMessage(s)[0]!);
    frames[1]!.fill(0x21); // a receiver in this thread may write into what it got
    frames[3]!.fill(0x21);
    const later = toMessage(s)[0]!;
    for (const f of [frames[0]!, frames[2]!, frames[4]!, later]) assert.equal(decoder.decode(f), s);
  }
  // Alternating strings, and the same text as another string object, are encoded alike.
  const parts = ["topic", "x".repeat(30), "topic", "top" + "ic", "topic"];
  assert.deepEqual(parts.map((p) => decoder.decode(toMessage(p)[0]!)), parts);
});

test("a string frame is UTF-8, a lone surrogate replaced as TextEncoder does", () => {
  assert.deepEqual(toMessage("\ud800x")[0], new TextEncoder().encode("\ud800x"));
  assert.deepEqual(toMessage("€")[0], Uint8Array.from([0xe2, 0x82, 0xac]));
});

test("bytes are used as they are; other views and buffers are viewed, not copied", () => {
  const bytes = new Uint8Array([1, 2, 3]);
  assert.equal(toMessage(bytes)[0], bytes);
  const words = new Uint16Array([0x0201]);
  const viewed = toMessage(words)[0]!;
  assert.equal(viewed.buffer, words.buffer);
  assert.equal(toMessage(words.buffer)[0]!.buffer, words.buffer);
  assert.deepEqual(toMessage(null)[0], new Uint8Array(0));
  assert.deepEqual(toMessage(["a", null]).map((f) => f.length), [1, 0]);
  assert.throws(() => toMessage([]), TypeError);
  assert.throws(() => toMessage(undefined as unknown as string), TypeError);
  assert.deepEqual(toMessage(5)[0], new TextEncoder().encode("5"), "numbers as text, as zeromq.js");
});
