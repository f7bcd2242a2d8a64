// RFC 6455 for zmq-ts's ZWS client: the upgrade (RFC 6455 §1.3's key and accept), masked client
// frames, and the frame decoder fed in every split.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  acceptFor,
  checkAnswer,
  clientFrame,
  OP_BINARY,
  OP_PING,
  parseAnswer,
  upgradeRequest,
  WsFrameDecoder,
} from "../../src/codec/websocket.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

/** Unmasks a client frame: [opcode, payload]. */
function unmask(frame: Uint8Array): [number, Uint8Array] {
  let n = frame[1]! & 0x7f;
  let at = 2;
  if (n === 126) (n = (frame[2]! << 8) | frame[3]!, at = 4);
  else if (n === 127) {
    (n = Number(new DataView(frame.buffer, frame.byteOffset).getBigUint64(2)), at = 10);
  }
  assert.equal(frame[1]! & 0x80, 0x80, "masked");
  const mask = frame.subarray(at, at + 4);
  const payload = frame.slice(at + 4, at + 4 + n).map((b, i) => b ^ mask[i % 4]!);
  assert.equal(frame.length, at + 4 + n);
  return [frame[0]! & 0x0f, payload];
}

/** A server frame (unmasked). */
function serverFrame(opcode: number, payload: Uint8Array, fin = true): Uint8Array {
  const n = payload.length;
  const at = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = new Uint8Array(at + n);
  out[0] = (fin ? 0x80 : 0) | opcode;
  if (n < 126) out[1] = n;
  else if (n < 65536) (out[1] = 126, out[2] = n >> 8, out[3] = n & 0xff);
  else (out[1] = 127, new DataView(out.buffer).setBigUint64(2, BigInt(n)));
  out.set(payload, at);
  return out;
}

test("the accept key of RFC 6455's example, and the checks of an answer", async () => {
  assert.equal(await acceptFor("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  const key = "dGhlIHNhbXBsZSBub25jZQ==";
  const head = (status: string, extra: string) =>
    bytes(`HTTP/1.1 ${status}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${extra}\r\n`);
  const answerBytes = new Uint8Array([
    ...head(
      "101 Switching Protocols",
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: ZWS2.0/NULL\r\n",
    ),
    0x82,
    0x01,
    0x00,
  ]);
  const good = parseAnswer(answerBytes)!;
  assert.deepEqual(
    [...answerBytes.subarray(good.rest)],
    [0x82, 0x01, 0x00],
    "a frame after the head is left",
  );
  assert.equal(await checkAnswer(good.answer, key, ["ZWS2.0/NULL", "ZWS2.0"]), "ZWS2.0/NULL");
  await assert.rejects(checkAnswer(good.answer, key, ["ZWS2.0"]), /no subprotocol we offered/);
  await assert.rejects(checkAnswer(good.answer, "other key", ["ZWS2.0/NULL"]), /Accept/);
  const refused = parseAnswer(head("400 Bad Request", ""))!;
  await assert.rejects(checkAnswer(refused.answer, key, ["ZWS2.0"]), /answered 400/);
  assert.equal(parseAnswer(bytes("HTTP/1.1 101 Switching")), undefined, "incomplete head");
  assert.throws(() => parseAnswer(bytes("SSH-2.0-OpenSSH\r\n\r\n")), /not an HTTP\/1.1 answer/);
  assert.match(
    new TextDecoder().decode(upgradeRequest("h:1", "/zmq", key, ["ZWS2.0/NULL", "ZWS2.0"])),
    /^GET \/zmq HTTP\/1.1\r\nHost: h:1\r\n[^]*Sec-WebSocket-Protocol: ZWS2.0\/NULL, ZWS2.0\r\n\r\n$/,
  );
});

test("client frames: masked, every length form, payloads of every alignment unchanged", () => {
  for (const n of [0, 1, 5, 63, 64, 65, 125, 126, 1000, 65535, 65536, 100_003]) {
    for (const offset of [0, 1, 2, 3]) {
      const buf = new Uint8Array(n + offset).map((_, i) => (i * 31 + 7) & 0xff);
      const payload = buf.subarray(offset);
      const before = payload.slice();
      const [op, back] = unmask(clientFrame(OP_BINARY, payload));
      assert.equal(op, OP_BINARY);
      assert.deepEqual(back, before, `length ${n} at offset ${offset}`);
      assert.deepEqual(payload, before, "the caller's bytes are not changed");
    }
  }
  assert.equal(clientFrame(OP_PING, new Uint8Array(0))[0], 0x89);
});

test("the frame decoder: every split, fragments and control frames as they come, bad frames refused", () => {
  const big = new Uint8Array(70_000).map((_, i) => i & 0xff);
  const stream = new Uint8Array([
    ...serverFrame(OP_BINARY, new Uint8Array([0, 1, 2])),
    ...serverFrame(0x9, bytes("hi")),
    ...serverFrame(OP_BINARY, new Uint8Array(300).fill(5), false),
    ...serverFrame(0x0, big),
  ]);
  for (const step of [1, 2, 3, 9, 100, 70_000, stream.length]) {
    const d = new WsFrameDecoder();
    const got: [boolean, number, number][] = [];
    for (let at = 0; at < stream.length; at += step) {
      d.push(stream.subarray(at, at + step));
      for (let f = d.next(); f !== undefined; f = d.next()) {
        got.push([f.fin, f.opcode, f.payload.length]);
      }
    }
    assert.deepEqual(
      got,
      [[true, 2, 3], [true, 9, 2], [false, 2, 300], [true, 0, 70_000]],
      `split ${step}`,
    );
    assert.equal(d.buffered, 0);
  }
  const masked = new WsFrameDecoder();
  masked.push(new Uint8Array([0x82, 0x81, 1, 2, 3, 4, 5]));
  assert.throws(() => masked.next(), /masked/);
  const reserved = new WsFrameDecoder();
  reserved.push(new Uint8Array([0xc2, 0x00]));
  assert.throws(() => reserved.next(), /reserved/);
  const huge = new WsFrameDecoder(1000);
  huge.push(new Uint8Array([0x82, 126, 0x10, 0x00]));
  assert.throws(() => huge.next(), /over the limit/);
});
