// PLAIN and CURVE over ws:// (ZWS 2.0): the subprotocol names the mechanism ("ZWS2.0/CURVE", a
// libzmq extension; "ZWS2.0/PLAIN"), then the same handshake runs over WebSocket messages. Between
// zmq-ts sockets, and against libzmq 4.3.5's ws transport (npm zeromq), each side binding in turn.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Authenticator, Context, curveKeyPair, Pull, Push, Reply, Request } from "../../mod.ts";
import { LibzmqPeer } from "../helpers/libzmq.ts";
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

test("ws: CURVE and PLAIN between zmq-ts sockets, and a NULL client refused by a CURVE server", async () => {
  const ctx = new Context();
  const auth = new Authenticator({
    context: ctx,
    passwords: { admin: "secret" },
    publicKeys: [client.publicKey],
  });
  await auth.start();
  try {
    for (
      const [name, bound, connecting] of [
        ["CURVE", serverOptions, clientOptions],
        ["PLAIN", { plainServer: true }, { plainUsername: "admin", plainPassword: "secret" }],
      ] as const
    ) {
      const rep = new Reply({ ...bound, context: ctx, linger: 0 });
      await rep.bind("ws://127.0.0.1:*/secure");
      const req = new Request({ ...connecting, context: ctx, linger: 0 });
      req.connect(rep.lastEndpoint!);
      await req.send(["over ws", new Uint8Array(100_000)]);
      const got = await within(rep.receive(), 10000, `the ${name} request over ws`);
      assert.equal(text(got[0]), "over ws");
      assert.equal(got[1]!.length, 100_000);
      await rep.send("ok");
      assert.equal(text((await within(req.receive(), 10000, `the ${name} reply`))[0]), "ok");
      rep.close();
      req.close();
    }
    const pull = new Pull({ ...serverOptions, context: ctx, linger: 0 });
    await pull.bind("ws://127.0.0.1:*/curve");
    const bare = new Push({ context: ctx, linger: 0 });
    bare.connect(pull.lastEndpoint!);
    bare.send("never").catch(() => {});
    await assert.rejects(within(pull.receive(), 500, "nothing"), /timed out/);
  } finally {
    ctx.terminate();
  }
});

for (const weBind of [true, false]) {
  test(`ws: CURVE with libzmq (zeromq.js), zmq-ts ${weBind ? "binds" : "connects"}`, async () => {
    const peer = await LibzmqPeer.start(
      weBind ? "REQ" : "REP",
      weBind ? clientOptions : serverOptions,
    );
    const ours = weBind
      ? new Reply({ ...serverOptions, linger: 0 })
      : new Request({ ...clientOptions, linger: 0 });
    try {
      if (weBind) {
        await ours.bind("ws://127.0.0.1:*/zmq");
        await peer.connect(ours.lastEndpoint!);
        const asked = peer.request(["hello over ws"]);
        assert.equal(
          text((await within(ours.receive(), 10000, "libzmq's request"))[0]),
          "hello over ws",
        );
        await ours.send("curve");
        assert.equal(text((await asked)[0]), "curve");
      } else {
        ours.connect(await peer.bind("ws://127.0.0.1:*/zmq"));
        const echoed = peer.echo(1);
        await ours.send("hello over ws");
        assert.equal(
          text((await within(ours.receive(), 10000, "libzmq's echo"))[0]),
          "hello over ws",
        );
        await echoed;
      }
      assert.equal(ours.securityMechanism, "curve");
    } finally {
      ours.close();
      await peer.stop();
    }
  });
}

test("ws: a libzmq CURVE client with the wrong server key is refused by a zmq-ts server", async () => {
  const stranger = curveKeyPair();
  const rep = new Reply({ ...serverOptions, linger: 0 });
  const peer = await LibzmqPeer.start("REQ", {
    ...clientOptions,
    curveServerKey: stranger.publicKey,
  });
  try {
    await rep.bind("ws://127.0.0.1:*/zmq");
    const refused = nextEvent(rep.events, "handshake:error:protocol", 10000);
    await peer.connect(rep.lastEndpoint!);
    await refused;
    peer.send(["intruder"]).catch(() => {});
    await assert.rejects(within(rep.receive(), 500, "nothing"), /timed out/);
  } finally {
    rep.close();
    await peer.kill();
  }
});
