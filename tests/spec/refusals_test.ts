// Peers a socket turns away, and what stays usable afterwards: a PAIR's second connect, a ROUTER's
// second peer with a routing id in use (without handover), handover, and Router.disconnect, over
// tcp, ipc and inproc (libzmq's test_pair_*, test_router_handover, test_connect_rid).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Dealer, Pair, Router } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { nextEvent, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const transports = ["tcp", "ipc", "inproc"] as const;

/** The next message of `sock`, as text. */
async function next(sock: Pair | Dealer | Router, what: string): Promise<string[]> {
  return (await within(sock.receive(), 5000, what)).map(text);
}

for (const transport of transports) {
  test(`a PAIR that has its peer turns its own second connect away, and leaves that endpoint free (${transport})`, async () => {
    const ctx = new Context();
    try {
      const a = new Pair({ context: ctx });
      const b = new Pair({ context: ctx });
      await a.bind(freshEndpoint(transport));
      await b.bind(freshEndpoint(transport));
      const c = new Pair({ context: ctx });
      c.connect(a.lastEndpoint!);
      await c.send("to a");
      assert.deepEqual(await next(a, "c's message"), ["to a"]);
      // Over tcp and ipc b meets c's connection and loses it once c turns it away.
      const dropped = transport === "inproc" ? undefined : nextEvent(b.events, "disconnect");
      c.connect(b.lastEndpoint!);
      await dropped;
      // b was never c's: another PAIR takes it, both ways.
      const d = new Pair({ context: ctx });
      d.connect(b.lastEndpoint!);
      await d.send("to b");
      assert.deepEqual(await next(b, "d's message"), ["to b"]);
      await b.send("to d");
      assert.deepEqual(await next(d, "b's reply"), ["to d"]);
      // And c still has a.
      await a.send("to c");
      assert.deepEqual(await next(c, "a's message"), ["to c"]);
    } finally {
      ctx.terminate();
    }
  });

  test(`a bound ROUTER without handover turns away a second peer whose routing id is in use (${transport})`, async () => {
    const ctx = new Context();
    try {
      const router = new Router({ context: ctx, mandatory: true });
      await router.bind(freshEndpoint(transport));
      const first = new Dealer({ context: ctx, routingId: "same" });
      let firstLost = 0;
      first.events.on("disconnect", () => firstLost++);
      first.connect(router.lastEndpoint!);
      await first.send("from first");
      assert.deepEqual(await next(router, "the first peer's message"), ["same", "from first"]);

      const second = new Dealer({ context: ctx, routingId: "same", sendTimeout: 0 });
      if (transport === "inproc") {
        // Refused as the pipe is offered: the newcomer has no peer at all.
        second.connect(router.lastEndpoint!);
        await assert.rejects(second.send("from second"), { code: "EAGAIN" });
      } else {
        // Its message waits in the pipe made at connect(), goes out after the handshake, and
        // is lost with the connection the ROUTER drops.
        const dropped = nextEvent(second.events, "disconnect");
        second.connect(router.lastEndpoint!);
        await second.send("from second");
        await dropped;
      }
      // The id still routes to the first peer, and the first peer's messages are the next ones read.
      await router.send(["same", "to same"]);
      assert.deepEqual(await next(first, "the message routed by id"), ["to same"]);
      await first.send("again");
      assert.deepEqual(await next(router, "the first peer's next message"), ["same", "again"]);
      assert.equal(second.readable, false);
      assert.equal(firstLost, 0, "the first peer kept its connection throughout");
    } finally {
      ctx.terminate();
    }
  });

  test(`a connecting ROUTER turns away a second peer whose routing id is in use (${transport})`, async () => {
    const ctx = new Context();
    try {
      const one = new Dealer({ context: ctx, routingId: "same" });
      const two = new Dealer({ context: ctx, routingId: "same" });
      await one.bind(freshEndpoint(transport));
      await two.bind(freshEndpoint(transport));
      const router = new Router({ context: ctx, mandatory: true });
      const attached = transport === "inproc" ? undefined : nextEvent(router.events, "handshake");
      router.connect(one.lastEndpoint!);
      await attached;
      const refused = transport === "inproc" ? undefined : nextEvent(two.events, "disconnect");
      router.connect(two.lastEndpoint!);
      await refused;
      for (let i = 0; i < 3; i++) await router.send(["same", `to same ${i}`]);
      for (let i = 0; i < 3; i++) {
        assert.deepEqual(await next(one, `message ${i}`), [`to same ${i}`]);
      }
      assert.equal(two.readable, false, "the refused peer hears nothing");
      await one.send("from one");
      assert.deepEqual(await next(router, "one's message"), ["same", "from one"]);
    } finally {
      ctx.terminate();
    }
  });

  test(`handover: a newcomer with a routing id in use takes it over and the old peer is dropped (${transport})`, async () => {
    const ctx = new Context();
    try {
      const router = new Router({ context: ctx, handover: true, mandatory: true });
      await router.bind(freshEndpoint(transport));
      // The old peer does not reconnect, or it would take the id back in turn.
      const first = new Dealer({ context: ctx, routingId: "same", reconnectInterval: -1 });
      first.connect(router.lastEndpoint!);
      await first.send("from first");
      assert.deepEqual(await next(router, "the first peer's message"), ["same", "from first"]);

      const dropped = transport === "inproc" ? undefined : nextEvent(first.events, "disconnect");
      const second = new Dealer({ context: ctx, routingId: "same" });
      second.connect(router.lastEndpoint!);
      await second.send("from second");
      assert.deepEqual(await next(router, "the newcomer's message"), ["same", "from second"]);
      await dropped;
      await router.send(["same", "to the newest"]);
      assert.deepEqual(await next(second, "the message routed to the newcomer"), ["to the newest"]);
      assert.equal(first.readable, false, "the old peer hears nothing more");
      assert.equal(first.writable, false, "the old peer has lost its connection");
    } finally {
      ctx.terminate();
    }
  });

  test(`Router.disconnect drops the peer named at connect and frees its routing id (${transport})`, async () => {
    const ctx = new Context();
    try {
      const one = new Dealer({ context: ctx });
      const two = new Dealer({ context: ctx });
      await one.bind(freshEndpoint(transport));
      await two.bind(freshEndpoint(transport));
      const router = new Router({ context: ctx, mandatory: true });
      const attached = transport === "inproc" ? undefined : nextEvent(router.events, "handshake");
      router.connect(one.lastEndpoint!, { routingId: "peer" });
      await attached;
      await router.send(["peer", "to one"]);
      assert.deepEqual(await next(one, "the message to one"), ["to one"]);
      // The id is taken while that peer is connected...
      assert.throws(() => router.connect(two.lastEndpoint!, { routingId: "peer" }), {
        code: "EINVAL",
      });

      const lost = transport === "inproc" ? undefined : nextEvent(one.events, "disconnect");
      router.disconnect(one.lastEndpoint!);
      await lost;
      await assert.rejects(router.send(["peer", "nobody"]), { code: "EHOSTUNREACH" });
      assert.throws(() => router.disconnect(one.lastEndpoint!), { code: "ENOENT" });

      // ...and free once it is gone: the same name now routes to the other peer.
      const again = transport === "inproc" ? undefined : nextEvent(router.events, "handshake");
      router.connect(two.lastEndpoint!, { routingId: "peer" });
      await again;
      await router.send(["peer", "to two"]);
      assert.deepEqual(await next(two, "the message to two"), ["to two"]);
      assert.equal(one.readable, false);

      // Connected again without a name, the first peer gets an id of the ROUTER's making.
      router.connect(one.lastEndpoint!);
      await one.send("from one");
      const [id, body] = await within(router.receive(), 5000, "one's message");
      assert.equal(text(body), "from one");
      assert.equal(id!.length, 5, "a generated routing id");
      assert.equal(id![0], 0);
      await router.send(["peer", "still to two"]);
      assert.deepEqual(await next(two, "the name's next message"), ["still to two"]);
    } finally {
      ctx.terminate();
    }
  });
}
