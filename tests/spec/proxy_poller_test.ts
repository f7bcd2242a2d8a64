// proxy(), the steerable Proxy and the Poller (zmq_proxy, zmq_proxy_steerable, zmq_poll).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Context,
  Dealer,
  Poller,
  Proxy,
  proxy,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  Subscriber,
  XPublisher,
  XSubscriber,
} from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { until, within } from "../helpers/timeout.ts";
import { publishUntil } from "../helpers/pubsub.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

for (const transport of ["tcp", "ipc", "inproc", "ws"] as const) {
  test(`proxy(): a ROUTER/DEALER broker between REQ clients and REP workers, with capture (${transport})`, async () => {
    const ctx = new Context();
    try {
      const front = new Router({ context: ctx });
      const back = new Dealer({ context: ctx });
      const capture = new Push({ context: ctx });
      const tap = new Pull({ context: ctx });
      await front.bind(freshEndpoint(transport));
      await back.bind(freshEndpoint(transport));
      await tap.bind(freshEndpoint(transport));
      capture.connect(tap.lastEndpoint!);
      const running = proxy(front, back, capture);
      for (const name of ["w1", "w2"]) {
        const rep = new Reply({ context: ctx });
        rep.connect(back.lastEndpoint!);
        void (async () => {
          for await (const [q] of rep) await rep.send(`${name}:${text(q!)}`);
        })();
      }
      const req = new Request({ context: ctx });
      req.connect(front.lastEndpoint!);
      const workers = new Set<string>();
      for (let i = 0; i < 20; i++) {
        await req.send(`q${i}`);
        const [a] = await within(req.receive(), 5000, `reply ${i}`);
        assert.match(text(a!), new RegExp(`^w[12]:q${i}$`));
        workers.add(text(a!).split(":")[0]!);
      }
      assert.equal(workers.size, 2);
      // The capture saw 20 requests and 20 replies, envelopes included.
      const seen: string[] = [];
      for (let i = 0; i < 40; i++) {
        seen.push(text((await within(tap.receive(), 5000, `capture ${i}`)).at(-1)!));
      }
      assert.equal(seen.filter((s) => /^q\d+$/.test(s)).length, 20);
      assert.equal(seen.filter((s) => /^w[12]:q\d+$/.test(s)).length, 20);
      front.close();
      await within(running, 5000, "the proxy to stop when a socket closes");
      assert.equal(back.closed, true);
    } finally {
      ctx.terminate();
    }
  });
}

test("proxy(): XSUB/XPUB forwards subscriptions up and data down", async () => {
  const ctx = new Context();
  try {
    const pub = new Publisher({ context: ctx });
    await pub.bind(freshEndpoint("tcp"));
    const xsub = new XSubscriber({ context: ctx });
    xsub.connect(pub.lastEndpoint!);
    const xpub = new XPublisher({ context: ctx });
    await xpub.bind(freshEndpoint("tcp"));
    const running = proxy(xsub, xpub);
    const sub = new Subscriber({ context: ctx });
    sub.subscribe("A");
    sub.connect(xpub.lastEndpoint!);
    const first = sub.receive();
    await publishUntil(() => pub.send(["A", "hello"]), first, "a message through the proxy");
    assert.deepEqual((await first).map(text), ["A", "hello"]);
    ctx.terminate();
    await within(running, 5000, "the proxy to stop on terminate");
  } finally {
    ctx.terminate();
  }
});

test("Proxy: pause holds messages back, resume lets them through, statistics count, terminate closes", async () => {
  const ctx = new Context();
  try {
    const p = new Proxy(new Pull({ context: ctx }), new Push({ context: ctx }));
    await p.frontEnd.bind(freshEndpoint("inproc"));
    await p.backEnd.bind(freshEndpoint("inproc"));
    const producer = new Push({ context: ctx });
    producer.connect(p.frontEnd.lastEndpoint!);
    const consumer = new Pull({ context: ctx });
    consumer.connect(p.backEnd.lastEndpoint!);
    const running = p.run();
    await producer.send(["one", "12345"]);
    assert.deepEqual((await within(consumer.receive(), 5000, "one")).map(text), ["one", "12345"]);
    p.pause();
    await producer.send("two");
    await producer.send("three");
    // While paused the producer's messages wait at the frontend: the consumer has nothing.
    await until(() => p.frontEnd.readable, 5000, "messages to wait at the frontend");
    assert.equal(consumer.readable, false);
    p.resume();
    assert.equal(text((await within(consumer.receive(), 5000, "two"))[0]!), "two");
    assert.equal(text((await within(consumer.receive(), 5000, "three"))[0]!), "three");
    assert.deepEqual(p.statistics.frontEnd.received, { messages: 3, bytes: 3 + 5 + 3 + 5 });
    assert.deepEqual(p.statistics.backEnd.sent, { messages: 3, bytes: 16 });
    assert.deepEqual(p.statistics.backEnd.received, { messages: 0, bytes: 0 });
    p.terminate();
    await within(running, 5000, "run() to resolve");
    assert.equal(p.frontEnd.closed && p.backEnd.closed, true);
  } finally {
    ctx.terminate();
  }
});

test("Poller: readable sockets, a timeout with none, writability, fairness, a closed socket", async () => {
  const ctx = new Context();
  try {
    const a = new Pull({ context: ctx, receiveHighWaterMark: 1 });
    const b = new Pull({ context: ctx });
    await a.bind(freshEndpoint("inproc"));
    await b.bind(freshEndpoint("inproc"));
    const toA = new Push({ context: ctx, sendHighWaterMark: 1 });
    const toB = new Push({ context: ctx });
    toA.connect(a.lastEndpoint!);
    toB.connect(b.lastEndpoint!);
    const poller = new Poller().add(a).add(b);

    const started = Date.now();
    assert.deepEqual(await poller.poll(50), []);
    assert.ok(Date.now() - started >= 40, "waited for the timeout");

    const waiting = poller.poll(5000);
    await toB.send("for b");
    const ready = await within(waiting, 5000, "b to become readable");
    assert.deepEqual(ready.map((r) => r.socket), [b]);
    assert.equal(text((await b.receive())[0]!), "for b");

    await toA.send("1");
    await toB.send("2");
    const both = await poller.poll(0);
    assert.equal(both.length, 2);
    const again = await poller.poll(0);
    assert.notEqual(again[0]!.socket, both[0]!.socket, "each poll starts from a different socket");
    await a.receive();
    await b.receive();

    // Writable: a full PUSH is not writable until its peer drains.
    const w = new Poller().add(toA, { writable: true });
    toA.sendTimeout = 0;
    for (let n = 0; (await w.poll(0)).length > 0; n++) {
      assert.ok(n < 100, "a PUSH with marks of 1 and 1 stays writable after 100 sends");
      await toA.send("fill");
    }
    const writable = w.poll(5000);
    await a.receive();
    const [item] = await within(writable, 5000, "toA to become writable");
    assert.equal(item!.writable, true);

    b.close();
    await assert.rejects(poller.poll(0), { code: "ENOTSOCK" });
  } finally {
    ctx.terminate();
  }
});
