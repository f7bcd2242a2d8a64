// Routing options (conformance.md "Routing"): probeRouter, routing ids chosen at connect,
// and a mandatory ROUTER waiting at a full peer. Over tcp, ipc and inproc.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Dealer, Request, Router } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { nextEvent, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const transports = ["tcp", "ipc", "inproc", "ws"] as const;

for (const transport of transports) {
  test(`probeRouter: DEALER, REQ and ROUTER announce themselves with an empty message (${transport})`, async () => {
    const ctx = new Context();
    try {
      const router = new Router({ context: ctx });
      await router.bind(freshEndpoint(transport));
      const peers = [
        new Dealer({ context: ctx, probeRouter: true, routingId: "dealer" }),
        new Request({ context: ctx, probeRouter: true, routingId: "req" }),
        new Router({ context: ctx, probeRouter: true, routingId: "router" }),
      ];
      for (const p of peers) p.connect(router.lastEndpoint!);
      // Nobody sent anything, yet the ROUTER hears from each: [id, ""].
      const heard = [];
      for (let i = 0; i < 3; i++) heard.push(await within(router.receive(), 5000, `probe ${i}`));
      assert.deepEqual(heard.map((m) => m.map(text)).sort(), [["dealer", ""], ["req", ""], [
        "router",
        "",
      ]]);
      // The ROUTER can now address each without waiting for a request.
      await router.send(["dealer", "hello"]);
      assert.deepEqual((await within(peers[0]!.receive(), 5000, "dealer")).map(text), ["hello"]);
    } finally {
      ctx.terminate();
    }
  });

  test(`ROUTER connect with a routingId: the peer is known by it before any message (${transport})`, async () => {
    const ctx = new Context();
    try {
      const server = new Router({ context: ctx, routingId: "server" });
      await server.bind(freshEndpoint(transport));
      const client = new Router({ context: ctx, mandatory: true });
      client.connect(server.lastEndpoint!, { routingId: "to-server" });
      assert.throws(() => client.connect(server.lastEndpoint!, { routingId: "to-server" }), {
        code: "EINVAL",
      });
      // Mandatory: a send before the id is known would fail with EHOSTUNREACH; this one may only wait.
      await within(client.send(["to-server", "ping"]), 5000, "the send");
      const [from, body] = await within(server.receive(), 5000, "the message");
      assert.equal(text(body!), "ping");
      await server.send([from!, "pong"]);
      assert.deepEqual((await within(client.receive(), 5000, "the reply")).map(text), [
        "to-server",
        "pong",
      ]);
    } finally {
      ctx.terminate();
    }
  });

  // A WebSocket receiver cannot push back to its sender (ws_test.ts tests what it does instead).
  if (transport === "ws") continue;
  test(`a mandatory ROUTER waits (or EAGAIN) at a full peer instead of dropping (${transport})`, async () => {
    const ctx = new Context();
    try {
      const router = new Router({
        context: ctx,
        mandatory: true,
        sendHighWaterMark: 1,
        sendTimeout: 0,
      });
      await router.bind(freshEndpoint(transport));
      const dealer = new Dealer({ context: ctx, routingId: "slow", receiveHighWaterMark: 1 });
      dealer.connect(router.lastEndpoint!);
      await dealer.send("hi");
      await within(router.receive(), 5000, "hello");
      // The dealer does not read: the path fills, then the ROUTER reports EAGAIN for it.
      let accepted = 0;
      const payload = new Uint8Array(64 * 1024);
      for (;;) {
        try {
          await router.send(["slow", String(accepted), payload]);
          accepted++;
        } catch (e) {
          assert.equal((e as { code?: string }).code, "EAGAIN");
          break;
        }
        if (accepted > 10000) assert.fail("a full peer never pushed back");
        await new Promise((r) => setTimeout(r, 0)); // let the engine drain into the transport
      }
      // Nothing accepted was dropped: the dealer gets 0..accepted-1 in order, and then the rest can go.
      router.sendTimeout = -1;
      const late = router.send(["slow", String(accepted), payload]);
      for (let i = 0; i <= accepted; i++) {
        const [n] = await within(dealer.receive(), 5000, `message ${i}`);
        assert.equal(text(n!), String(i));
      }
      await within(late, 5000, "the waiting send");
    } finally {
      ctx.terminate();
    }
  });
}

test("ROUTER to ROUTER with probeRouter: the bound side hears of the connecting one before any message", async () => {
  const ctx = new Context();
  try {
    const server = new Router({ context: ctx, routingId: "srv" });
    await server.bind("tcp://127.0.0.1:*");
    const client = new Router({ context: ctx, routingId: "cli", probeRouter: true });
    const shook = nextEvent(client.events, "handshake");
    client.connect(server.lastEndpoint!);
    await shook;
    assert.deepEqual((await within(server.receive(), 5000, "the probe")).map(text), ["cli", ""]);
    await server.send(["cli", "welcome"]);
    assert.deepEqual((await within(client.receive(), 5000, "the welcome")).map(text), [
      "srv",
      "welcome",
    ]);
  } finally {
    ctx.terminate();
  }
});
