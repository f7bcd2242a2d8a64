// Connection life (conformance.md "Connection life"): the monitor event sequence, inproc
// connects and unbinds, sends failing once an endpoint is gone, wildcard unbind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Pair, Pull, Push } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { nextEvent, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

test("monitor events come in libzmq's order on both sides of a connection's life", async () => {
  const ctx = new Context();
  try {
    const server = new Pair({ context: ctx });
    const client = new Pair({ context: ctx, reconnectInterval: 20 });
    const seen = { server: [] as string[], client: [] as string[] };
    const types = [
      "bind",
      "accept",
      "connect",
      "connect:delay",
      "connect:retry",
      "handshake",
      "disconnect",
      "close",
    ] as const;
    for (const t of types) {
      server.events.on(t, (e) => seen.server.push(e.type));
      client.events.on(t, (e) => seen.client.push(e.type));
    }
    // Find a free port, then connect before anything listens on it.
    const probe = new Pull({ context: ctx });
    await probe.bind("tcp://127.0.0.1:*");
    const ep = probe.lastEndpoint!;
    await probe.unbind(ep);
    probe.close();

    const retried = nextEvent(client.events, "connect:retry");
    client.connect(ep);
    await retried;
    const clientUp = nextEvent(client.events, "handshake");
    const serverUp = nextEvent(server.events, "handshake");
    await server.bind(ep);
    await Promise.all([clientUp, serverUp]);
    const serverDown = nextEvent(server.events, "disconnect");
    client.close();
    await serverDown;
    server.close();

    // The client may retry more than once before the bind; collapse repeats.
    const collapse = (xs: string[]) => xs.filter((x, i) => x !== xs[i - 1]);
    assert.deepEqual(collapse(seen.client).slice(0, 2), ["connect:delay", "connect:retry"]);
    assert.deepEqual(collapse(seen.client).slice(-3), ["connect", "handshake", "close"]);
    assert.deepEqual(seen.server, ["bind", "accept", "handshake", "disconnect", "close"]);
  } finally {
    ctx.terminate();
  }
});

test("inproc: many sockets connect before the bind, and all are served once it binds", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  try {
    const pushes = Array.from({ length: 20 }, () => new Push({ context: ctx }));
    for (const [i, p] of pushes.entries()) {
      p.connect(ep);
      await p.send(String(i));
    }
    const pull = new Pull({ context: ctx });
    await pull.bind(ep);
    const got = [];
    for (let i = 0; i < 20; i++) {
      got.push(Number(text((await within(pull.receive(), 5000, `message ${i}`))[0]!)));
    }
    assert.deepEqual(got.sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
    // After unbind the name is free again, and new connects wait for the next bind.
    await pull.unbind(ep);
    const again = new Pull({ context: ctx });
    await again.bind(ep);
    const late = new Push({ context: ctx });
    late.connect(ep);
    await late.send("late");
    assert.equal(text((await within(again.receive(), 5000, "late"))[0]!), "late");
  } finally {
    ctx.terminate();
  }
});

for (const transport of ["tcp", "ipc", "inproc", "ws"] as const) {
  test(`sends fail with EAGAIN once the only endpoint is unbound or disconnected (${transport})`, async () => {
    const ctx = new Context();
    try {
      // Bound side goes: the pushing socket is left with no peer.
      const push = new Push({ context: ctx, sendTimeout: 0 });
      await push.bind(freshEndpoint(transport));
      const pull = new Pull({ context: ctx });
      const joined = transport === "inproc" ? undefined : nextEvent(push.events, "handshake");
      pull.connect(push.lastEndpoint!);
      await joined;
      await push.send("one");
      assert.equal(text((await within(pull.receive(), 5000, "one"))[0]!), "one");
      await push.unbind(push.lastEndpoint!);
      await assert.rejects(push.send("after unbind"), { code: "EAGAIN" });

      // Connecting side goes: disconnect drops the pipe, and the send has nowhere to go.
      const sink = new Pull({ context: ctx });
      await sink.bind(freshEndpoint(transport));
      const sender = new Push({ context: ctx, sendTimeout: 0 });
      sender.connect(sink.lastEndpoint!);
      await sender.send("two");
      assert.equal(text((await within(sink.receive(), 5000, "two"))[0]!), "two");
      sender.disconnect(sink.lastEndpoint!);
      await assert.rejects(sender.send("after disconnect"), { code: "EAGAIN" });
      assert.throws(() => sender.disconnect(sink.lastEndpoint!), { code: "ENOENT" });
    } finally {
      ctx.terminate();
    }
  });
}

test("a wildcard bind is unbound by the endpoint it resolved to; the wildcard itself is unknown", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx });
    await pull.bind("tcp://127.0.0.1:*");
    const resolved = pull.lastEndpoint!;
    assert.match(resolved, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    await assert.rejects(pull.unbind("tcp://127.0.0.1:5"), { code: "ENOENT" });
    await pull.unbind(resolved);
    // The port is free again.
    const other = new Pull({ context: ctx });
    await other.bind(resolved);
    assert.equal(other.lastEndpoint, resolved);
  } finally {
    ctx.terminate();
  }
});

test("terminating a context with connected sockets ends every pending call with ETERM", async () => {
  const ctx = new Context();
  const a = new Pair({ context: ctx });
  const b = new Pair({ context: ctx, sendHighWaterMark: 1 });
  await a.bind(freshEndpoint("tcp"));
  b.connect(a.lastEndpoint!);
  const receiving = a.receive();
  await nextEvent(b.events, "handshake");
  const pending = Promise.allSettled([receiving, b.receive()]);
  ctx.terminate();
  const results = await within(pending, 5000, "the pending calls to end");
  for (const r of results) {
    assert.equal(r.status, "rejected");
    assert.equal((r as PromiseRejectedResult).reason.code, "ETERM");
  }
  await assert.rejects(a.send("x"), { code: "ETERM" });
});

test("a failed bind is reported as bind:error as well as rejected", async () => {
  const ctx = new Context();
  try {
    const a = new Pull({ context: ctx });
    await a.bind("tcp://127.0.0.1:*");
    const b = new Pull({ context: ctx });
    const reported = nextEvent(b.events, "bind:error");
    await assert.rejects(b.bind(a.lastEndpoint!), { code: "EADDRINUSE", errno: 98 });
    const e = await reported;
    // libzmq (and so zeromq.js) reports a failed tcp bind's address without its scheme.
    assert.equal(e.address, a.lastEndpoint!.replace("tcp://", ""));
    assert.equal(e.error.code, "EADDRINUSE");
    assert.equal(e.error.errno, 98);
  } finally {
    ctx.terminate();
  }
});
