// examples/ws_dashboard.ts on this runtime: it serves the page and the browser build on one port,
// and its PUB and REP answer zmq-ts sockets over ws as they answer the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Request, Subscriber } from "../mod.ts";
import { within } from "./helpers/timeout.ts";
import { startDashboard } from "./helpers/dashboard.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

test("examples/ws_dashboard.ts: page, bundle, a PUB stream and a REP on one port", async () => {
  const dashboard = await startDashboard(20);
  const url = dashboard.url;
  const sub = new Subscriber({ linger: 0 });
  const req = new Request({ linger: 0 });
  try {
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
    dashboard.stop();
  }
});
