// The bounds on a message being received (src/message_assembly.ts), with small limits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MessageAssembly } from "../../src/message_assembly.ts";
import { FrameError } from "../../src/codec/frame.ts";

const b = (...v: number[]) => new Uint8Array(v);

test("a single frame passes at once; frames marked more are gathered until the last", () => {
  const m = new MessageAssembly(3, 10);
  assert.deepEqual(m.add(b(1), false), [b(1)]);
  assert.equal(m.add(b(1), true), undefined);
  assert.equal(m.started, true);
  assert.equal(m.add(b(2), true), undefined);
  assert.deepEqual(m.add(b(3), false), [b(1), b(2), b(3)]);
  assert.equal(m.started, false, "the next message starts afresh");
  assert.deepEqual(m.add(b(4), false), [b(4)]);
});

test("a message past its frame bound is refused with EMSGSIZE", () => {
  const m = new MessageAssembly(3, 1000);
  m.add(b(), true);
  m.add(b(), true);
  m.add(b(), true);
  assert.throws(
    () => m.add(b(), true),
    (e) => e instanceof FrameError && e.code === "EMSGSIZE" && /3 frames/.test(e.message),
  );
});

test("a message past its byte bound is refused with EMSGSIZE, counting every frame", () => {
  const m = new MessageAssembly(100, 10);
  m.add(new Uint8Array(6), true);
  assert.throws(
    () => m.add(new Uint8Array(5), false),
    (e) => e instanceof FrameError && e.code === "EMSGSIZE" && /10 bytes/.test(e.message),
  );
  const n = new MessageAssembly(100, 10);
  n.add(new Uint8Array(5), true);
  assert.equal(n.add(new Uint8Array(5), false)?.length, 2, "exactly at the bound passes");
});
