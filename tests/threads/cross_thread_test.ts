// inproc across Workers (issue #4): every socket type over shared-memory rings, connect before
// bind, a message larger than a ring, a Worker terminated mid-stream, and context termination.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Pair, Publisher, Pull, Push, Request, Router } from "../../mod.ts";
import { startWorker } from "../../workers/mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { until, within } from "../helpers/timeout.ts";
import { publishUntil } from "../helpers/pubsub.ts";
import { spawn } from "./spawn.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const peer = new URL("./peer_worker.ts", import.meta.url);

test("PAIR across threads: multipart messages echoed whole, both ways", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const pair = new Pair({ context: ctx });
  await pair.bind(ep);
  const { worker, next } = spawn(ctx, { role: "pair-echo", endpoint: ep, count: 100 });
  try {
    for (let i = 0; i < 100; i++) {
      await pair.send(["", String(i), new Uint8Array(i)]);
      const m = await within(pair.receive(), 10000, `echo ${i}`);
      assert.deepEqual(m.map((f) => f.length), [0, String(i).length, i]);
      assert.equal(text(m[1]!), String(i));
    }
    assert.deepEqual(await next("done"), { done: true });
  } finally {
    worker.terminate();
    ctx.terminate();
  }
});

test("PUSH in a Worker to PULL here: 20,000 messages in order, connecting before the bind", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const { worker, next } = spawn(ctx, { role: "push", endpoint: ep, count: 20000, size: 16 });
  try {
    // The Worker connects and sends before anything is bound: its messages wait at its end.
    const pull = new Pull({ context: ctx });
    await pull.bind(ep);
    for (let i = 0; i < 20000; i++) {
      const [n, body] = await within(pull.receive(), 10000, `message ${i}`);
      assert.equal(text(n!), String(i));
      assert.equal(body!.length, 16);
    }
    assert.deepEqual(await next("done"), { done: true });
  } finally {
    worker.terminate();
    ctx.terminate();
  }
});

test("a message larger than the ring (4 MiB, through the port) arrives whole", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const pull = new Pull({ context: ctx });
  await pull.bind(ep);
  const { worker, next } = spawn(ctx, {
    role: "push",
    endpoint: ep,
    count: 3,
    size: 4 * 1024 * 1024,
  });
  try {
    for (let i = 0; i < 3; i++) {
      const [n, body] = await within(pull.receive(), 10000, `big message ${i}`);
      assert.equal(text(n!), String(i));
      assert.equal(body!.length, 4 * 1024 * 1024);
      assert.ok(body!.every((b) => b === 7));
    }
    await next("done");
  } finally {
    worker.terminate();
    ctx.terminate();
  }
});

test("REQ here, REP in a Worker: 200 round trips", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const req = new Request({ context: ctx });
  await req.bind(ep);
  const { worker, next } = spawn(ctx, { role: "rep-echo", endpoint: ep, count: 200 });
  try {
    for (let i = 0; i < 200; i++) {
      await req.send(`hello ${i}`);
      assert.deepEqual((await within(req.receive(), 10000, `reply ${i}`)).map(text), [
        `HELLO ${i}`,
      ]);
    }
    await next("done");
  } finally {
    worker.terminate();
    ctx.terminate();
  }
});

test("PUB here, SUB in a Worker: only the subscribed topic crosses", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const pub = new Publisher({ context: ctx });
  await pub.bind(ep);
  const { worker, next } = spawn(ctx, { role: "sub", endpoint: ep });
  try {
    // Until the subscription arrives the PUB drops: publish until the SUB reports its first message.
    await publishUntil(
      async () => {
        await pub.send(["B", "not for you"]);
        await pub.send(["A", "hello"]);
      },
      next("the first message"),
      "the SUB's first message",
    );
    // From here every "A" arrives: 1000 small messages are far below the pipe's and the ring's room.
    for (let i = 0; i < 1000; i++) {
      await pub.send(["B", "x"]);
      await pub.send(["A", String(i)]);
    }
    await pub.send(["A", "end"]);
    assert.deepEqual(await next("the SUB's report"), {
      done: true,
      numbered: 1000,
      inOrder: true,
      foreign: 0,
    });
  } finally {
    worker.terminate();
    ctx.terminate();
  }
});

test("ROUTER here, DEALER in a Worker: the Worker's routing id crosses, replies are routed", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const router = new Router({ context: ctx });
  await router.bind(ep);
  const { worker, next } = spawn(ctx, { role: "dealer", endpoint: ep, count: 50 });
  try {
    const [id, hello] = await within(router.receive(), 10000, "hello");
    assert.equal(text(id!), "worker-dealer");
    assert.equal(text(hello!), "hello");
    for (let i = 0; i < 50; i++) {
      await router.send(["worker-dealer", String(i)]);
      assert.deepEqual((await within(router.receive(), 10000, `echo ${i}`)).map(text), [
        "worker-dealer",
        String(i),
      ]);
    }
    await next("done");
  } finally {
    worker.terminate();
    ctx.terminate();
  }
});

test("bound in a Worker, connected here; a name bound in another thread is EADDRINUSE", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const a = spawn(ctx, { role: "pull-bind", endpoint: ep, count: 100 });
  try {
    assert.deepEqual(await a.next("bound"), { bound: true });
    const push = new Push({ context: ctx });
    push.connect(ep);
    for (let i = 0; i < 100; i++) await push.send(String(i));
    assert.deepEqual(await a.next("done"), { done: true });
    const taken = new Pull({ context: ctx });
    await assert.rejects(taken.bind(ep), { code: "EADDRINUSE" });
    const b = spawn(ctx, { role: "pull-bind", endpoint: ep, count: 0 });
    assert.deepEqual(await b.next("the bind error"), { bindError: "EADDRINUSE" });
    b.worker.terminate();
  } finally {
    a.worker.terminate();
    ctx.terminate();
  }
});

test("a Worker terminated mid-stream frees its peer: the PAIR here takes the next Worker", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const pair = new Pair({ context: ctx });
  await pair.bind(ep);
  const first = spawn(ctx, { role: "pair-echo", endpoint: ep, count: 1_000_000 });
  try {
    await pair.send("ping");
    await within(pair.receive(), 10000, "the first echo");
    first.worker.terminate();
    pair.sendTimeout = 0; // from here a send with no peer fails at once
    // Its connection is closed here too: the PAIR loses its peer, and is free for a new one.
    await until(() => !pair.writable, 5000, "the PAIR to lose its terminated peer");
    const second = spawn(ctx, { role: "pair-echo", endpoint: ep, count: 1 });
    const start = Date.now();
    for (;;) {
      try {
        await pair.send("again");
        break;
      } catch (e) {
        assert.equal((e as { code?: string }).code, "EAGAIN");
        if (Date.now() - start > 10000) assert.fail("the PAIR never got a new peer");
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    assert.equal(text((await within(pair.receive(), 10000, "the second echo"))[0]!), "again");
    second.worker.terminate();
  } finally {
    first.worker.terminate();
    ctx.terminate();
  }
});

test("terminating the context here ends a receive pending in a Worker with ETERM", async () => {
  const ctx = new Context();
  const { worker, next } = spawn(ctx, { role: "wait-receive", endpoint: freshEndpoint("inproc") });
  try {
    assert.deepEqual(await next("the worker to wait"), { waiting: true });
    ctx.terminate();
    assert.deepEqual(await next("the receive to end"), { ended: "ETERM" });
  } finally {
    worker.terminate();
  }
});

test("a socket cannot be handed to a Worker: it belongs to the thread that made it", () => {
  const ctx = new Context();
  try {
    const pair = new Pair({ context: ctx });
    assert.throws(() => startWorker(peer, { context: ctx, data: { sock: pair } }), {
      code: "EINVAL",
      message: /belongs to the thread that made it/,
    });
    assert.throws(() => startWorker(peer, { context: ctx, data: [ctx] }), { code: "EINVAL" });
  } finally {
    ctx.terminate();
  }
});
