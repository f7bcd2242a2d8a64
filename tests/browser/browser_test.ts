// The browser build in a real browser: Debian's headless Chromium loads the bundle (made by this
// runtime's own bundler: deno bundle on Deno, bun build on Bun) from a zmq-ts server, and the
// page's sockets talk to the server's over ws: REQ/REP, SUB with a filter, and inproc inside the
// page. Skipped, saying why, where Chromium is not installed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { attachWebSocket, Context, Publisher, Reply, Router } from "../../mod.ts";
import { buildBrowserBundle } from "../../examples/browser_bundle.ts";
import { Chromium, chromiumMissing } from "../helpers/chromium.ts";
import { within } from "../helpers/timeout.ts";

const PAGE = `<!doctype html><meta charset="utf-8"><title>zmq-ts test</title>
<script type="module">import * as zmq from "/zmq-ts.js"; window.zmq = zmq; document.title = "ready";</script>`;

test(
  "Chromium loads the browser build and its REQ, SUB and inproc sockets work against a zmq-ts server",
  {
    skip: chromiumMissing(),
    timeout: 120_000,
  },
  async () => {
    const bundle = buildBrowserBundle();
    assert.doesNotMatch(bundle, /from\s*["']node:/, "no node: imports in the bundle");
    const ctx = new Context();
    const rep = new Reply({ context: ctx });
    const pub = new Publisher({ context: ctx });
    const repWs = await attachWebSocket(rep, "/rep");
    const pubWs = await attachWebSocket(pub, "/pub");
    const router = new Router({ context: ctx });
    const routerWs = await attachWebSocket(router, "/router");
    const route = (req: Request, second: unknown): Response | undefined => {
      if (repWs.handles(req)) return repWs.upgrade(req, second);
      if (pubWs.handles(req)) return pubWs.upgrade(req, second);
      if (routerWs.handles(req)) return routerWs.upgrade(req, second);
      const path = new URL(req.url).pathname;
      if (path === "/zmq-ts.js") {
        return new Response(bundle, { headers: { "content-type": "text/javascript" } });
      }
      return new Response(PAGE, { headers: { "content-type": "text/html" } });
    };
    const g = globalThis as any;
    const server = g.Bun !== undefined
      ? g.Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: route, websocket: repWs.websocket })
      : g.Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, route);
    const port: number = server.port ?? server.addr.port;
    let browser: Chromium | undefined;
    // The server's side: answer requests; publish until stopped.
    const answering = (async () => {
      for await (const [body, ...rest] of rep) await rep.send(["re", body!, ...rest]);
    })().catch(() => {});
    // A ROUTER learns the page's routing id from its first message (ZWS2.0 has no READY).
    const routing = (async () => {
      for await (const [id, body] of router) await router.send([id!, "to", id!, body!]);
    })().catch(() => {});
    let publishing = true;
    const publisher = (async () => {
      for (let i = 0; publishing; i++) {
        await pub.send(["other", String(i)]);
        await pub.send(["tick", String(i)]);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      browser = await Chromium.open(`http://127.0.0.1:${port}/`);
      await browser.evaluate(
        `new Promise((r) => { const t = () => document.title === "ready" ? r() : setTimeout(t, 10); t(); })`,
      );
      const result = await browser.evaluate<Record<string, unknown>>(
        `(async () => {
      const { Request, Subscriber, Pair, Context } = window.zmq;
      const ws = "ws://" + location.host;
      const text = (b) => new TextDecoder().decode(b);
      const out = { runtime: typeof Deno + "/" + typeof Bun };

      const req = new Request({ linger: 0 });
      req.connect(ws + "/rep");
      out.replies = [];
      for (const q of ["one", "two"]) {
        await req.send([q, new Uint8Array(70000).fill(7)]);
        const reply = await req.receive();
        out.replies.push([text(reply[0]), text(reply[1]), reply[2].length, reply[2][69999]]);
      }

      const sub = new Subscriber({ linger: 0 });
      sub.subscribe("tick");
      sub.connect(ws + "/pub");
      out.topics = [];
      for (let i = 0; i < 5; i++) out.topics.push(text((await sub.receive())[0]));

      const dealer = new window.zmq.Dealer({ linger: 0, routingId: "page-1" });
      dealer.connect(ws + "/router");
      await dealer.send("hello router");
      out.routed = (await dealer.receive()).map(text);
      dealer.close();

      const ctx = new Context();
      const a = new Pair({ context: ctx });
      await a.bind("inproc://in-page");
      const b = new Pair({ context: ctx });
      b.connect("inproc://in-page");
      await b.send("across inproc");
      out.inproc = text((await a.receive())[0]);

      out.bindError = await new Pair({ context: ctx }).bind("ws://127.0.0.1:*/x").then(() => "bound", (e) => e.code);
      req.close(); sub.close(); ctx.terminate();
      return out;
    })()`,
        60_000,
      );
      assert.equal(result.runtime, "undefined/undefined", "no Deno or Bun in the page");
      assert.deepEqual(result.replies, [["re", "one", 70000, 7], ["re", "two", 70000, 7]]);
      assert.deepEqual(
        result.topics,
        ["tick", "tick", "tick", "tick", "tick"],
        "only the subscribed topic",
      );
      assert.equal(result.inproc, "across inproc");
      assert.deepEqual(
        result.routed,
        ["to", "page-1", "hello router"],
        "the ROUTER knew the page by its id",
      );
      assert.equal(result.bindError, "EPROTONOSUPPORT", "a page cannot listen");
      assert.deepEqual(browser.errors, [], "no errors in the page");
    } finally {
      publishing = false;
      await within(publisher, 5000, "the publisher to stop");
      await browser?.close();
      ctx.terminate();
      await answering;
      await routing;
      await (server.stop ? server.stop(true) : server.shutdown());
    }
  },
);
