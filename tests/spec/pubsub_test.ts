// PUB/SUB/XPUB/XSUB semantics (RFC 29, zmtp.md §4.6), over tcp, ipc and inproc.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Publisher, Subscriber, XPublisher, XSubscriber } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";
import { joined, publishUntil } from "../helpers/pubsub.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const transports = ["tcp", "ipc", "inproc", "ws"] as const;

for (const transport of transports) {
  test(`SUB receives only what matches its prefixes, multipart whole (${transport})`, async () => {
    const ctx = new Context();
    const pub = new Publisher({ context: ctx });
    await pub.bind(freshEndpoint(transport));
    const sub = new Subscriber({ context: ctx });
    sub.connect(pub.lastEndpoint!);
    try {
      sub.subscribe("A", "BC");
      await joined(pub, [sub]);
      for (const t of ["A1", "B1", "BC1", "X", "A", "BD", "BCD"]) await pub.send([t, "body"]);
      // "end" reaches the SUB once its subscription has reached the publisher, which may take a
      // while: publish it until it arrives (it used to be sent once, racing the subscription).
      sub.subscribe("end");
      const reading = (async () => {
        const got: string[] = [];
        for (;;) {
          const m = await within(sub.receive(), 10000, "a message");
          if (text(m[0]!) === "end") return got;
          assert.equal(text(m[1]!), "body");
          got.push(text(m[0]!));
        }
      })();
      const got = await publishUntil(() => pub.send("end"), reading, "the end marker");
      assert.deepEqual(got, ["A1", "BC1", "A", "BCD"]);
    } finally {
      ctx.terminate();
    }
  });

  test(`PUB fans out to every matching subscriber; unsubscribe stops delivery (${transport})`, async () => {
    const ctx = new Context();
    const pub = new Publisher({ context: ctx });
    await pub.bind(freshEndpoint(transport));
    const subs = [
      new Subscriber({ context: ctx }),
      new Subscriber({ context: ctx }),
      new Subscriber({ context: ctx }),
    ];
    try {
      subs[0]!.subscribe("");
      subs[1]!.subscribe("news");
      subs[2]!.subscribe("sport");
      for (const s of subs) s.connect(pub.lastEndpoint!);
      await joined(pub, subs);
      await pub.send(["news", "1"]);
      await pub.send(["sport", "2"]);
      const all = [
        await within(subs[0]!.receive(), 5000, "1"),
        await within(subs[0]!.receive(), 5000, "2"),
      ];
      assert.deepEqual(all.map((m) => text(m[1]!)), ["1", "2"]);
      assert.equal(text((await within(subs[1]!.receive(), 5000, "news"))[1]!), "1");
      assert.equal(text((await within(subs[2]!.receive(), 5000, "sport"))[1]!), "2");
      // Two subscriptions to a topic need two unsubscribes (the count lives at the SUB).
      subs[1]!.subscribe("news");
      subs[1]!.unsubscribe("news");
      subs[2]!.unsubscribe("sport");
      await joined(pub, subs);
      await pub.send(["sport", "3"]);
      await pub.send(["news", "4"]);
      assert.equal(text((await within(subs[1]!.receive(), 5000, "news 4"))[1]!), "4");
      assert.equal(text((await within(subs[0]!.receive(), 5000, "3"))[1]!), "3");
      assert.equal(text((await within(subs[0]!.receive(), 5000, "4"))[1]!), "4");
      assert.equal(subs[2]!.readable, false);
    } finally {
      ctx.terminate();
    }
  });

  test(`XPUB reports new subscriptions and last unsubscriptions; verbose reports all (${transport})`, async () => {
    const ctx = new Context();
    const quiet = new XPublisher({ context: ctx });
    const verbose = new XPublisher({ context: ctx, verbosity: "allSubsUnsubs" });
    await quiet.bind(freshEndpoint(transport));
    await verbose.bind(freshEndpoint(transport));
    const subs = [new Subscriber({ context: ctx }), new Subscriber({ context: ctx })];
    try {
      for (const s of subs) {
        s.connect(quiet.lastEndpoint!);
        s.connect(verbose.lastEndpoint!);
        s.subscribe("T");
      }
      const next = async (x: XPublisher) => {
        const [f] = await within(x.receive(), 5000, "a subscription report");
        return `${f![0]}${text(f!.subarray(1))}`;
      };
      assert.equal(await next(quiet), "1T");
      assert.deepEqual([await next(verbose), await next(verbose)], ["1T", "1T"]);
      subs[0]!.unsubscribe("T");
      assert.equal(await next(verbose), "0T");
      subs[1]!.close(); // a subscriber leaving unsubscribes it
      assert.equal(await next(quiet), "0T");
      assert.equal(await next(verbose), "0T");
      assert.equal(quiet.readable, false);
    } finally {
      ctx.terminate();
    }
  });

  test(`XSUB forwards subscriptions and upstream messages; XPUB receives them (${transport})`, async () => {
    const ctx = new Context();
    const xpub = new XPublisher({ context: ctx });
    await xpub.bind(freshEndpoint(transport));
    const xsub = new XSubscriber({ context: ctx });
    xsub.connect(xpub.lastEndpoint!);
    try {
      await xsub.send(new Uint8Array([1, 65]));
      const [sub] = await within(xpub.receive(), 5000, "the subscription");
      assert.deepEqual([...sub!], [1, 65]);
      await xsub.send(["hello", "upstream"]);
      assert.deepEqual((await within(xpub.receive(), 5000, "upstream")).map(text), [
        "hello",
        "upstream",
      ]);
      await xpub.send(["A", "x"]);
      await xpub.send(["B", "y"]);
      await xpub.send(["A", "z"]);
      assert.deepEqual((await within(xsub.receive(), 5000, "A x")).map(text), ["A", "x"]);
      assert.deepEqual((await within(xsub.receive(), 5000, "A z")).map(text), ["A", "z"]);
      await xsub.send(new Uint8Array([0, 65]));
      const [cancel] = await within(xpub.receive(), 5000, "the cancel");
      assert.deepEqual([...cancel!], [0, 65]);
    } finally {
      ctx.terminate();
    }
  });
}

test("SUB cannot send and PUB cannot receive: ENOTSUP", async () => {
  const ctx = new Context();
  try {
    const sub = new Subscriber({ context: ctx });
    const pub = new Publisher({ context: ctx });
    await assert.rejects(sub.send("x"), { code: "ENOTSUP" });
    await assert.rejects(pub.receive(), { code: "ENOTSUP" });
  } finally {
    ctx.terminate();
  }
});

test("a PUB sending in a tight loop still lets the network run: its subscriber receives", async () => {
  const ctx = new Context();
  try {
    const pub = new Publisher({ context: ctx });
    await pub.bind(freshEndpoint("tcp"));
    const sub = new Subscriber({ context: ctx });
    sub.subscribe("");
    sub.connect(pub.lastEndpoint!);
    let got = 0;
    void (async () => {
      for await (const _ of sub) got++;
    })();
    // Every send completes at once (PUB never waits); the loop alone must not starve the I/O.
    for (let i = 0; i < 500_000 && got < 100; i++) await pub.send("x");
    assert.ok(got >= 100, `the subscriber got ${got}`);
  } finally {
    ctx.terminate();
  }
});
