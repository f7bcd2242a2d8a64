// The code each mechanism gives a protocol error (libzmq's ZMQ_PROTOCOL_ERROR_* by zeromq.js's
// names), at the points where libzmq reports each: mechanisms in memory, no engine, no socket.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ProtocolError, type ProtocolErrorCode } from "../../src/errors.ts";
import type { Mechanism } from "../../src/mechanisms/mechanism.ts";
import { NullMechanism } from "../../src/mechanisms/null.ts";
import { PlainClient, PlainServer } from "../../src/mechanisms/plain.ts";
import { CurveClient } from "../../src/mechanisms/curve_client.ts";
import { CurveServer } from "../../src/mechanisms/curve_server.ts";
import { loadCurveCrypto } from "../../src/security/crypto.ts";
import { bytes, cipherPair, context, fakeZap, runHandshake } from "../helpers/mechanisms.ts";

const crypto = await loadCurveCrypto();
const server = crypto.keyPair();
const client = crypto.keyPair();
const curveClient = () =>
  new CurveClient(context("REQ"), { ...client, serverKey: server.publicKey });
const curveServer = () => new CurveServer(context("REP"), server.secretKey);

/** A command body: name-length, name, data. */
function body(name: string, data: Uint8Array | number[] = []): Uint8Array {
  return Uint8Array.from([name.length, ...bytes(name), ...data]);
}

/** `m`, started, refuses `bodies` (the last one) with a ProtocolError of `code`. */
function refuses(m: Mechanism, bodies: Uint8Array[], code: ProtocolErrorCode): void {
  m.start({
    send: () => {},
    ready: () => {},
    fail: (e) => assert.fail(`failed later: ${e.message}`),
  });
  try {
    assert.throws(
      () => bodies.forEach((b) => m.command(b)),
      (e: unknown) => e instanceof ProtocolError && e.code === code,
    );
  } finally {
    m.close();
  }
}

test("NULL: unexpected, malformed and ill-typed commands, and a malformed ERROR, each by its code", () => {
  const table: [Uint8Array[], ProtocolErrorCode][] = [
    [[body("HELLO")], "ERR_ZMTP_UNEXPECTED_COMMAND"],
    [[Uint8Array.of(9, 0x52)], "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED"], // name cut short
    [[body("ERROR", [10, 0x61])], "ERR_ZMTP_MALFORMED_COMMAND_ERROR"],
    [[body("ERROR", bytes("\x04oops"))], "ERR_ZMTP_UNSPECIFIED"], // not a ZAP status
    [[body("READY", [11, ...bytes("Socket-Type"), 0, 0, 0, 9])], "ERR_ZMTP_INVALID_METADATA"],
    [
      [body("READY", [11, ...bytes("Socket-Type"), 0, 0, 0, 3, ...bytes("PUB")])],
      "ERR_ZMTP_INVALID_METADATA",
    ],
  ];
  for (const [bodies, code] of table) refuses(new NullMechanism(context("PULL")), bodies, code);
});

test("PLAIN: a malformed HELLO, a WELCOME with data, commands out of turn", () => {
  const zap = fakeZap(() => ({}));
  refuses(
    new PlainServer(context("REP", zap)),
    [body("HELLO", [5, 0x61])],
    "ERR_ZMTP_MALFORMED_COMMAND_HELLO",
  );
  refuses(
    new PlainServer(context("REP", zap)),
    [body("HELLO", [1, 0x61, 1, 0x62, 0])],
    "ERR_ZMTP_MALFORMED_COMMAND_HELLO",
  );
  refuses(new PlainServer(context("REP", zap)), [body("INITIATE")], "ERR_ZMTP_UNEXPECTED_COMMAND");
  const plainClient = () => new PlainClient(context("REQ"), bytes("u"), bytes("p"));
  refuses(plainClient(), [body("WELCOME", [0])], "ERR_ZMTP_MALFORMED_COMMAND_WELCOME");
  refuses(plainClient(), [body("READY")], "ERR_ZMTP_UNEXPECTED_COMMAND");
  refuses(plainClient(), [body("ERROR", [3])], "ERR_ZMTP_MALFORMED_COMMAND_ERROR");
});

test("CURVE server: HELLO of the wrong size or version, one that does not open, INITIATE out of turn", () => {
  const hello = new Uint8Array(200);
  hello.set(body("HELLO"));
  hello[6] = 1;
  refuses(curveServer(), [hello.subarray(0, 199)], "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
  refuses(
    curveServer(),
    [Uint8Array.from(hello, (b, i) => (i === 6 ? 2 : b))],
    "ERR_ZMTP_MALFORMED_COMMAND_HELLO",
  );
  refuses(curveServer(), [hello], "ERR_ZMTP_CRYPTOGRAPHIC"); // its box of zeros does not open
  refuses(curveServer(), [body("INITIATE")], "ERR_ZMTP_UNEXPECTED_COMMAND");
});

test("CURVE client: a WELCOME of the wrong size or that does not open, READY out of turn", () => {
  const welcome = new Uint8Array(168);
  welcome.set(body("WELCOME"));
  refuses(curveClient(), [welcome.subarray(0, 100)], "ERR_ZMTP_CRYPTOGRAPHIC"); // as libzmq
  refuses(curveClient(), [welcome], "ERR_ZMTP_CRYPTOGRAPHIC");
  refuses(curveClient(), [body("READY")], "ERR_ZMTP_UNEXPECTED_COMMAND");
});

test("CURVE handshake tampered in flight: INITIATE cut short or its cookie changed, READY cut short", async () => {
  const cases: ["client" | "server", number, (b: Uint8Array) => Uint8Array, ProtocolErrorCode][] = [
    ["client", 1, (b) => b.subarray(0, 256), "ERR_ZMTP_MALFORMED_COMMAND_INITIATE"],
    [
      "client",
      1,
      (b) => Uint8Array.from(b, (x, i) => (i === 40 ? x ^ 1 : x)),
      "ERR_ZMTP_CRYPTOGRAPHIC",
    ],
    ["server", 1, (b) => b.subarray(0, 29), "ERR_ZMTP_MALFORMED_COMMAND_READY"],
    [
      "server",
      1,
      (b) => Uint8Array.from(b, (x, i) => (i === 20 ? x ^ 1 : x)),
      "ERR_ZMTP_CRYPTOGRAPHIC",
    ],
  ];
  for (const [side, index, change, code] of cases) {
    const o = await runHandshake(
      curveClient(),
      curveServer(),
      (s, i, b) => (s === side && i === index ? change(b) : b),
    );
    assert.equal(o.failed?.side, side === "client" ? "server" : "client", code);
    assert.ok(o.failed.error instanceof ProtocolError);
    assert.equal(o.failed.error.code, code);
  }
});

test("CURVE MESSAGE: another command, too short, a replayed nonce, tampered: each by its code", () => {
  const { sender, receiver } = cipherPair(crypto, server, client);
  const seal = (payload: Uint8Array) => {
    const out = new Uint8Array(sender.sealedSize(payload.length));
    sender.seal(out, 0, 0, payload);
    return out;
  };
  const code = (b: Uint8Array) => {
    try {
      receiver.open(b);
    } catch (e) {
      return e instanceof ProtocolError ? e.code : `not a ProtocolError: ${e}`;
    }
    return "opened";
  };
  assert.equal(code(body("PING", [0, 0])), "ERR_ZMTP_UNEXPECTED_COMMAND");
  assert.equal(code(seal(bytes("a")).subarray(0, 20)), "ERR_ZMTP_MALFORMED_COMMAND_MESSAGE");
  const first = seal(bytes("first"));
  assert.equal(code(first), "opened");
  assert.equal(code(first), "ERR_ZMTP_INVALID_SEQUENCE");
  const tampered = seal(bytes("second"));
  tampered[tampered.length - 1]! ^= 1;
  assert.equal(code(tampered), "ERR_ZMTP_CRYPTOGRAPHIC");
  sender.destroy();
  receiver.destroy();
});

test("CURVE with a client holding another server key: the server's code is ERR_ZMTP_CRYPTOGRAPHIC", async () => {
  const stranger = crypto.keyPair();
  const o = await runHandshake(
    new CurveClient(context("REQ"), { ...client, serverKey: stranger.publicKey }),
    curveServer(),
  );
  assert.ok(o.failed?.error instanceof ProtocolError);
  assert.equal(o.failed.error.code, "ERR_ZMTP_CRYPTOGRAPHIC");
});
