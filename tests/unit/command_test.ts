// ZMTP commands: READY, ERROR, SUBSCRIBE/CANCEL, PING/PONG vectors and parseCommand
// (zmtp.md §1.6-1.8, §1.10).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  cancelBody,
  commandBody,
  CommandError,
  errorBody,
  parseCommand,
  parseError,
  parsePing,
  parseReady,
  pingBody,
  pongBody,
  readyBody,
  subscribeBody,
} from "../../src/codec/command.ts";
import { encodeCommandFrame, FrameDecoder } from "../../src/codec/frame.ts";

const hex = (s: string): Uint8Array =>
  Uint8Array.from(s.split(/\s+/).filter(Boolean), (h) => parseInt(h, 16));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : new TextDecoder().decode(b);

test("READY for DEALER with empty Identity matches libzmq byte for byte", () => {
  const frame = encodeCommandFrame(readyBody("DEALER", new Uint8Array(0)));
  assert.deepEqual(
    frame,
    hex(
      "04 29  05 52 45 41 44 59  0B 53 6F 63 6B 65 74 2D 54 79 70 65  00 00 00 06 44 45 41 4C 45 52" +
        "  08 49 64 65 6E 74 69 74 79  00 00 00 00",
    ),
  );
  // ROUTER has the same length.
  assert.equal(readyBody("ROUTER", new Uint8Array(0)).length, 0x29);
});

test("READY body lengths: PUB/SUB/REP 25, PUSH/PULL/PAIR/XPUB/XSUB 26, REQ 38", () => {
  for (const t of ["PUB", "SUB", "REP"]) assert.equal(readyBody(t).length, 25, t);
  for (const t of ["PUSH", "PULL", "PAIR", "XPUB", "XSUB"]) {
    assert.equal(readyBody(t).length, 26, t);
  }
  assert.equal(readyBody("REQ", new Uint8Array(0)).length, 38);
  assert.deepEqual(encodeCommandFrame(readyBody("PUB")).subarray(0, 2), hex("04 19"));
});

test("READY parses back: name, Socket-Type, Identity, sorted extra metadata", () => {
  const body = readyBody("REQ", text("id1"), { "X-b": text("2"), "X-a": text("1") });
  const cmd = parseCommand(body);
  assert.equal(cmd.name, "READY");
  const props = parseReady(cmd.data);
  assert.deepEqual(Object.keys(props), ["Socket-Type", "Identity", "X-a", "X-b"]);
  assert.equal(str(props["Socket-Type"]), "REQ");
  assert.equal(str(props["Identity"]), "id1");
  assert.equal(str(props["X-a"]), "1");
});

test("parseReady turns malformed metadata into CommandError", () => {
  const data = parseCommand(readyBody("PAIR")).data;
  assert.throws(() => parseReady(data.subarray(0, data.length - 1)), CommandError);
  assert.throws(() => parseReady(hex("00")), CommandError);
  assert.deepEqual(Object.keys(parseReady(new Uint8Array(0))), []);
});

test("ERROR '400' -> 04 0A 05 45 52 52 4F 52 03 34 30 30", () => {
  const frame = encodeCommandFrame(errorBody("400"));
  assert.deepEqual(frame, hex("04 0A 05 45 52 52 4F 52 03 34 30 30"));
  const cmd = parseCommand(frame.subarray(2));
  assert.equal(cmd.name, "ERROR");
  assert.equal(parseError(cmd.data), "400");
});

test("ERROR: reason capped at 255 bytes; truncated reason throws", () => {
  const cmd = parseCommand(errorBody("x".repeat(300)));
  assert.equal(cmd.data[0], 255);
  assert.equal(parseError(cmd.data).length, 255);
  assert.throws(() => parseError(hex("05 34 30")), CommandError);
});

test("SUBSCRIBE all -> 04 0A 09 'SUBSCRIBE'", () => {
  assert.deepEqual(
    encodeCommandFrame(subscribeBody(new Uint8Array(0))),
    hex("04 0A 09 53 55 42 53 43 52 49 42 45"),
  );
});

test("SUBSCRIBE 'A' -> 04 0B 09 ... 45 41; CANCEL 'A' -> 04 08 06 'CANCEL' 41", () => {
  assert.deepEqual(
    encodeCommandFrame(subscribeBody(text("A"))),
    hex("04 0B 09 53 55 42 53 43 52 49 42 45 41"),
  );
  assert.deepEqual(encodeCommandFrame(cancelBody(text("A"))), hex("04 08 06 43 41 4E 43 45 4C 41"));
  const c = parseCommand(cancelBody(text("A")));
  assert.deepEqual([c.name, str(c.data)], ["CANCEL", "A"]);
});

test("SUBSCRIBE with a long topic uses a 06 LONG header", () => {
  const topic = new Uint8Array(250).fill(0x74);
  const frame = encodeCommandFrame(subscribeBody(topic));
  assert.deepEqual(frame.subarray(0, 9), hex("06 00 00 00 00 00 00 01 04"));
  const d = new FrameDecoder();
  d.push(frame);
  const f = d.next();
  assert.equal(f?.command, true);
  assert.equal(f?.more, false);
  assert.deepEqual(f && parseCommand(f.body).data, topic);
});

test("libzmq PING without context -> 04 07 04 'PING' TT TT, and the PONG reply", () => {
  const ping = encodeCommandFrame(pingBody(300)); // HEARTBEAT_TTL 30000 ms
  assert.deepEqual(ping, hex("04 07 04 50 49 4E 47 01 2C"));
  const cmd = parseCommand(ping.subarray(2));
  assert.equal(cmd.name, "PING");
  const { ttl, context } = parsePing(cmd.data);
  assert.equal(ttl, 300);
  assert.equal(context.length, 0);
  assert.deepEqual(encodeCommandFrame(pongBody(context)), hex("04 05 04 50 4F 4E 47"));
});

test("PING: TTL clamped to 0..65535, context echoed in PONG and capped at 16", () => {
  assert.deepEqual(parseCommand(pingBody(70000)).data, hex("FF FF"));
  assert.deepEqual(parseCommand(pingBody(-5)).data, hex("00 00"));
  const ctx = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
  const p = parsePing(parseCommand(pingBody(1, ctx)).data);
  assert.deepEqual(p.context, ctx.subarray(0, 16));
  const pong = encodeCommandFrame(pongBody(p.context));
  assert.deepEqual(pong.subarray(0, 7), hex("04 15 04 50 4F 4E 47"));
  assert.deepEqual(pong.subarray(7), ctx.subarray(0, 16));
  // A longer context from the peer is truncated to 16 on reading and on replying.
  assert.equal(parsePing(cat(hex("00 00"), ctx)).context.length, 16);
  assert.equal(pongBody(ctx).length, 5 + 16);
  assert.throws(() => parsePing(hex("01")), CommandError);
});

function cat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

test("commandBody / parseCommand round trip; data is the rest of the body", () => {
  const body = commandBody("JOIN", text("grp"));
  assert.deepEqual(body, hex("04 4A 4F 49 4E 67 72 70"));
  const c = parseCommand(body);
  assert.deepEqual([c.name, str(c.data)], ["JOIN", "grp"]);
  assert.equal(parseCommand(hex("05 4C 45 41 56 45")).data.length, 0);
});

test("parseCommand: empty body, zero-length name, name longer than body throw CommandError", () => {
  assert.throws(() => parseCommand(new Uint8Array(0)), CommandError);
  assert.throws(() => parseCommand(hex("00")), CommandError);
  assert.throws(() => parseCommand(hex("00 41 42")), CommandError);
  assert.throws(() => parseCommand(hex("05 52 45 41 44")), CommandError);
  assert.throws(() => parseCommand(hex("FF 41")), CommandError);
});
