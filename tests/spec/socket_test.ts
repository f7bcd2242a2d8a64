// The socket base: errors, timeouts, termination, endpoints and reconnects.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Pair, Pull, Push, ZmqError } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { eventCount, until, within } from "../helpers/timeout.ts";

test("terminating the context ends pending receives and sends with ETERM", async () => {
  const ctx = new Context();
  const pull = new Pull({ context: ctx });
  const push = new Push({ context: ctx });
  push.connect(freshEndpoint("inproc")); // no binder: sends wait
  push.sendHighWaterMark = 1;
  await push.send("fills the pipe");
  const receiving = pull.receive();
  const sending = push.send("waits");
  ctx.terminate();
  await assert.rejects(within(receiving, 2000, "receive to end"), { code: "ETERM" });
  await assert.rejects(within(sending, 2000, "send to end"), { code: "ETERM" });
  await assert.rejects(pull.receive(), { code: "ETERM" });
  assert.throws(() => new Pull({ context: ctx }), { code: "ETERM" });
});

test("a second concurrent receive or send throws EBUSY at once (as zeromq.js)", async () => {
  const ctx = new Context();
  const pull = new Pull({ context: ctx });
  const pending = pull.receive();
  assert.throws(() => pull.receive(), { code: "EBUSY", errno: 16 });
  const push = new Push({ context: ctx });
  const waiting = push.send("no peer yet");
  assert.throws(() => push.send("again"), { code: "EBUSY", errno: 16 });
  ctx.terminate();
  await assert.rejects(pending, { code: "ETERM" });
  await assert.rejects(waiting, { code: "ETERM" });
});

test("sendTimeout and receiveTimeout fail with EAGAIN; 0 fails at once", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx, receiveTimeout: 50 });
    const t0 = Date.now();
    await assert.rejects(pull.receive(), { code: "EAGAIN" });
    assert.ok(Date.now() - t0 >= 45, "receive waited for its timeout");
    const push = new Push({ context: ctx, sendTimeout: 0 });
    await assert.rejects(push.send("nobody"), { code: "EAGAIN" }); // no peer at all
    push.sendHighWaterMark = 3;
    push.connect(freshEndpoint("tcp").replace("*", "1")); // port 1: refused, the pipe still queues
    for (let i = 0; i < 3; i++) await push.send(String(i));
    await assert.rejects(push.send("over the mark"), { code: "EAGAIN" });
    push.sendTimeout = 50;
    await assert.rejects(push.send("over the mark"), { code: "EAGAIN" });
  } finally {
    ctx.terminate();
  }
});

test("closing a socket ends its for-await loop and later calls fail", async () => {
  const ctx = new Context();
  const pull = new Pull({ context: ctx });
  await pull.bind(freshEndpoint("inproc"));
  const seen: string[] = [];
  const loop = (async () => {
    for await (const [m] of pull) seen.push(new TextDecoder().decode(m));
  })();
  const push = new Push({ context: ctx });
  push.connect(pull.lastEndpoint!);
  await push.send("one");
  await push.send("two");
  await until(() => seen.length === 2, 5000, "the loop to receive both messages");
  pull.close();
  await within(loop, 2000, "the loop to end");
  assert.deepEqual(seen, ["one", "two"]);
  await assert.rejects(pull.receive(), { code: "EBADF" });
  assert.throws(() => pull.connect("inproc://x"), { code: "EBADF" });
  ctx.terminate();
});

test("endpoint errors: in use, unknown transport, malformed, not bound", async () => {
  const ctx = new Context();
  try {
    const a = new Pull({ context: ctx });
    await a.bind("tcp://127.0.0.1:*");
    const b = new Pull({ context: ctx });
    await assert.rejects(b.bind(a.lastEndpoint!), (e: unknown) => {
      assert.ok(e instanceof ZmqError);
      assert.equal(e.code, "EADDRINUSE");
      assert.equal(e.address, a.lastEndpoint);
      return true;
    });
    const inproc = freshEndpoint("inproc");
    await a.bind(inproc);
    await assert.rejects(b.bind(inproc), { code: "EADDRINUSE" });
    assert.throws(() => b.connect("udp://127.0.0.1:5555"), { code: "EPROTONOSUPPORT" });
    assert.throws(() => b.connect("tcp://127.0.0.1"), { code: "EINVAL" });
    assert.throws(() => b.connect("tcp://127.0.0.1:99999"), { code: "EINVAL" });
    assert.throws(() => b.connect("nonsense"), { code: "EINVAL" });
    await assert.rejects(b.unbind("tcp://127.0.0.1:1"), { code: "ENOENT" });
    assert.throws(() => b.disconnect("tcp://127.0.0.1:1"), { code: "ENOENT" });
    assert.throws(() => new Push({ context: ctx, sendHighWaterMark: -1 }), RangeError);
    assert.throws(() => new Push({ context: ctx, linger: 1.5 }), TypeError);
  } finally {
    ctx.terminate();
  }
});

test("lastEndpoint reports the port chosen for a wildcard; IPv6 loopback works", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx });
    await pull.bind("tcp://127.0.0.1:*");
    assert.match(pull.lastEndpoint!, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(pull.lastEndpoint, "tcp://127.0.0.1:0");
    const six = new Pull({ context: ctx });
    await six.bind("tcp://[::1]:*");
    assert.match(six.lastEndpoint!, /^tcp:\/\/\[::1\]:\d+$/);
    const push = new Push({ context: ctx });
    push.connect(six.lastEndpoint!);
    await push.send("over v6");
    const [m] = await within(six.receive(), 5000, "the v6 message");
    assert.equal(new TextDecoder().decode(m), "over v6");
  } finally {
    ctx.terminate();
  }
});

test("reconnects back off exponentially up to reconnectMaxInterval", async () => {
  const ctx = new Context();
  try {
    const push = new Push({ context: ctx, reconnectInterval: 10, reconnectMaxInterval: 40 });
    const retries = eventCount(push.events, "connect:retry", 5, 5000);
    push.connect("tcp://127.0.0.1:1");
    const intervals = (await retries).map((e) => e.interval);
    assert.deepEqual(intervals, [10, 20, 40, 40, 40]);
  } finally {
    ctx.terminate();
  }
});

test("unbind closes accepted connections; disconnect drops the queue; rebinding the port works", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx });
    await pull.bind("tcp://127.0.0.1:*");
    const ep = pull.lastEndpoint!;
    const push = new Push({ context: ctx, reconnectInterval: 20 });
    const lost = eventCount(push.events, "disconnect", 1);
    push.connect(ep);
    await push.send("first");
    await within(pull.receive(), 5000, "first");
    await pull.unbind(ep);
    await lost;
    await pull.bind(ep);
    await push.send("after rebind");
    const [m] = await within(pull.receive(), 5000, "message after rebind");
    assert.equal(new TextDecoder().decode(m), "after rebind");
    push.disconnect(ep);
    push.sendTimeout = 0;
    await assert.rejects(push.send("no endpoint left"), { code: "EAGAIN" });
  } finally {
    ctx.terminate();
  }
});

test("heartbeats: a silent peer is dropped after heartbeatTimeout", async () => {
  const ctx = new Context();
  try {
    // A raw peer that completes the handshake and then says nothing, not even PONG.
    const { createServer } = await import("node:net");
    const server = createServer((s) => {
      s.on("data", () => {});
      const g = new Uint8Array(64);
      g.set([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1, 0x4e, 0x55, 0x4c, 0x4c]);
      const ready = new Uint8Array([
        4,
        26,
        5,
        ...new TextEncoder().encode("READY"),
        11,
        ...new TextEncoder().encode("Socket-Type"),
        0,
        0,
        0,
        4,
        ...new TextEncoder().encode("PAIR"),
      ]);
      s.write(new Uint8Array([...g, ...ready]));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    const pair = new Pair({
      context: ctx,
      heartbeatInterval: 50,
      heartbeatTimeout: 100,
      reconnectInterval: -1,
    });
    const handshake = eventCount(pair.events, "handshake", 1);
    const dropped = eventCount(pair.events, "disconnect", 1, 10000);
    pair.connect(`tcp://127.0.0.1:${port}`);
    await handshake;
    const [e] = await dropped;
    assert.match(e.error.message, /heartbeat/);
    server.close();
  } finally {
    ctx.terminate();
  }
});

test("a receive whose timeout falls inside the sender's run still gets the message queued before it (same thread)", async () => {
  const ctx = new Context();
  const pull = new Pull({ context: ctx, receiveTimeout: 1 });
  const push = new Push({ context: ctx });
  try {
    await pull.bind("inproc://timeout-in-a-run");
    push.connect("inproc://timeout-in-a-run");
    const received = pull.receive();
    // A run of sends doing real work between them: the reader is told at the end of the run, and
    // the receive's 1 ms timer falls due first; it must look before it fails.
    for (let i = 0; i < 40; i++) {
      const end = performance.now() + 0.1;
      while (performance.now() < end) {
        // work between sends
      }
      await push.send(String(i));
    }
    const [first] = await received;
    assert.equal(new TextDecoder().decode(first), "0");
  } finally {
    ctx.terminate();
  }
});
