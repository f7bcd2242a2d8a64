// The zmq command's line formats: text, hex and json, each way.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatMessage, parseMessage } from "../../src/cli/format.ts";
import { formatEvent } from "../../src/cli/run_monitor.ts";

const bytes = (...b: number[]) => new Uint8Array(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

test("text: frames as UTF-8 separated by a tab, both ways", () => {
  assert.equal(formatMessage([utf8("topic"), utf8("héllo")], "text"), "topic\théllo");
  assert.deepEqual(parseMessage("topic\théllo", "text"), [utf8("topic"), utf8("héllo")]);
  assert.deepEqual(parseMessage("", "text"), [bytes()]);
  assert.deepEqual(parseMessage("\t", "text"), [bytes(), bytes()]);
});

test("hex: each frame in hex, separated by a tab; bad hex is refused, saying so", () => {
  assert.equal(formatMessage([bytes(0, 255), bytes(), bytes(0x41)], "hex"), "00ff\t\t41");
  assert.deepEqual(parseMessage("00FF\t\t41", "hex"), [bytes(0, 255), bytes(), bytes(0x41)]);
  assert.throws(() => parseMessage("abc", "hex"), /not hex: "abc"/);
  assert.throws(() => parseMessage("zz", "hex"), SyntaxError);
});

test("json: strings for UTF-8 frames, {hex} for the others; a lone string is one frame", () => {
  const frames = [utf8("a\tb"), bytes(0xff, 0)];
  const line = formatMessage(frames, "json");
  assert.equal(line, '["a\\tb",{"hex":"ff00"}]');
  assert.deepEqual(parseMessage(line, "json"), frames);
  assert.deepEqual(parseMessage('"solo"', "json"), [utf8("solo")]);
  assert.throws(() => parseMessage("[]", "json"), /at least one frame/);
  assert.throws(() => parseMessage("nope", "json"), /not JSON/);
  assert.throws(() => parseMessage("[1]", "json"), /a string or \{"hex"/);
});

test("events: type and address, then what else the event carries", () => {
  const e = { type: "connect:retry" as const, address: "tcp://h:1", interval: 200 };
  assert.equal(formatEvent(e, "text"), "connect:retry tcp://h:1 interval=200ms");
  const err = { type: "handshake:error:protocol" as const, address: "a", error: new Error("bad") };
  assert.equal(formatEvent(err, "text"), 'handshake:error:protocol a error="bad"');
  assert.deepEqual(JSON.parse(formatEvent(err, "json")), {
    type: "handshake:error:protocol",
    address: "a",
    error: "bad",
  });
  const auth = { type: "handshake:error:auth" as const, address: "a", status: 400 };
  assert.equal(formatEvent(auth, "text"), "handshake:error:auth a status=400");
  const user = { type: "handshake" as const, address: "a", userId: "alice" };
  assert.equal(formatEvent(user, "text"), 'handshake a userId="alice"');
  assert.deepEqual(JSON.parse(formatEvent(user, "json")), {
    type: "handshake",
    address: "a",
    userId: "alice",
  });
});
