// What only ws has: an endpoint mounted on the application's own HTTP server, refusals of bad
// input (each harming no other peer), and the bound on what a receiver holds, since a WebSocket
// cannot stop reading. The socket semantics over ws are in the other spec files' "ws" rows.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  attachWebSocket,
  Context,
  Publisher,
  Pull,
  Push,
  Reply,
  Request as Req,
  Subscriber,
} from "../../mod.ts";
import { nextEvent, until, within } from "../helpers/timeout.ts";
import { clientFrame, RawWs, upgradeRequest, zwsReady } from "../helpers/ws_raw.ts";
import { fillUntilPushedBack, receiveAllInOrder } from "../helpers/push_back.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const portOf = (endpoint: string) => Number(endpoint.split(":")[2]!.split("/")[0]);

type Serve = (
  handler: (req: Request, second: unknown) => Response | undefined | Promise<Response>,
  websocket: object | undefined,
) => { port: number; stop(): Promise<void> };

/** The application's own HTTP server, on an ephemeral port: Deno.serve or Bun.serve. */
const serve: Serve = (handler, websocket) => {
  const g = globalThis as any;
  if (g.Bun !== undefined) {
    const s = g.Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler, websocket });
    return { port: s.port, stop: () => Promise.resolve(s.stop(true)) };
  }
  const s = g.Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  return { port: s.addr.port, stop: () => s.shutdown() };
};

test("attachWebSocket: one port serves a page and two sockets on their own paths; events, unbind", async () => {
  const ctx = new Context();
  const rep = new Reply({ context: ctx });
  const pub = new Publisher({ context: ctx });
  const repWs = await attachWebSocket(rep, "/rep");
  const pubWs = await attachWebSocket(pub, "/pub");
  assert.equal(rep.lastEndpoint, "ws://*:0/rep");
  const server = serve(
    (req, second) =>
      repWs.handles(req)
        ? repWs.upgrade(req, second)
        : pubWs.handles(req)
        ? pubWs.upgrade(req, second)
        : new Response("<h1>page</h1>", { headers: { "content-type": "text/html" } }),
    repWs.websocket,
  );
  try {
    assert.equal(await (await fetch(`http://127.0.0.1:${server.port}/`)).text(), "<h1>page</h1>");
    const plain = await fetch(`http://127.0.0.1:${server.port}/rep`);
    assert.equal(plain.status, 426, "a plain GET on the endpoint is told to upgrade");
    await plain.body?.cancel();

    const accepted = nextEvent(rep.events, "handshake");
    const req = new Req({ context: ctx });
    req.connect(`ws://127.0.0.1:${server.port}/rep`);
    await req.send("question");
    await accepted;
    const [q] = await within(rep.receive(), 5000, "the request");
    await rep.send(["answer to", q!]);
    assert.deepEqual((await within(req.receive(), 5000, "the reply")).map(text), [
      "answer to",
      "question",
    ]);

    const sub = new Subscriber({ context: ctx });
    sub.subscribe("t");
    sub.connect(`ws://127.0.0.1:${server.port}/pub`);
    const got = sub.receive();
    const pump = setInterval(() => pub.send(["t", "tick"]), 10);
    assert.deepEqual((await within(got, 5000, "a published message")).map(text), ["t", "tick"]);
    clearInterval(pump);

    // Unbinding closes the connections made through the endpoint; the page stays up.
    const gone = nextEvent(req.events, "disconnect");
    await repWs.close();
    await gone;
    const again = await RawWs.open(server.port, upgradeRequest("/rep", "ZWS2.0"));
    assert.equal(again.status, 404, "an unbound endpoint answers no more upgrades");
    again.destroy();
  } finally {
    ctx.terminate();
    await server.stop();
  }
});

test("bad input on a ws endpoint is refused, and a good peer on the same endpoint is not harmed", async () => {
  const ctx = new Context();
  const pull = new Pull({ context: ctx, maxMessageSize: 1000 });
  await pull.bind("ws://127.0.0.1:*/zmq");
  const port = portOf(pull.lastEndpoint!);
  const push = new Push({ context: ctx });
  push.connect(pull.lastEndpoint!);
  let n = 0;
  const goodPeerWorks = async (what: string) => {
    await push.send(String(n));
    const [m] = await within(pull.receive(), 5000, `the good peer's message after ${what}`);
    assert.equal(text(m!), String(n++));
  };
  const refusals: string[] = [];
  pull.events.on("handshake:error:protocol", (e) => refusals.push(e.error?.message ?? ""));
  try {
    await goodPeerWorks("start");

    // An HTTP request that is not an upgrade.
    const get = await RawWs.open(port, "GET /zmq HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assert.equal(get.status, 426);
    get.destroy();
    await goodPeerWorks("a plain GET");

    // No subprotocol, another protocol, and a mechanism this socket does not have.
    for (const protocols of ["", "chat", "ZWS2.0/PLAIN", "ZWS1.0"]) {
      const ws = await RawWs.open(port, upgradeRequest("/zmq", protocols));
      assert.equal(ws.status, 400, `offer "${protocols}"`);
      ws.destroy();
    }
    // Another WebSocket version (told which one is spoken), and no key (RFC 6455 §4.2.1).
    const good = upgradeRequest("/zmq", "ZWS2.0");
    const v8 = await RawWs.open(port, good.replace("Version: 13", "Version: 8"));
    assert.equal(v8.status, 426);
    assert.equal(v8.headers.get("sec-websocket-version"), "13");
    v8.destroy();
    const keyless = await RawWs.open(port, good.replace(/Sec-WebSocket-Key: [^\r]*\r\n/, ""));
    assert.equal(keyless.status, 400);
    keyless.destroy();
    // The wrong path.
    const lost = await RawWs.open(port, upgradeRequest("/elsewhere", "ZWS2.0"));
    assert.equal(lost.status, 404);
    lost.destroy();
    await goodPeerWorks("refused upgrades");

    // After a good upgrade: a text frame, an empty message, an oversized frame, and garbage.
    const attempts: [string, Uint8Array[], number | undefined][] = [
      ["a text frame", [clientFrame(0x1, new TextEncoder().encode("hello"))], 4003],
      ["an empty binary message", [clientFrame(0x2, new Uint8Array(0))], 4002],
      ["a frame over maxMessageSize", [clientFrame(0x2, new Uint8Array(2001))], undefined],
      [
        "garbage bytes",
        [new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22, 0x33])],
        undefined,
      ],
    ];
    for (const [what, frames, code] of attempts) {
      const ws = await RawWs.open(port, upgradeRequest("/zmq", "ZWS2.0/NULL, ZWS2.0"));
      assert.equal(ws.status, 101, what);
      assert.equal(ws.headers.get("sec-websocket-protocol"), "ZWS2.0/NULL");
      ws.send(clientFrame(0x2, zwsReady("PUSH")));
      for (const f of frames) ws.send(f);
      await within(ws.closed, 5000, `the connection to close after ${what}`);
      if (code !== undefined) assert.deepEqual(ws.closeCodes, [code], what);
      await goodPeerWorks(what);
    }
    // Without a mechanism, the first message must be a routing id.
    const bare = await RawWs.open(port, upgradeRequest("/zmq", "ZWS2.0"));
    assert.equal(bare.headers.get("sec-websocket-protocol"), "ZWS2.0");
    bare.send(clientFrame(0x2, new Uint8Array([0x01, 0x41])));
    await within(bare.closed, 5000, "a bad first message to be refused");
    assert.deepEqual(bare.closeCodes, [4002]);
    await goodPeerWorks("a bad routing id");

    assert.ok(
      refusals.some((r) => /text/.test(r)) && refusals.some((r) => /bytes exceeds/.test(r)),
      `protocol errors reported: ${refusals.join(" | ")}`,
    );
  } finally {
    ctx.terminate();
  }
});

test("ws receive bound: a PULL that does not read holds a bounded amount, then closes the connection; its pipe's messages are delivered, the PUSH reconnects", async () => {
  const ctx = new Context();
  const pull = new Pull({ context: ctx, receiveHighWaterMark: 10 });
  await pull.bind("ws://127.0.0.1:*/zmq");
  const push = new Push({ context: ctx, reconnectInterval: 20 });
  const total = 300;
  const payload = new Uint8Array(64 * 1024);
  try {
    const overrun = nextEvent(push.events, "disconnect", 20000);
    push.connect(pull.lastEndpoint!);
    const sending = (async () => {
      for (let i = 0; i < total; i++) await push.send([String(i), payload]);
    })();
    await overrun; // the PULL closed the connection for overrun (4008)
    const overruns: string[] = [];
    pull.events.on("disconnect", (e) => overruns.push(e.error?.message ?? ""));
    await within(sending, 20000, "every send to be accepted");
    const ids: number[] = [];
    while (ids.at(-1) !== total - 1) {
      ids.push(Number(text((await within(pull.receive(), 10000, "a message"))[0]!)));
    }
    // What the first connection's pipe and decoder had is a run from 0 with nothing missing: the
    // pipe's 10, and 256 KiB undecoded (4 and a part); what was held past them went with it.
    let run = 0;
    while (ids[run] === run) run++;
    assert.ok(run >= 10 && run <= 16, `${run} messages kept from the first connection`);
    assert.equal(new Set(ids).size, ids.length, "none twice");
    assert.ok(ids.length < total, "those held or in flight when the connection closed are lost");
    assert.match(overruns[0] ?? "", /receiver overrun/);
  } finally {
    ctx.terminate();
  }
});

test("ws receive bound: a bound SUB that does not read drops whole messages past the bound and stays connected", async () => {
  const ctx = new Context();
  // The SUB binds: a server's WebSocket (Deno.serve, Bun.serve) cannot stop reading. (Deno's
  // client runs over tcp and pushes back like tcp instead.) noDrop and a small mark: each send
  // waits until the one before went to the WebSocket, so once they are done nearly all has
  // reached the subscriber, which has not read any of it.
  const sub = new Subscriber({ context: ctx, receiveHighWaterMark: 10 });
  sub.subscribe("");
  await sub.bind("ws://127.0.0.1:*/zmq");
  const pub = new Publisher({ context: ctx, noDrop: true, sendHighWaterMark: 2 });
  pub.connect(sub.lastEndpoint!);
  let disconnects = 0;
  sub.events.on("disconnect", () => disconnects++);
  const total = 300;
  const payload = new Uint8Array(64 * 1024);
  /** Publishes `body` every 10 ms until `stop` resolves. */
  const repeat = (body: string, stop: Promise<unknown>) => {
    let on = true;
    stop.finally(() => (on = false));
    return (async () => {
      while (on) {
        await within(pub.send([body]), 10000, `sending ${body}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
  };
  try {
    // The subscription reaches the PUB after the handshake (a message of its own): wait for it.
    const synced = within(sub.receive(), 5000, "the subscription to take effect");
    await repeat("sync", synced);
    await synced;
    // Published while nobody reads; then an end marker until one gets through.
    for (let i = 0; i < total; i++) {
      await within(pub.send([String(i), payload, "tail"]), 10000, `publishing ${i}`);
    }
    let marking = true;
    const marker = (async () => {
      while (marking) {
        await within(pub.send(["end"]), 10000, "sending the end marker");
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const ids: number[] = [];
    for (;;) {
      const m = await within(sub.receive(), 10000, "a message");
      if (text(m[0]!) === "end") break;
      if (text(m[0]!) === "sync") continue;
      assert.equal(m.length, 3, "messages arrive whole");
      ids.push(Number(text(m[0]!)));
    }
    marking = false;
    await marker;
    assert.equal(disconnects, 0, "the SUB stayed connected");
    assert.ok(ids.length < total, `${ids.length} of ${total}: some were dropped`);
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i]! > ids[i - 1]!, "in order");
    assert.deepEqual(ids.slice(0, 10), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "the first ones were kept");
  } finally {
    ctx.terminate();
  }
});

test("a connecting PULL that does not read pushes back over ws like tcp: the PUSH waits, nothing accepted is lost", async () => {
  const ctx = new Context();
  // The client side runs over tcp and pauses it when its pipe is full.
  const push = new Push({ context: ctx, sendHighWaterMark: 5, sendTimeout: 0 });
  await push.bind("ws://127.0.0.1:*/zmq");
  const pull = new Pull({ context: ctx, receiveHighWaterMark: 5 });
  pull.connect(push.lastEndpoint!);
  let disconnects = 0;
  pull.events.on("disconnect", () => disconnects++);
  try {
    const accepted = await fillUntilPushedBack(push);
    push.sendTimeout = -1;
    await receiveAllInOrder(pull, accepted);
    assert.equal(disconnects, 0, "no overrun: the connection stayed");
  } finally {
    ctx.terminate();
  }
});

test("binding ws: a port in use is EADDRINUSE; wss:// without a TLS server points to attachWebSocket()", async () => {
  const ctx = new Context();
  try {
    const first = new Pull({ context: ctx });
    await first.bind("ws://127.0.0.1:*/a");
    const second = new Pull({ context: ctx });
    const taken = `ws://127.0.0.1:${portOf(first.lastEndpoint!)}/b`;
    await assert.rejects(second.bind(taken), (e: Error & { code?: string; address?: string }) => {
      assert.equal(e.code, "EADDRINUSE");
      assert.equal(e.address, taken);
      return true;
    });
    await assert.rejects(
      second.bind("wss://127.0.0.1:*/secure"),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "EPROTONOSUPPORT");
        assert.match(e.message, /attachWebSocket/);
        return true;
      },
    );
  } finally {
    ctx.terminate();
  }
});

test("a ws message past maxMessageSize: one at the limit arrives, one past it is refused, and on Bun one far past it is refused before it is buffered (close 1009)", async () => {
  const ctx = new Context();
  const max = 100_000;
  const pull = new Pull({ context: ctx, maxMessageSize: max });
  try {
    await pull.bind("ws://127.0.0.1:*/zmq");
    const port = portOf(pull.lastEndpoint!);
    const refusals: string[] = [];
    pull.events.on("handshake:error:protocol", (e) => refusals.push(e.error?.message ?? ""));
    // A ZWS message is a flags byte (0: a last frame) and the body.
    const message = (size: number) => clientFrame(0x2, new Uint8Array(size + 1).fill(7, 1));
    const peer = async () => {
      const ws = await RawWs.open(port, upgradeRequest("/zmq", "ZWS2.0/NULL"));
      assert.equal(ws.status, 101);
      ws.send(clientFrame(0x2, zwsReady("PUSH")));
      return ws;
    };

    const atLimit = await peer();
    atLimit.send(message(max));
    const [m] = await within(pull.receive(), 5000, "the message at maxMessageSize");
    assert.equal(m!.length, max);
    atLimit.destroy();

    const justPast = await peer();
    justPast.send(message(max + 1));
    await within(justPast.closed, 5000, "the engine to refuse a message one byte past the limit");
    await until(() => refusals.some((r) => /exceeds/.test(r)), 5000, "the refusal reported");

    const farPast = await peer();
    farPast.send(message(4 * max));
    await within(farPast.closed, 5000, "a message four times the limit to be refused");
    if ((globalThis as { Bun?: unknown }).Bun !== undefined) {
      // Bun.serve's own limit, set from maxMessageSize at bind: refused as it arrives, unbuffered.
      assert.deepEqual(farPast.closeCodes, [1009]);
    }
  } finally {
    ctx.terminate();
  }
});
