// What cross-thread inproc keeps from a pipe within one thread, now that a message crosses as
// itself through shared memory (issue 16): high-water marks on both sides, nothing lost when a
// thread dies (what was written stays readable; a send waiting for room is not taken by a dying
// peer), lingering of what the ring could not hold yet, conflation, socket types checked, and a
// context terminated from a Worker.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Pull, Push } from "../../mod.ts";
import { spawn as spawnWorker } from "./spawn.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { until, within } from "../helpers/timeout.ts";
import { pause, PAUSES_US } from "./pacing.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const worker = new URL("./guarantee_worker.ts", import.meta.url);

/** Starts a guarantee Worker, whose reports of an error fail the test. */
function spawn(ctx: Context, data: Record<string, unknown>) {
  const w = spawnWorker(ctx, data, worker);
  const next = (what: string, ms?: number): Promise<any> =>
    w.next(what, ms).then((r) => {
      if (r?.error !== undefined) throw new Error(`worker: ${r.error}`);
      return r;
    });
  return { ...w, next };
}

test("high-water marks across threads: the sender takes its mark plus the receiver's, then waits", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const pull = new Pull({ context: ctx, receiveHighWaterMark: 7 });
  await pull.bind(ep);
  const w = spawn(ctx, { role: "hwm", endpoint: ep, sendHwm: 5, count: 30 });
  try {
    assert.equal(text((await within(pull.receive(), 10000, "message 0"))[0]!), "0");
    w.tell("go");
    assert.deepEqual(await w.next("the count accepted"), { accepted: 12 });
    // Reading makes room: the rest follows, in order.
    for (let i = 1; i <= 12 + 30; i++) {
      assert.equal(text((await within(pull.receive(), 10000, `message ${i}`))[0]!), String(i));
    }
    assert.deepEqual(await w.next("done"), { done: true });
  } finally {
    w.worker.terminate();
    ctx.terminate();
  }
});

test("messages written before a Worker is terminated are still read", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const pull = new Pull({ context: ctx, receiveHighWaterMark: 5000 });
  await pull.bind(ep);
  const w = spawn(ctx, { role: "send-then-wait", endpoint: ep, count: 2000, sendHwm: 5000 });
  try {
    await within(pull.receive(), 10000, "message 0");
    w.tell("go");
    assert.deepEqual(await w.next("the sends"), { sent: 2000 });
    w.worker.terminate();
    for (let i = 1; i <= 2000; i++) {
      assert.equal(text((await within(pull.receive(), 5000, `message ${i}`))[0]!), String(i));
    }
  } finally {
    w.worker.terminate();
    ctx.terminate();
  }
});

test("a send waiting for room is not lost when one of two peers' Worker is terminated", async () => {
  const ctx = new Context();
  const [epA, epB] = [freshEndpoint("inproc"), freshEndpoint("inproc")];
  const a = spawn(ctx, { role: "pull-bind", endpoint: epA, receiveHwm: 2 });
  const b = spawn(ctx, { role: "pull-bind", endpoint: epB, receiveHwm: 2 });
  try {
    await a.next("A bound");
    await b.next("B bound");
    const push = new Push({ context: ctx, sendHighWaterMark: 2 });
    push.connect(epA);
    push.connect(epB);
    // Until both links carry a message, a pipe waiting for its binder holds up to 1000 more.
    const firsts = Promise.all([a.next("A's first message"), b.next("B's first message")]);
    let linked = false;
    void firsts.then(() => (linked = true), () => {});
    let i = 0;
    while (!linked) {
      await push.send(String(i++));
      await new Promise((r) => setTimeout(r, 1));
    }
    await firsts;
    while (push.writable) await within(push.send(String(i++)), 5000, `send ${i}`);
    // Both peers are at their marks: this send waits.
    let sent = false;
    const pending = push.send(String(i)).then(() => (sent = true));
    a.worker.terminate();
    // B is told to read until it has the waiting message: it must be B's now.
    b.tell({ until: i });
    const { got } = await b.next(`message ${i} at B`);
    assert.ok(got.includes(i), `B got ${got}`);
    await within(pending, 5000, "the waiting send");
    assert.ok(sent);
  } finally {
    a.worker.terminate();
    b.worker.terminate();
    ctx.terminate();
  }
});

test("a socket closed with messages the ring could not hold yet delivers them all (linger)", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const pull = new Pull({ context: ctx });
  await pull.bind(ep);
  // 100 KiB each: two fit in a 256 KiB ring, the other six wait in the Worker when it closes.
  const w = spawn(ctx, { role: "linger", endpoint: ep, count: 8, size: 100 * 1024 });
  try {
    assert.deepEqual(await w.next("the close"), { closed: true });
    for (let i = 0; i < 8; i++) {
      const [n, body] = await within(pull.receive(), 10000, `message ${i}`);
      assert.equal(text(n!), String(i));
      assert.equal(body!.length, 100 * 1024);
      assert.ok(body!.every((x) => x === (i & 0xff)));
    }
  } finally {
    w.worker.terminate();
    ctx.terminate();
  }
});

test("conflation across threads: a conflating sender's peer reads only the newest message", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const pull = new Pull({ context: ctx });
  await pull.bind(ep);
  const w = spawn(ctx, { role: "conflate", endpoint: ep, count: 100 });
  try {
    assert.equal(text((await within(pull.receive(), 10000, "the first"))[0]!), "first");
    w.tell("go");
    await w.next("the sends");
    assert.equal(text((await within(pull.receive(), 10000, "the newest"))[0]!), "99");
    assert.equal(pull.readable, false);
  } finally {
    w.worker.terminate();
    ctx.terminate();
  }
});

test("socket types are checked across threads: a PUSH connecting to a PUSH is turned away", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const push = new Push({ context: ctx });
  await push.bind(ep);
  const w = spawn(ctx, { role: "wrong-type", endpoint: ep });
  try {
    assert.deepEqual(await w.next("the refusal"), { refused: true });
    assert.equal(push.writable, false);
  } finally {
    w.worker.terminate();
    ctx.terminate();
  }
});

test("a context terminated in a Worker ends a receive pending here with ETERM", async () => {
  const ctx = new Context();
  const pull = new Pull({ context: ctx });
  await pull.bind(freshEndpoint("inproc"));
  const w = spawn(ctx, { role: "terminate", endpoint: "" });
  try {
    await w.next("the worker");
    const pending = pull.receive();
    w.tell("go");
    await assert.rejects(within(pending, 5000, "the receive to end"), { code: "ETERM" });
    await until(() => ctx.terminated, 5000, "the context to be terminated here");
  } finally {
    w.worker.terminate();
    ctx.terminate();
  }
});

test("messages arrive in order whatever the pause before each: while the reader looks at the ring, just after it gave up, and long after", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const pull = new Pull({ context: ctx });
  await pull.bind(ep);
  const count = 4 * PAUSES_US.length * 5;
  const w = spawn(ctx, { role: "paced-send", endpoint: ep, count });
  try {
    for (let i = 0; i < count; i++) {
      assert.equal(text((await within(pull.receive(), 5000, `message ${i}`))[0]!), String(i));
    }
    assert.deepEqual(await w.next("the sends"), { sent: count });
  } finally {
    w.worker.terminate();
    ctx.terminate();
  }
});

test("a sender at its high-water mark gets room whatever the pause before each receive: nothing lost, in order", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const pull = new Pull({ context: ctx, receiveHighWaterMark: 1 });
  await pull.bind(ep);
  const count = 4 * PAUSES_US.length * 5;
  // The reader pauses before each receive (PAUSES_US in turn); the sender sends as fast as it may.
  const w = spawn(ctx, { role: "send-then-wait", endpoint: ep, count, sendHwm: 1 });
  try {
    assert.equal(text((await within(pull.receive(), 10000, "message 0"))[0]!), "0");
    w.tell("go");
    for (let i = 1; i <= count; i++) {
      pause(PAUSES_US[i % PAUSES_US.length]!);
      assert.equal(text((await within(pull.receive(), 5000, `message ${i}`))[0]!), String(i));
    }
    assert.deepEqual(await w.next("the sends"), { sent: count });
  } finally {
    w.worker.terminate();
    ctx.terminate();
  }
});
