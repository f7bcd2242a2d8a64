// PLAIN, CURVE and ZAP against real libzmq (4.3.5, npm zeromq under Node), both ways: CURVE and
// PLAIN clients and servers, ZAP handlers on either side letting one key in and refusing another,
// and the refusals libzmq must see too: a wrong server key, a wrong password, a NULL peer at a
// CURVE server; in every refusal nothing is delivered (zmtp.md §3).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Authenticator,
  type AuthenticatorOptions,
  Context,
  curveKeyPair,
  Pair,
  ProtocolError,
  Publisher,
  Reply,
  Request,
  Subscriber,
} from "../../mod.ts";
import { LibzmqPeer } from "../helpers/libzmq.ts";
import { nextEvent, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
/** How long a refused peer is given to get a message through (none may). */
const NOTHING_MS = 700;

const server = curveKeyPair();
const client = curveKeyPair();
const stranger = curveKeyPair();
const curveServerOptions = { curveServer: true, curveSecretKey: server.secretKey };
const curveClientOptions = (keys = client, serverKey = server.publicKey) => ({
  curveServerKey: serverKey,
  curvePublicKey: keys.publicKey,
  curveSecretKey: keys.secretKey,
});

test("libzmq makes key pairs our Z85 reads and our keys work in libzmq (both make the same public key)", async () => {
  const peer = await LibzmqPeer.start("REP", curveServerOptions);
  try {
    const theirs = await peer.keyPair();
    const { curvePublicKey } = await import("../../mod.ts");
    assert.equal(await curvePublicKey(theirs.secretKey), theirs.publicKey);
  } finally {
    await peer.stop();
  }
});

test("CURVE: a libzmq REQ client and a zmq-ts REP server, multipart and 200 KB both ways", async () => {
  const rep = new Reply({ ...curveServerOptions, linger: 0 });
  const peer = await LibzmqPeer.start("REQ", curveClientOptions());
  try {
    await rep.bind("tcp://127.0.0.1:*");
    await peer.connect(rep.lastEndpoint!);
    const asked = peer.request(["hello", "curve"]);
    const req = await within(rep.receive(), 10000, "the request over CURVE");
    assert.deepEqual(req.map(text), ["hello", "curve"]);
    const big = new Uint8Array(200_000).map((_, i) => i & 0xff);
    await rep.send(["ok", big]);
    const reply = await asked;
    assert.equal(text(reply[0]), "ok");
    assert.deepEqual(reply[1], big);
    assert.equal(rep.securityMechanism, "curve");
  } finally {
    rep.close();
    await peer.stop();
  }
});

test("CURVE: a zmq-ts REQ client and a libzmq REP server, over ipc too", async () => {
  for (const endpoint of ["tcp://127.0.0.1:*", `ipc:///tmp/zmq-ts-curve-${Date.now()}.sock`]) {
    const peer = await LibzmqPeer.start("REP", curveServerOptions);
    const req = new Request({ ...curveClientOptions(), linger: 0 });
    try {
      req.connect(await peer.bind(endpoint));
      const echoed = peer.echo(2);
      await req.send(["one", new Uint8Array(70_000)]);
      const [first, second] = await within(req.receive(), 10000, "the echo over CURVE");
      assert.equal(text(first), "one");
      assert.equal(second!.length, 70_000);
      await req.send("two");
      assert.equal(text((await within(req.receive(), 10000, "the second echo"))[0]), "two");
      await echoed;
    } finally {
      req.close();
      await peer.stop();
    }
  }
});

test("CURVE pub-sub with libzmq: subscriptions travel sealed (as SUBSCRIBE commands) both ways", async () => {
  const peer = await LibzmqPeer.start("PUB", curveServerOptions);
  const sub = new Subscriber({ ...curveClientOptions(), linger: 0 });
  try {
    sub.subscribe("weather");
    sub.connect(await peer.bind("tcp://127.0.0.1:*"));
    await nextEvent(sub.events, "handshake", 10000);
    // Publish until the subscription has reached libzmq; only "weather" may arrive.
    let got: Uint8Array[] | undefined;
    const receiving = sub.receive().then((m) => (got = m));
    for (let i = 0; i < 100 && got === undefined; i++) {
      await peer.send(["sports", "x"]);
      await peer.send(["weather", "sun"]);
      await new Promise((r) => setTimeout(r, 20));
    }
    await within(receiving, 5000, "a weather message");
    assert.deepEqual(got!.map(text), ["weather", "sun"]);
  } finally {
    sub.close();
    await peer.stop();
  }
  const pub = new Publisher({ ...curveServerOptions, linger: 0 });
  const libSub = await LibzmqPeer.start("SUB", curveClientOptions());
  try {
    await pub.bind("tcp://127.0.0.1:*");
    await libSub.subscribe("a");
    await libSub.connect(pub.lastEndpoint!);
    const received = libSub.receive(1, 10000);
    for (let i = 0; i < 200; i++) {
      await pub.send(["b", "no"]);
      await pub.send(["a", "yes"]);
      if (
        await Promise.race([
          received.then(() => true),
          new Promise((r) => setTimeout(() => r(false), 20)),
        ])
      ) break;
    }
    assert.deepEqual((await received)[0]!.map(text), ["a", "yes"]);
  } finally {
    pub.close();
    await libSub.stop();
  }
});

test("ZAP in libzmq lets one zmq-ts client key in and refuses another: auth 400, nothing delivered", async () => {
  const peer = await LibzmqPeer.start("PULL", curveServerOptions);
  await peer.zap({ keys: [client.publicKey] });
  const ok = new Request({ ...curveClientOptions(), linger: 0 });
  const ctx = new Context();
  const refused = new (await import("../../mod.ts")).Push({
    ...curveClientOptions(stranger),
    linger: 0,
    context: ctx,
  });
  try {
    const endpoint = await peer.bind("tcp://127.0.0.1:*");
    const auth = nextEvent(refused.events, "handshake:error:auth", 10000);
    refused.connect(endpoint);
    const e = await auth;
    assert.equal(e.status, 400);
    refused.send("should never arrive").catch(() => {});
    assert.deepEqual(await peer.receiveWithin(NOTHING_MS), []);
    const asked = await peer.zapAsked();
    assert.deepEqual(asked.map((a) => [a.mechanism, a.who, a.address]), [[
      "CURVE",
      stranger.publicKey,
      "127.0.0.1",
    ]]);
    ok.close();
  } finally {
    refused.close();
    ctx.terminate();
    await peer.stop();
  }
});

/**
 * A zmq-ts REP judged by the Authenticator: a libzmq REQ with `good` options gets a round trip
 * (and the handshake event carries `userId`), one with `bad` options is refused with ERROR 400 and
 * reports `badSees` on its own side; nothing it sends is delivered.
 */
async function judgedByAuthenticator(o: {
  auth: AuthenticatorOptions;
  server: Record<string, unknown>;
  good: Record<string, unknown>;
  bad: Record<string, unknown>;
  userId: string;
  badSees: string;
  secret?: string;
}): Promise<void> {
  const ctx = new Context();
  const auth = new Authenticator({ ...o.auth, context: ctx });
  await auth.start();
  const rep = new Reply({ ...o.server, context: ctx, linger: 0 });
  const good = await LibzmqPeer.start("REQ", o.good);
  const bad = await LibzmqPeer.start("REQ", o.bad);
  try {
    await rep.bind("tcp://127.0.0.1:*");
    const handshake = nextEvent(rep.events, "handshake", 10000);
    await good.connect(rep.lastEndpoint!);
    assert.equal((await handshake).userId, o.userId);
    const asked = good.request(["let me in"]);
    assert.equal(
      text((await within(rep.receive(), 10000, "the good client's request"))[0]),
      "let me in",
    );
    await rep.send("welcome");
    assert.equal(text((await asked)[0]), "welcome");

    await bad.watch(o.badSees);
    const refusal = nextEvent(rep.events, "handshake:error:auth", 10000);
    await bad.connect(rep.lastEndpoint!);
    const e = await refusal;
    assert.equal(e.status, 400);
    if (o.secret !== undefined) {
      assert.ok(!String(e.error?.message).includes(o.secret), "no secret in the event");
    }
    await bad.waitEvents(o.badSees, 1, 10000);
    bad.send(["intruder"]).catch(() => {});
    await assert.rejects(within(rep.receive(), NOTHING_MS, "nothing"), /timed out/);
  } finally {
    rep.close();
    auth.close();
    ctx.terminate();
    await good.stop();
    await bad.kill();
  }
}

test("ZAP in zmq-ts (the Authenticator) lets one libzmq client key in and refuses another", async () => {
  await judgedByAuthenticator({
    auth: { publicKeys: [client.publicKey] },
    server: curveServerOptions,
    good: curveClientOptions(),
    bad: curveClientOptions(stranger),
    userId: client.publicKey, // the Authenticator's User-Id for CURVE: the client's key
    badSees: "handshake:error:auth", // libzmq read our ERROR 400
  });
});

test("PLAIN: a libzmq client judged by the Authenticator; a wrong password is refused, nothing delivered", async () => {
  await judgedByAuthenticator({
    auth: { passwords: { admin: "secret" } },
    server: { plainServer: true },
    good: { plainUsername: "admin", plainPassword: "secret" },
    bad: { plainUsername: "admin", plainPassword: "guess" },
    userId: "admin",
    // libzmq's PLAIN client expects libzmq's malformed ERROR (see src/mechanisms/plain.ts): our
    // correct one is, to it, an unexpected command. Refused either way; it stops reconnecting.
    badSees: "handshake:error:protocol",
    secret: "guess",
  });
});

test("PLAIN: a zmq-ts client at a libzmq server with its own ZAP handler; a wrong password gets auth 400", async () => {
  const peer = await LibzmqPeer.start("REP", { plainServer: true });
  await peer.zap({ users: { admin: "secret" } });
  const endpoint = await peer.bind("tcp://127.0.0.1:*");
  const req = new Request({ plainUsername: "admin", plainPassword: "secret", linger: 0 });
  const wrong = new Request({ plainUsername: "admin", plainPassword: "guess", linger: 0 });
  try {
    req.connect(endpoint);
    const echoed = peer.echo(1);
    await req.send("plain");
    assert.equal(text((await within(req.receive(), 10000, "the PLAIN echo"))[0]), "plain");
    await echoed;
    const refused = nextEvent(wrong.events, "handshake:error:auth", 10000);
    wrong.connect(endpoint);
    assert.equal((await refused).status, 400);
    wrong.send("never").catch(() => {});
    assert.deepEqual(await peer.receiveWithin(NOTHING_MS), []);
  } finally {
    req.close();
    wrong.close();
    await peer.stop();
  }
});

test("a zmq-ts CURVE client with the wrong server key gets nowhere with libzmq", async () => {
  const peer = await LibzmqPeer.start("PULL", curveServerOptions);
  const push = new (await import("../../mod.ts")).Push({
    ...curveClientOptions(client, stranger.publicKey),
    linger: 0,
  });
  try {
    await peer.watch("handshake:error:protocol");
    push.connect(await peer.bind("tcp://127.0.0.1:*"));
    await peer.waitEvents("handshake:error:protocol", 1, 10000);
    push.send("never").catch(() => {});
    assert.deepEqual(await peer.receiveWithin(NOTHING_MS), []);
  } finally {
    push.close();
    await peer.stop();
  }
});

test("a libzmq client with the wrong server key, and a libzmq NULL client, are turned away by a zmq-ts CURVE server", async () => {
  const rep = new Reply({ ...curveServerOptions, linger: 0 });
  const wrongKey = await LibzmqPeer.start("REQ", curveClientOptions(client, stranger.publicKey));
  const plainNull = await LibzmqPeer.start("REQ");
  try {
    await rep.bind("tcp://127.0.0.1:*");
    for (const peer of [wrongKey, plainNull]) {
      const refused = nextEvent(rep.events, "handshake:error:protocol", 10000);
      await peer.connect(rep.lastEndpoint!);
      await refused;
      peer.send(["intruder"]).catch(() => {});
    }
    await assert.rejects(within(rep.receive(), NOTHING_MS, "nothing"), /timed out/);
  } finally {
    rep.close();
    await wrongKey.kill();
    await plainNull.kill();
  }
});

test("a zmq-ts NULL client at a libzmq CURVE server is turned away, nothing delivered", async () => {
  // libzmq closes on the mechanism mismatch before it has sent its own mechanism, so all our
  // client sees is a closed connection (and it retries, as a libzmq NULL client would).
  const peer = await LibzmqPeer.start("PULL", curveServerOptions);
  const push = new (await import("../../mod.ts")).Push({ linger: 0 });
  try {
    await peer.watch("handshake:error:protocol");
    push.connect(await peer.bind("tcp://127.0.0.1:*"));
    push.send("never").catch(() => {});
    await peer.waitEvents("handshake:error:protocol", 1, 10000);
    assert.deepEqual(await peer.receiveWithin(NOTHING_MS), []);
  } finally {
    push.close();
    await peer.stop();
  }
});

test("heartbeats under CURVE with libzmq: PING and PONG travel sealed both ways, an idle link stays up", async () => {
  const hb = { heartbeatInterval: 100, heartbeatTimeout: 300, heartbeatTimeToLive: 1000 };
  const peer = await LibzmqPeer.start("PULL", { ...curveServerOptions, ...hb });
  const push = new (await import("../../mod.ts")).Push({
    ...curveClientOptions(),
    ...hb,
    linger: 0,
  });
  try {
    await peer.watch("handshake", "disconnect");
    push.connect(await peer.bind("tcp://127.0.0.1:*"));
    await peer.waitEvents("handshake", 1, 10000);
    // Five heartbeat timeouts of silence but for PING/PONG: either side missing a PONG (or
    // choking on a sealed PING) would disconnect.
    await assert.rejects(nextEvent(push.events, "disconnect", 1500), /timed out/);
    assert.equal((await peer.eventCounts()).disconnect, 0);
    await push.send("alive");
    assert.equal(text((await peer.receive(1, 5000))[0]![0]), "alive");
  } finally {
    push.close();
    await peer.stop();
  }
});

test("a libzmq CURVE server meets a zmq-ts PLAIN server, either side binding: libzmq reports ERR_ZMTP_MECHANISM_MISMATCH", async () => {
  // The zeromq.js test "should report mechanism mismatch error", with libzmq on one side. libzmq
  // closes as soon as it has read our greeting, before writing the rest of its own, so our side
  // mostly sees the connection close; when it does see libzmq's mechanism, it reports the same code.
  for (const weBind of [true, false]) {
    const peer = await LibzmqPeer.start("PAIR", curveServerOptions);
    const pair = new Pair({ linger: 0, plainServer: true });
    const ours: string[] = [];
    pair.events.on("handshake:error:protocol", ({ error }) => {
      ours.push(error instanceof ProtocolError ? error.code : `not a ProtocolError: ${error}`);
    });
    try {
      await peer.watch("handshake:error:protocol");
      if (weBind) {
        await pair.bind("tcp://127.0.0.1:*");
        await peer.connect(pair.lastEndpoint!);
      } else {
        pair.connect(await peer.bind("tcp://127.0.0.1:*"));
      }
      await peer.waitEvents("handshake:error:protocol", 1, 10000);
      const codes = (await peer.eventCodes())["handshake:error:protocol"]!;
      assert.equal(codes[0], "ERR_ZMTP_MECHANISM_MISMATCH");
      for (const code of ours) assert.equal(code, "ERR_ZMTP_MECHANISM_MISMATCH");
    } finally {
      pair.close();
      await peer.stop();
    }
  }
});
