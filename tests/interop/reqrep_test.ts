// Request-reply with libzmq: every valid pairing of REQ, REP, DEALER and ROUTER, each side binding in turn.
import assert from "node:assert/strict";
import { Dealer, Reply, Request, Router } from "../../mod.ts";
import { join, LibzmqPeer, peerTest as test } from "../helpers/libzmq.ts";
import { nextEvent, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const ROUNDS = 50;

for (const weBind of [true, false]) {
  const how = `zmq-ts ${weBind ? "binds" : "connects"}`;

  test(`zmq-ts REQ -> libzmq REP (${how})`, async () => {
    const peer = await LibzmqPeer.start("REP");
    const req = new Request({ linger: 0 });
    try {
      await join(req, peer, weBind);
      const echoed = peer.echo(ROUNDS);
      for (let i = 0; i < ROUNDS; i++) {
        await req.send(["hello", String(i)]);
        const reply = await within(req.receive(), 5000, `reply ${i}`);
        assert.deepEqual(reply.map(text), ["hello", String(i)]);
      }
      await echoed;
    } finally {
      req.close();
      await peer.stop();
    }
  });

  test(`libzmq REQ -> zmq-ts REP (${how})`, async () => {
    const peer = await LibzmqPeer.start("REQ");
    const rep = new Reply({ linger: 0 });
    try {
      await join(rep, peer, weBind);
      for (let i = 0; i < ROUNDS; i++) {
        const asked = peer.request(["q", String(i)]);
        const req = await within(rep.receive(), 5000, `request ${i}`);
        assert.deepEqual(req.map(text), ["q", String(i)]);
        await rep.send(["a", String(i)]);
        assert.deepEqual((await asked).map(text), ["a", String(i)]);
      }
    } finally {
      rep.close();
      await peer.stop();
    }
  });

  test(`zmq-ts REQ -> libzmq ROUTER: the envelope is [id, "", body] (${how})`, async () => {
    const peer = await LibzmqPeer.start("ROUTER");
    const req = new Request({ linger: 0, routingId: "me" });
    try {
      await join(req, peer, weBind);
      const got = peer.receive(1);
      await req.send("ping");
      const [msg] = await got;
      assert.deepEqual(msg!.map(text), ["me", "", "ping"]);
      await peer.send(["me", "", "pong"]);
      assert.deepEqual((await within(req.receive(), 5000, "reply")).map(text), ["pong"]);
    } finally {
      req.close();
      await peer.stop();
    }
  });

  test(`libzmq REQ and DEALER -> zmq-ts ROUTER: identities and replies (${how})`, async () => {
    for (const type of ["REQ", "DEALER"]) {
      const peer = await LibzmqPeer.start(type, { routingId: `${type}-1` });
      const router = new Router({ linger: 0, mandatory: true });
      try {
        await join(router, peer, weBind);
        const frames = type === "REQ" ? ["q"] : ["", "q"];
        const asked = peer.request(frames);
        const [id, ...rest] = await within(router.receive(), 5000, "request");
        assert.equal(text(id!), `${type}-1`);
        assert.deepEqual(rest.map(text), ["", "q"]);
        await router.send([id!, "", "a"]);
        assert.deepEqual((await asked).map(text), type === "REQ" ? ["a"] : ["", "a"]);
        await assert.rejects(router.send(["nobody", "", "x"]), { code: "EHOSTUNREACH" });
      } finally {
        router.close();
        await peer.stop();
      }
    }
  });

  test(`zmq-ts DEALER -> libzmq REP and DEALER; libzmq DEALER -> zmq-ts DEALER (${how})`, async () => {
    for (const type of ["REP", "DEALER"]) {
      const peer = await LibzmqPeer.start(type);
      const dealer = new Dealer({ linger: 0 });
      try {
        await join(dealer, peer, weBind);
        const echoed = peer.echo(1);
        await dealer.send(["", "via dealer"]);
        assert.deepEqual((await within(dealer.receive(), 5000, "echo")).map(text), [
          "",
          "via dealer",
        ]);
        await echoed;
      } finally {
        dealer.close();
        await peer.stop();
      }
    }
  });

  test(`ROUTER to ROUTER with libzmq, both naming themselves (${how})`, async () => {
    const peer = await LibzmqPeer.start("ROUTER", { routingId: "theirs" });
    const router = new Router({ linger: 0, routingId: "ours", mandatory: true });
    try {
      // A peer's id is known once its handshake is done.
      const handshake = nextEvent(router.events, "handshake");
      await join(router, peer, weBind);
      await handshake;
      const echoed = peer.echo(1);
      await router.send(["theirs", "hello"]);
      const back = await within(router.receive(), 5000, "echo");
      assert.deepEqual(back.map(text), ["theirs", "hello"]);
      await echoed;
    } finally {
      router.close();
      await peer.stop();
    }
  });
}
