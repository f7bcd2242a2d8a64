/**
 * ws_dashboard: a web page that talks ZeroMQ. One HTTP server (Deno.serve or Bun.serve) serves the
 * page, the browser build of zmq-ts, and two sockets over WebSocket: a PUB on /pub streaming
 * "tick" and "news" (and "noise", which the page does not subscribe to), and a REP on /rep
 * answering the page's requests. Any libzmq program can join too, e.g. pyzmq:
 * `sub.connect("ws://127.0.0.1:8080/pub")`.
 *
 * Run: `deno run -A examples/ws_dashboard.ts` or `bun examples/ws_dashboard.ts`, then open
 * http://127.0.0.1:8080/.
 * Flags: --host 127.0.0.1  --port 8080 (0: any free port)  --interval 250 (ms between ticks)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { readFileSync } from "node:fs";
import { attachWebSocket, Publisher, Reply } from "../mod.ts";
import { buildBrowserBundle } from "./browser_bundle.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8080" },
    interval: { type: "string", default: "250" },
  },
});

const page = readFileSync(new URL("./ws_dashboard.html", import.meta.url), "utf8");
const bundle = buildBrowserBundle();

const pub = new Publisher();
const rep = new Reply();
const pubWs = await attachWebSocket(pub, "/pub");
const repWs = await attachWebSocket(rep, "/rep");

/** Routes a request: the two ZeroMQ endpoints, the bundle, the page. */
function route(req: Request, second: unknown): Response | undefined {
  if (pubWs.handles(req)) return pubWs.upgrade(req, second);
  if (repWs.handles(req)) return repWs.upgrade(req, second);
  const path = new URL(req.url).pathname;
  if (path === "/zmq-ts.js") {
    return new Response(bundle, { headers: { "content-type": "text/javascript" } });
  }
  if (path === "/") return new Response(page, { headers: { "content-type": "text/html" } });
  return new Response("not found\n", { status: 404 });
}

const g = globalThis as any;
const port = Number(values.port);
const server = g.Bun !== undefined
  ? g.Bun.serve({ hostname: values.host, port, fetch: route, websocket: pubWs.websocket })
  : g.Deno.serve({ hostname: values.host, port, onListen() {} }, route);
const url = `http://${values.host}:${server.port ?? server.addr.port}/`;
console.log(`ws_dashboard: open ${url}`);

// Requests: answered with the text turned around and the server's count.
(async () => {
  let n = 0;
  for await (const [body] of rep) {
    const text = new TextDecoder().decode(body);
    await rep.send(["reply", String(++n), [...text].reverse().join("")]);
  }
})();

// The stream: a tick with a wandering value; news now and then; noise nobody subscribes to.
let tick = 0;
let value = 50;
const headlines = ["market opens", "rain expected", "new release", "all systems nominal"];
setInterval(() => {
  value = Math.max(0, Math.min(100, value + (Math.random() - 0.5) * 12));
  pub.send(["tick", JSON.stringify({ n: ++tick, value: Math.round(value), at: Date.now() })]);
  pub.send(["noise", "filtered out by the page's subscriptions"]);
  if (tick % 8 === 0) pub.send(["news", headlines[(tick / 8) % headlines.length]!]);
}, Number(values.interval));
