// The three mechanisms as state machines, client against server in memory (no engine, no
// socket): the commands they exchange byte for byte where libzmq fixes them, ZAP's rules, and
// refusals (zmtp.md §3).
import { test } from "node:test";
import assert from "node:assert/strict";
import { NullMechanism } from "../../src/mechanisms/null.ts";
import { PlainClient, PlainServer } from "../../src/mechanisms/plain.ts";
import { CurveClient } from "../../src/mechanisms/curve_client.ts";
import { CurveServer } from "../../src/mechanisms/curve_server.ts";
import type { HandshakeError } from "../../src/mechanisms/mechanism.ts";
import { ProtocolError } from "../../src/errors.ts";
import { loadCurveCrypto } from "../../src/security/crypto.ts";
import { bytes, context, fakeZap, runHandshake, text } from "../helpers/mechanisms.ts";

const crypto = await loadCurveCrypto();
const serverPair = crypto.keyPair();
const clientPair = crypto.keyPair();
const curveClient = (ctx = context("REQ"), keys = clientPair, serverKey = serverPair.publicKey) =>
  new CurveClient(ctx, { ...keys, serverKey });
const curveServer = (ctx = context("REP")) => new CurveServer(ctx, serverPair.secretKey);

test("NULL: READY each way with Socket-Type (and Identity for REQ), no ZAP without a domain", async () => {
  const zap = fakeZap(() => ({ status: 400 }));
  const o = await runHandshake(
    new NullMechanism(context("REQ", undefined, bytes("me"))),
    new NullMechanism(context("REP", zap)),
  );
  assert.equal(o.failed, undefined);
  assert.equal(text(o.server!.properties["Socket-Type"]), "REQ");
  assert.equal(text(o.server!.properties["Identity"]), "me");
  assert.equal(text(o.client!.properties["Socket-Type"]), "REP");
  assert.equal(zap.asked.length, 0);
  assert.equal(o.sent.client[0]![0], 5); // "\x05READY"
});

test("NULL: incompatible socket types are a protocol error", async () => {
  const o = await runHandshake(
    new NullMechanism(context("PUSH")),
    new NullMechanism(context("REP")),
  );
  assert.ok(o.failed?.error instanceof ProtocolError);
  assert.equal(o.failed.error.code, "ERR_ZMTP_INVALID_METADATA");
});

test("NULL with a ZAP domain: 200 keeps the User-Id; 400 sends ERROR 400; 300 closes silently", async () => {
  const ok = fakeZap(() => ({ status: 200, userId: bytes("alice") }), { domain: "global" });
  const o = await runHandshake(
    new NullMechanism(context("REQ")),
    new NullMechanism(context("REP", ok)),
  );
  assert.equal(text(o.server!.userId), "alice");
  assert.deepEqual(ok.asked, [{ mechanism: "NULL", credentials: [] }]);

  const no = fakeZap(() => ({ status: 400 }), { domain: "global" });
  const refused = await runHandshake(
    new NullMechanism(context("REQ")),
    new NullMechanism(context("REP", no)),
  );
  assert.equal(refused.failed?.side, "server");
  const error = refused.failed!.error as HandshakeError;
  assert.equal(error.kind, "auth");
  assert.equal(error.status, 400);
  assert.equal(error.sentError, true);
  assert.deepEqual([...refused.sent.server.at(-1)!], [5, 69, 82, 82, 79, 82, 3, 52, 48, 48]); // ERROR "400"

  const later = fakeZap(() => ({ status: 300 }), { domain: "global" });
  const temporary = await runHandshake(
    new NullMechanism(context("REQ")),
    new NullMechanism(context("REP", later)),
  );
  const e300 = temporary.failed!.error as HandshakeError;
  assert.equal(e300.status, 300);
  assert.equal(e300.sentError, false);
  assert.equal(temporary.sent.server.length, 0); // neither READY nor ERROR
});

test("NULL with a ZAP domain and no handler: let in, unless zapEnforceDomain", async () => {
  const none = fakeZap(() => ({}), { domain: "d", available: false });
  const o = await runHandshake(
    new NullMechanism(context("REQ")),
    new NullMechanism(context("REP", none)),
  );
  assert.equal(o.failed, undefined);
  const enforced = fakeZap(() => ({}), { domain: "d", available: false, enforceDomain: true });
  const refused = await runHandshake(
    new NullMechanism(context("REQ")),
    new NullMechanism(context("REP", enforced)),
  );
  assert.equal((refused.failed!.error as HandshakeError).kind, "other");
});

test("PLAIN: HELLO's bytes are libzmq's; ZAP gets the credentials; the server keeps the User-Id", async () => {
  const zap = fakeZap((r) => ({
    status: text(r.credentials[1]) === "secret" ? 200 : 400,
    userId: r.credentials[0],
  }));
  const o = await runHandshake(
    new PlainClient(context("DEALER"), bytes("admin"), bytes("secret")),
    new PlainServer(context("ROUTER", zap)),
  );
  assert.equal(o.failed, undefined);
  assert.deepEqual(
    [...o.sent.client[0]!],
    [5, 72, 69, 76, 76, 79, 5, 97, 100, 109, 105, 110, 6, 115, 101, 99, 114, 101, 116],
  );
  assert.deepEqual([...o.sent.server[0]!], [7, 87, 69, 76, 67, 79, 77, 69]); // "\x07WELCOME"
  assert.equal(text(o.server!.userId), "admin");
  assert.equal(text(o.client!.properties["Socket-Type"]), "ROUTER");
  assert.equal(text(o.server!.properties["Socket-Type"]), "DEALER");
});

test("PLAIN: a wrong password gets ERROR 400, which the client reports as an auth failure", async () => {
  const zap = fakeZap((r) => ({ status: text(r.credentials[1]) === "secret" ? 200 : 400 }));
  const o = await runHandshake(
    new PlainClient(context("DEALER"), bytes("admin"), bytes("guess")),
    new PlainServer(context("ROUTER", zap)),
  );
  assert.equal(o.client, undefined);
  assert.equal(o.server, undefined);
  const error = o.failed!.error as HandshakeError;
  assert.equal(error.kind, "auth");
  assert.equal(error.status, 400);
  assert.ok(!error.message.includes("guess"), "no password in the message");
});

test("PLAIN: with no ZAP handler the server refuses everyone (libzmq)", async () => {
  const o = await runHandshake(
    new PlainClient(context("DEALER"), bytes("admin"), bytes("secret")),
    new PlainServer(context("ROUTER", undefined)),
  );
  assert.equal(o.failed?.side, "server");
  assert.equal((o.failed!.error as HandshakeError).kind, "other");
});

test("PLAIN: a HELLO whose fields do not add up is malformed", async () => {
  const o = await runHandshake(
    new PlainClient(context("DEALER"), bytes("admin"), bytes("secret")),
    new PlainServer(context("ROUTER", fakeZap(() => ({})))),
    (side, i, body) => (side === "client" && i === 0 ? body.subarray(0, body.length - 1) : body),
  );
  assert.equal(o.failed?.side, "server");
  assert.match(o.failed!.error.message, /malformed HELLO/);
});

test("CURVE: the handshake's command sizes are libzmq's, and ZAP gets the client's public key", async () => {
  const zap = fakeZap(() => ({ status: 200, userId: bytes("client-1") }));
  const o = await runHandshake(curveClient(), curveServer(context("REP", zap)));
  assert.equal(o.failed, undefined);
  const [hello, initiate] = o.sent.client;
  const [welcome, ready] = o.sent.server;
  assert.equal(hello!.length, 200);
  assert.deepEqual([...hello!.subarray(6, 8)], [1, 0]);
  assert.deepEqual([...hello!.subarray(112, 120)], [0, 0, 0, 0, 0, 0, 0, 1]); // short nonce 1
  assert.equal(welcome!.length, 168);
  assert.ok(initiate!.length >= 257);
  assert.deepEqual([...initiate!.subarray(105, 113)], [0, 0, 0, 0, 0, 0, 0, 2]);
  assert.deepEqual([...ready!.subarray(6, 14)], [0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(zap.asked[0]!.credentials, [clientPair.publicKey]);
  assert.equal(text(o.server!.userId), "client-1");
  assert.equal(text(o.client!.properties["Socket-Type"]), "REP");
});

test("CURVE without a ZAP handler lets any client key in (Stonehouse), unless enforced", async () => {
  const stranger = crypto.keyPair();
  const none = fakeZap(() => ({}), { available: false });
  const o = await runHandshake(
    curveClient(context("REQ"), stranger),
    curveServer(context("REP", none)),
  );
  assert.equal(o.failed, undefined);
  const enforced = fakeZap(() => ({}), { available: false, domain: "x", enforceDomain: true });
  const refused = await runHandshake(curveClient(), curveServer(context("REP", enforced)));
  assert.equal((refused.failed!.error as HandshakeError).kind, "other");
});

test("CURVE: a client with the wrong server key is refused at HELLO, and never learns why", async () => {
  const o = await runHandshake(
    curveClient(context("REQ"), clientPair, crypto.keyPair().publicKey),
    curveServer(),
  );
  assert.equal(o.failed?.side, "server");
  assert.equal((o.failed!.error as ProtocolError).code, "ERR_ZMTP_CRYPTOGRAPHIC");
  assert.equal(o.sent.server.length, 0); // no WELCOME, no ERROR
});

test("CURVE: a client claiming a public key it has not the secret of fails the vouch", async () => {
  const other = crypto.keyPair();
  const o = await runHandshake(
    new CurveClient(context("REQ"), {
      publicKey: other.publicKey,
      secretKey: clientPair.secretKey,
      serverKey: serverPair.publicKey,
    }),
    curveServer(),
  );
  assert.equal(o.failed?.side, "server");
  assert.match(o.failed!.error.message, /vouch/);
});

test("CURVE: ZAP 400 sends ERROR before READY; the client reports it as auth 400", async () => {
  const o = await runHandshake(
    curveClient(),
    curveServer(context("REP", fakeZap(() => ({ status: 400 })))),
  );
  assert.equal(o.failed?.side, "server");
  assert.equal((o.failed!.error as HandshakeError).status, 400);
  assert.equal(text(o.sent.server.at(-1)!.subarray(1, 6)), "ERROR");
});

test("CURVE ciphers: frames sealed on one side open on the other, in order only, and only untouched", async () => {
  // runHandshake closes the mechanisms (wiping their keys): this pair is run by hand and kept open.
  const c = curveClient();
  const s = curveServer();
  const o = await runHandshakeOpen(c, s);
  assert.equal(o, true);
  const out = new Uint8Array(c.cipher!.sealedSize(5));
  const end = c.cipher!.seal(out, 0, 1, bytes("hello"));
  assert.equal(end, out.length);
  assert.equal(text(out.subarray(0, 8)), "\x07MESSAGE");
  assert.deepEqual([...out.subarray(8, 16)], [0, 0, 0, 0, 0, 0, 0, 3]); // HELLO 1, INITIATE 2, then 3
  const opened = s.cipher!.open(out);
  assert.equal(opened.flags, 1);
  assert.equal(text(opened.payload), "hello");
  // The same box again is a replay.
  assert.throws(() => s.cipher!.open(out), /not above the last/);
  // A flipped byte does not authenticate.
  const next = new Uint8Array(c.cipher!.sealedSize(5));
  c.cipher!.seal(next, 0, 0, bytes("world"));
  next[next.length - 1]! ^= 1;
  assert.throws(() => s.cipher!.open(next), /does not authenticate/);
  // Server to client uses the other prefix and its own counter (READY 1, then 2).
  const back = new Uint8Array(s.cipher!.sealedSize(0));
  s.cipher!.seal(back, 0, 2, new Uint8Array(0));
  assert.deepEqual([...back.subarray(8, 16)], [0, 0, 0, 0, 0, 0, 0, 2]);
  assert.equal(c.cipher!.open(back).flags, 2);
  assert.throws(() => c.cipher!.open(bytes("\x05READY........................")), /MESSAGE/);
  c.close();
  s.close();
});

/** Runs a handshake without closing the mechanisms afterwards; true when both are ready. */
function runHandshakeOpen(client: CurveClient, server: CurveServer): Promise<boolean> {
  return new Promise((resolve) => {
    let ready = 0;
    const io = (peer: CurveClient | CurveServer) => ({
      send: (b: Uint8Array) => queueMicrotask(() => peer.command(b)),
      ready: () => ++ready === 2 && resolve(true),
      fail: () => resolve(false),
    });
    server.start(io(client));
    client.start(io(server));
  });
}

test("CURVE server: the cookie's plaintext (C' and the server's transient secret s') is wiped once sealed", async () => {
  const sealed: Uint8Array[] = [];
  const secretbox = crypto.secretbox;
  crypto.secretbox = (m, n, k) => {
    sealed.push(m);
    return secretbox(m, n, k);
  };
  try {
    const o = await runHandshake(curveClient(), curveServer());
    assert.equal(o.failed, undefined);
  } finally {
    crypto.secretbox = secretbox;
  }
  assert.equal(sealed.length, 1, "one cookie");
  assert.equal(sealed[0]!.length, 64);
  assert.ok(sealed[0]!.every((b) => b === 0), "no transient secret left in the JS heap");
});
