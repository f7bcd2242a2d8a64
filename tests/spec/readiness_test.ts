// `readable` and `writable` of every socket type: whether a receive or a send would complete now
// (what a Poller waits on), through each type's states. Over inproc, where a message sent is in
// its peer's queue when send() resolves, so each state can be looked at without waiting.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Context,
  Dealer,
  Pair,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  type Socket,
  Subscriber,
  XPublisher,
  XSubscriber,
} from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";

/** [readable, writable] of each socket. */
const state = (...socks: Socket[]) => socks.map((s) => [s.readable, s.writable]);

/** Runs `body` with a fresh context and an inproc endpoint, terminating the context after. */
async function withContext(body: (ctx: Context, ep: string) => Promise<void>): Promise<void> {
  const ctx = new Context();
  try {
    await body(ctx, freshEndpoint("inproc"));
  } finally {
    ctx.terminate();
  }
}

test("PUSH and PULL: PUSH is writable once it has a peer and never readable; PULL the reverse", () =>
  withContext(async (context, ep) => {
    const pull = new Pull({ context });
    const push = new Push({ context });
    assert.deepEqual(state(push, pull), [[false, false], [false, false]], "no peer yet");
    await pull.bind(ep);
    push.connect(ep);
    assert.deepEqual(state(push, pull), [[false, true], [false, false]]);
    await push.send("m");
    assert.deepEqual(state(push, pull), [[false, true], [true, false]]);
    await within(pull.receive(), 5000, "m");
    assert.deepEqual(state(pull), [[false, false]]);
  }));

test("DEALER and PAIR: writable with a peer, readable with a message waiting", () =>
  withContext(async (context, ep) => {
    for (const Type of [Dealer, Pair]) {
      const a = new Type({ context });
      const b = new Type({ context });
      const endpoint = `${ep}-${Type.name}`;
      await a.bind(endpoint);
      assert.deepEqual(state(a), [[false, false]], "no peer yet");
      b.connect(endpoint);
      assert.deepEqual(state(a, b), [[false, true], [false, true]]);
      await b.send("m");
      assert.deepEqual(state(a, b), [[true, true], [false, true]]);
      await within(a.receive(), 5000, "m");
      assert.deepEqual(state(a), [[false, true]]);
    }
  }));

test("REQ and REP: each is writable or readable only in its turn", () =>
  withContext(async (context, ep) => {
    const rep = new Reply({ context });
    const req = new Request({ context });
    await rep.bind(ep);
    req.connect(ep);
    assert.deepEqual(state(req, rep), [[false, true], [false, false]], "REQ may ask");
    await req.send("q");
    assert.deepEqual(state(req, rep), [[false, false], [true, false]], "REP may read");
    await within(rep.receive(), 5000, "q");
    assert.deepEqual(state(req, rep), [[false, false], [false, true]], "REP must answer");
    await rep.send("a");
    assert.deepEqual(state(req, rep), [[true, false], [false, false]], "REQ may read");
    await within(req.receive(), 5000, "a");
    assert.deepEqual(state(req, rep), [[false, true], [false, false]], "and ask again");
  }));

test("ROUTER: always writable, unless mandatory and no known peer has room", () =>
  withContext(async (context, ep) => {
    const loose = new Router({ context });
    const strict = new Router({ context, mandatory: true });
    assert.deepEqual(state(loose, strict), [[false, true], [false, false]]);
    await strict.bind(ep);
    const dealer = new Dealer({ context, routingId: "d", receiveHighWaterMark: 1 });
    dealer.connect(ep);
    await dealer.send("hello");
    assert.deepEqual(state(strict), [[true, true]]);
    const [id] = await within(strict.receive(), 5000, "hello");
    // Fill the dealer's path (its mark of 1 plus the ROUTER's 1000 on one inproc pipe).
    strict.sendTimeout = 0;
    let sent = 0;
    while (strict.writable) {
      await strict.send([id!, String(sent++)]);
      assert.ok(sent <= 1001, "a full peer never stopped the ROUTER");
    }
    assert.equal(sent, 1001);
    await assert.rejects(strict.send([id!, "over"]), { code: "EAGAIN" });
  }));

test("PUB and SUB: PUB is writable and never readable; SUB readable only for what it subscribed to", () =>
  withContext(async (context, ep) => {
    const pub = new Publisher({ context });
    const sub = new Subscriber({ context });
    await pub.bind(ep);
    sub.connect(ep);
    sub.subscribe("A");
    assert.deepEqual(state(pub, sub), [[false, true], [false, false]]);
    await pub.send(["A", "yes"]);
    assert.deepEqual(state(sub), [[true, false]]);
    await within(sub.receive(), 5000, "A");
    // A message queued but filtered out by the SUB itself does not make it readable.
    sub.unsubscribe("A");
    sub.subscribe("B");
    await pub.send(["B", "queued first"]);
    sub.unsubscribe("B"); // now even that one would be dropped by receive()
    assert.deepEqual(state(sub), [[false, false]]);
  }));

test("XPUB and XSUB: both writable; XPUB readable with a subscription waiting, XSUB with a message", () =>
  withContext(async (context, ep) => {
    const xpub = new XPublisher({ context });
    const xsub = new XSubscriber({ context });
    await xpub.bind(ep);
    xsub.connect(ep);
    assert.deepEqual(state(xpub, xsub), [[false, true], [false, true]]);
    await xsub.send(new Uint8Array([1, 0x41]));
    assert.deepEqual(state(xpub), [[true, true]]);
    await within(xpub.receive(), 5000, "the subscription");
    await xpub.send(["A", "m"]);
    assert.deepEqual(state(xpub, xsub), [[false, true], [true, true]]);
  }));
