// Request-reply semantics (RFC 28, conformance.md "Socket semantics" and "Routing"), over tcp, ipc and inproc.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Dealer, Reply, Request, Router } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { eventCount, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

for (const transport of ["tcp", "ipc", "inproc", "ws"] as const) {
  test(`REQ enforces send/receive order (EFSM); REP replies to the asker (${transport})`, async () => {
    const ctx = new Context();
    try {
      const rep = new Reply({ context: ctx });
      await rep.bind(freshEndpoint(transport));
      const req = new Request({ context: ctx });
      req.connect(rep.lastEndpoint!);
      await assert.rejects(req.receive(), { code: "EFSM" });
      await assert.rejects(rep.send("too early"), { code: "EFSM" });
      await req.send("one");
      await assert.rejects(req.send("two"), { code: "EFSM" });
      assert.deepEqual((await within(rep.receive(), 5000, "request")).map(text), ["one"]);
      await assert.rejects(rep.receive(), { code: "EFSM" });
      await rep.send("reply");
      assert.deepEqual((await within(req.receive(), 5000, "reply")).map(text), ["reply"]);
      await req.send("next is allowed");
    } finally {
      ctx.terminate();
    }
  });

  test(`REQ round-robins requests across REPs (${transport})`, async () => {
    const ctx = new Context();
    try {
      const req = new Request({ context: ctx });
      await req.bind(freshEndpoint(transport));
      const reps = ["a", "b", "c"].map(() => new Reply({ context: ctx }));
      const joined = transport === "inproc" ? undefined : eventCount(req.events, "handshake", 3);
      for (const r of reps) r.connect(req.lastEndpoint!);
      await joined;
      const served = reps.map(async (r, i) => {
        for (let n = 0; n < 2; n++) {
          await r.receive();
          await r.send(`rep ${i}`);
        }
      });
      const answers: string[] = [];
      for (let n = 0; n < 6; n++) {
        await req.send("who?");
        answers.push(text((await within(req.receive(), 5000, "reply"))[0]!));
      }
      await within(Promise.all(served), 5000, "each REP to serve two requests");
      assert.deepEqual([...answers].sort(), ["rep 0", "rep 0", "rep 1", "rep 1", "rep 2", "rep 2"]);
      assert.deepEqual(answers.slice(3), answers.slice(0, 3), "the same rotation twice");
    } finally {
      ctx.terminate();
    }
  });

  test(`REP drops a request without a delimiter and answers the next valid one (${transport})`, async () => {
    const ctx = new Context();
    try {
      const rep = new Reply({ context: ctx });
      await rep.bind(freshEndpoint(transport));
      const dealer = new Dealer({ context: ctx });
      dealer.connect(rep.lastEndpoint!);
      await dealer.send(["no delimiter"]);
      await dealer.send(["", "valid"]);
      assert.deepEqual((await within(rep.receive(), 5000, "the valid request")).map(text), [
        "valid",
      ]);
      await rep.send("ok");
      assert.deepEqual((await within(dealer.receive(), 5000, "reply")).map(text), ["", "ok"]);
    } finally {
      ctx.terminate();
    }
  });

  test(`ROUTER prefixes ids, routes replies, and with mandatory reports unknown peers (${transport})`, async () => {
    const ctx = new Context();
    try {
      const router = new Router({ context: ctx });
      await router.bind(freshEndpoint(transport));
      const named = new Dealer({ context: ctx, routingId: "named" });
      const anon = new Dealer({ context: ctx });
      named.connect(router.lastEndpoint!);
      anon.connect(router.lastEndpoint!);
      await named.send("from named");
      await anon.send("from anon");
      const ids = new Map<string, Uint8Array>();
      for (let i = 0; i < 2; i++) {
        const [id, body] = await within(router.receive(), 5000, "a message");
        ids.set(text(body!), id!);
      }
      assert.equal(text(ids.get("from named")!), "named");
      const anonId = ids.get("from anon")!;
      assert.equal(anonId.length, 5);
      assert.equal(anonId[0], 0);
      await router.send([anonId, "to anon"]);
      assert.deepEqual((await within(anon.receive(), 5000, "routed reply")).map(text), ["to anon"]);
      await router.send(["nobody", "dropped silently"]);
      router.mandatory = true;
      await assert.rejects(router.send(["nobody", "x"]), { code: "EHOSTUNREACH" });
    } finally {
      ctx.terminate();
    }
  });
}

test("ROUTER handover: a new peer with a taken routing id takes it over", async () => {
  const ctx = new Context();
  try {
    const router = new Router({ context: ctx, handover: true });
    await router.bind(freshEndpoint("inproc"));
    const first = new Dealer({ context: ctx, routingId: "same" });
    first.connect(router.lastEndpoint!);
    const second = new Dealer({ context: ctx, routingId: "same" });
    second.connect(router.lastEndpoint!);
    await router.send(["same", "to the newest"]);
    assert.deepEqual((await within(second.receive(), 5000, "message to the new peer")).map(text), [
      "to the newest",
    ]);
    first.receiveTimeout = 100;
    await assert.rejects(first.receive(), { code: "EAGAIN" });
  } finally {
    ctx.terminate();
  }
});

test("REQ correlate and relaxed: a new request abandons the old one and its late reply is ignored", async () => {
  const ctx = new Context();
  try {
    const router = new Router({ context: ctx });
    await router.bind(freshEndpoint("inproc"));
    const req = new Request({ context: ctx, correlate: true, relaxed: true });
    req.connect(router.lastEndpoint!);
    await req.send("first");
    const first = await within(router.receive(), 5000, "first request");
    assert.equal(first[1]!.length, 4, "request id frame");
    await req.send("second");
    const second = await within(router.receive(), 5000, "second request");
    await router.send([first[0]!, first[1]!, "", "late reply to first"]);
    await router.send([second[0]!, second[1]!, "", "reply to second"]);
    assert.deepEqual((await within(req.receive(), 5000, "reply")).map(text), ["reply to second"]);
  } finally {
    ctx.terminate();
  }
});

for (const transport of ["tcp", "ipc", "inproc", "ws"] as const) {
  test(`requests round-trip through a ROUTER/DEALER device, envelopes intact (${transport})`, async () => {
    const ctx = new Context();
    try {
      const front = new Router({ context: ctx });
      const back = new Dealer({ context: ctx });
      await front.bind(freshEndpoint(transport));
      await back.bind(freshEndpoint(transport));
      const relay = async (from: Router | Dealer, to: Router | Dealer) => {
        for await (const msg of from) await to.send(msg);
      };
      const device = Promise.all([relay(front, back), relay(back, front)]);
      const reps = [new Reply({ context: ctx }), new Reply({ context: ctx })];
      for (const [i, rep] of reps.entries()) {
        rep.connect(back.lastEndpoint!);
        void (async () => {
          for await (const [body] of rep) await rep.send([`rep${i}`, body!]);
        })();
      }
      const reqs = [new Request({ context: ctx }), new Request({ context: ctx })];
      for (const req of reqs) req.connect(front.lastEndpoint!);
      const servedBy = new Set<string>();
      for (let round = 0; round < 10; round++) {
        for (const [i, req] of reqs.entries()) {
          await req.send(`q${i}.${round}`);
          const [who, body] = await within(req.receive(), 5000, `reply ${i}.${round}`);
          assert.equal(text(body!), `q${i}.${round}`); // each reply came back to its asker
          servedBy.add(text(who!));
        }
      }
      assert.deepEqual([...servedBy].sort(), ["rep0", "rep1"]);
      ctx.terminate();
      await within(device, 5000, "the device to stop");
    } finally {
      ctx.terminate();
    }
  });
}

for (const transport of ["tcp", "ipc", "inproc"] as const) {
  test(`REQ drops replies that are not led by an empty delimiter and takes the next valid one (${transport})`, async () => {
    const ctx = new Context();
    try {
      const router = new Router({ context: ctx });
      await router.bind(freshEndpoint(transport));
      const req = new Request({ context: ctx });
      req.connect(router.lastEndpoint!);
      await req.send("question");
      const [id, delimiter, body] = await within(router.receive(), 5000, "the request");
      assert.deepEqual([delimiter!.length, text(body!)], [0, "question"]);
      // One connection, so these arrive in this order: only the last is a reply.
      await router.send([id!, "no delimiter"]);
      await router.send([id!, "x", "", "a frame before the delimiter"]);
      await router.send([id!, ""]); // a delimiter and no body
      await router.send([id!, "", "answer"]);
      assert.deepEqual((await within(req.receive(), 5000, "the reply")).map(text), ["answer"]);
      assert.equal(req.readable, false, "nothing else was queued as a reply");
      await req.send("next");
      assert.deepEqual(
        (await within(router.receive(), 5000, "the next request")).slice(1).map(text),
        ["", "next"],
      );
    } finally {
      ctx.terminate();
    }
  });
}

test("REQ relaxed without correlate: a late reply from the peer it no longer asks is dropped", async () => {
  // inproc, where a message sent is in the REQ's queue at once: the late reply is seen (and
  // dropped) while the REQ waits for the other peer, an order no other transport can promise.
  const ctx = new Context();
  try {
    const routers = [new Router({ context: ctx }), new Router({ context: ctx })];
    const req = new Request({ context: ctx, relaxed: true });
    for (const r of routers) {
      await r.bind(freshEndpoint("inproc"));
      req.connect(r.lastEndpoint!);
    }
    await req.send("one"); // to the first peer
    const [id1] = await within(routers[0]!.receive(), 5000, "the first request");
    await req.send("two"); // relaxed: a new request, to the second peer
    const [id2] = await within(routers[1]!.receive(), 5000, "the second request");
    const reply = req.receive();
    await routers[0]!.send([id1!, "", "late reply to one"]);
    await routers[1]!.send([id2!, "", "reply to two"]);
    assert.deepEqual((await within(reply, 5000, "the reply")).map(text), ["reply to two"]);
    // The late reply is gone, not queued: the next request to the first peer gets its own reply.
    await req.send("three");
    const [id3] = await within(routers[0]!.receive(), 5000, "the third request");
    await routers[0]!.send([id3!, "", "reply to three"]);
    assert.deepEqual((await within(req.receive(), 5000, "the third reply")).map(text), [
      "reply to three",
    ]);
  } finally {
    ctx.terminate();
  }
});
