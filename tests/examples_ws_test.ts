// examples/ws_dashboard.ts on this runtime: it serves the page and the browser build on one port,
// and its PUB and REP answer zmq-ts sockets over ws as they answer the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { Request, Subscriber } from "../mod.ts";
import { until, within } from "./helpers/timeout.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

test("examples/ws_dashboard.ts: page, bundle, a PUB stream and a REP on one port", async () => {
  const args = [
    ...("Bun" in globalThis ? [] : ["run", "-A"]),
    "examples/ws_dashboard.ts",
    "--port",
    "0",
    "--interval",
    "20",
  ];
  const server = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  server.stdout!.on("data", (d) => (out += d));
  const sub = new Subscriber({ linger: 0 });
  const req = new Request({ linger: 0 });
  try {
    await until(() => /open (http:\/\/\S+)/.test(out), 30000, "the server to start");
    const url = /open (http:\/\/\S+)/.exec(out)![1]!;
    const page = await (await fetch(url)).text();
    assert.match(page, /import \{ Request, Subscriber \} from "\/zmq-ts.js"/);
    const bundle = await (await fetch(`${url}zmq-ts.js`)).text();
    assert.match(bundle, /ZWS2\.0/);
    const ws = url.replace("http://", "ws://");

    sub.subscribe("tick");
    sub.subscribe("news");
    sub.connect(`${ws}pub`);
    const topics = new Set<string>();
    while (!topics.has("news")) {
      topics.add(text((await within(sub.receive(), 10000, "a message"))[0]!));
    }
    assert.deepEqual([...topics].sort(), ["news", "tick"], "never the unsubscribed noise");

    req.connect(`${ws}rep`);
    await req.send("abc");
    const [kind, n, answer] = await within(req.receive(), 10000, "the reply");
    assert.deepEqual([text(kind!), text(n!), text(answer!)], ["reply", "1", "cba"]);
  } finally {
    sub.close();
    req.close();
    server.kill();
  }
});
