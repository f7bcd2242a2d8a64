// CURVE against a man in the middle: a raw TCP relay flips one bit of one MESSAGE box after the
// handshake, or sends one MESSAGE twice (its nonce reused). The receiving side drops that
// connection, never delivers the altered or replayed message, and other traffic goes on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, curveKeyPair, Pull, Push } from "../../mod.ts";
import { LibzmqPeer } from "../helpers/libzmq.ts";
import { TamperRelay } from "../helpers/tamper_relay.ts";
import { nextEvent, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const server = curveKeyPair();
const client = curveKeyPair();
const serverOptions = { curveServer: true, curveSecretKey: server.secretKey };
const clientOptions = {
  curveServerKey: server.publicKey,
  curvePublicKey: client.publicKey,
  curveSecretKey: client.secretKey,
};

/** Receives until every one of `lasts` has arrived; returns every message's text, in order. */
async function receiveUntil(pull: Pull, ...lasts: string[]): Promise<string[]> {
  const got: string[] = [];
  while (!lasts.every((l) => got.includes(l))) {
    const msg = await within(pull.receive(), 10000, `messages up to ${lasts.join(" and ")}`);
    got.push(msg.map(text).join("|"));
  }
  return got;
}

test("a flipped bit in a libzmq client's MESSAGE: our server drops that connection, the message never arrives", async () => {
  const ctx = new Context();
  const pull = new Pull({ ...serverOptions, context: ctx, linger: 0 });
  const peer = await LibzmqPeer.start("PUSH", { ...clientOptions, reconnectInterval: 20 });
  await pull.bind("tcp://127.0.0.1:*");
  const relay = await TamperRelay.start(Number(pull.lastEndpoint!.split(":").pop()), {
    direction: "toServer",
    frame: 4,
    action: "flip",
  });
  try {
    const dropped = nextEvent(pull.events, "handshake:error:protocol", 10000);
    await peer.watch("handshake");
    await peer.connect(`tcp://127.0.0.1:${relay.port}`);
    await peer.sendSeq(10);
    const e = await dropped;
    assert.match(e.error.message, /does not authenticate/);
    assert.equal(relay.tampered, 1);
    // libzmq reconnects through the relay (untouched now): later messages arrive whole.
    await peer.waitEvents("handshake", 2, 10000);
    await peer.sendSeq(3, ["after"]);
    const got = await receiveUntil(pull, "after|2", "3");
    // The two connections' pipes are fair-queued: the first one's messages may interleave with the
    // second's, but keep their own order.
    const first = got.filter((m) => /^\d$/.test(m));
    assert.deepEqual(first.slice(0, 4), ["0", "1", "2", "3"]);
    assert.ok(!got.includes("4"), "the tampered message was never delivered");
    for (const m of got) assert.match(m, /^(\d|after\|\d)$/, `delivered unaltered: ${m}`);
    assert.ok(relay.connections >= 2);
  } finally {
    relay.close();
    await peer.stop();
    ctx.terminate();
  }
});

test("a replayed MESSAGE (nonce reused) between zmq-ts sockets is refused: delivered once, never twice", async () => {
  const ctx = new Context();
  const pull = new Pull({ ...serverOptions, context: ctx, linger: 0 });
  const push = new Push({ ...clientOptions, context: ctx, linger: 0, reconnectInterval: 20 });
  await pull.bind("tcp://127.0.0.1:*");
  const relay = await TamperRelay.start(Number(pull.lastEndpoint!.split(":").pop()), {
    direction: "toServer",
    frame: 2,
    action: "replay",
  });
  try {
    const dropped = nextEvent(pull.events, "handshake:error:protocol", 10000);
    push.connect(`tcp://127.0.0.1:${relay.port}`);
    for (let i = 0; i < 3; i++) await push.send(String(i));
    assert.deepEqual(await receiveUntil(pull, "2"), ["0", "1", "2"]);
    assert.match((await dropped).error.message, /replayed or reordered/);
    // The client reconnects (through the relay, untouched now) and goes on.
    await nextEvent(push.events, "handshake", 10000);
    await push.send("after");
    const got = await receiveUntil(pull, "after");
    assert.deepEqual(got, ["after"], "nothing replayed in between");
  } finally {
    relay.close();
    ctx.terminate();
  }
});

test("a flipped bit in a libzmq server's MESSAGE: our client drops the connection, nothing altered arrives", async () => {
  const ctx = new Context();
  const peer = await LibzmqPeer.start("PUSH", serverOptions);
  const endpoint = await peer.bind("tcp://127.0.0.1:*");
  const relay = await TamperRelay.start(Number(endpoint.split(":").pop()), {
    direction: "toClient",
    frame: 3,
    action: "flip",
  });
  const pull = new Pull({ ...clientOptions, context: ctx, linger: 0 });
  try {
    const dropped = nextEvent(pull.events, "handshake:error:protocol", 10000);
    pull.connect(`tcp://127.0.0.1:${relay.port}`);
    peer.sendSeq(6).catch(() => {});
    assert.match((await dropped).error.message, /does not authenticate/);
    // What was decoded before the tampered frame is still readable; nothing after it, ever (a
    // protocol error stops a connecting socket from reconnecting, as in libzmq).
    const got: string[] = [];
    for (;;) {
      const next = await within(pull.receive(), 300, "more").catch(() => undefined);
      if (next === undefined) break;
      got.push(text(next[0]));
    }
    assert.deepEqual(
      got,
      ["0", "1", "2"],
      "the messages before the tampered one, and nothing after",
    );
  } finally {
    relay.close();
    await peer.kill();
    ctx.terminate();
  }
});
