// Socket options changed after construction, and handshakeInterval. As in libzmq, an option that
// shapes a connection (handshake and heartbeat timing, maxMessageSize, routingId, immediate) is
// taken when that connection (or connect()) is made; reconnect timing applies from the next try.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Dealer, Pair, Pull, Push, Router } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { eventCount, nextEvent, within } from "../helpers/timeout.ts";
import { greeting, RawPeer, ready } from "../helpers/zmtp_raw.ts";

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const portOf = (endpoint: string) => Number(endpoint.split(":").at(-1));

test("handshakeInterval (set after binding): a peer that never finishes its handshake is dropped", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx });
    await pull.bind("tcp://127.0.0.1:*");
    pull.handshakeInterval = 100; // the default is 30 s
    const failed = nextEvent(pull.events, "handshake:error:other", 10000);
    const silent = await RawPeer.connect(portOf(pull.lastEndpoint!));
    silent.write(greeting(1).subarray(0, 10)); // a greeting begun, never finished
    const e = await failed;
    assert.match(String(e.error?.message), /handshake timed out/);
    await within(silent.closed, 5000, "the silent peer's connection to close");
    // One that completes in time is served as usual.
    const good = await RawPeer.connect(portOf(pull.lastEndpoint!));
    const attached = nextEvent(pull.events, "handshake");
    await good.handshake(1, "PUSH");
    await attached;
    good.close();
  } finally {
    ctx.terminate();
  }
});

test("handshakeInterval on the connecting side: a silent server is reported, dropped and tried again", async () => {
  const ctx = new Context();
  const server = await RawPeer.listen();
  try {
    const push = new Push({ context: ctx, handshakeInterval: 100, reconnectInterval: 10 });
    const failed = nextEvent(push.events, "handshake:error:other", 10000);
    push.connect(server.endpoint);
    const first = await server.accept(); // accepts and says nothing
    const e = await failed;
    assert.match(String(e.error?.message), /handshake timed out/);
    await within(first.closed, 5000, "the first connection to close");
    const second = await server.accept(); // the reconnect
    // This time the server answers: the handshake completes and a queued message arrives.
    const up = nextEvent(push.events, "handshake");
    await push.send("hello");
    await second.handshake(1, "PULL");
    await up;
    const f = await second.readFrame();
    assert.equal(text(f.body), "hello");
    second.close();
  } finally {
    ctx.terminate();
    server.close();
  }
});

test("heartbeats set after construction apply to connections made afterwards: a silent peer is dropped", async () => {
  const ctx = new Context();
  const server = await RawPeer.listen();
  try {
    const pair = new Pair({ context: ctx, reconnectInterval: -1 });
    pair.heartbeatInterval = 50;
    pair.heartbeatTimeout = 100;
    pair.heartbeatTimeToLive = 1000;
    const up = nextEvent(pair.events, "handshake");
    const dropped = nextEvent(pair.events, "disconnect", 10000);
    pair.connect(server.endpoint);
    const peer = await server.accept();
    peer.write(greeting(1), ready("PAIR")); // then silence: no PONG
    await up;
    const e = await dropped;
    assert.match(String(e.error?.message), /heartbeat/);
  } finally {
    ctx.terminate();
    server.close();
  }
});

test("reconnectInterval changed while reconnecting applies from the next try; -1 gives up and drops the pipe", async () => {
  const ctx = new Context();
  try {
    const push = new Push({ context: ctx, reconnectInterval: 300, sendTimeout: 0 });
    const firstRetry = nextEvent(push.events, "connect:retry");
    push.connect("tcp://127.0.0.1:1"); // refused
    assert.ok((await firstRetry).interval >= 300, "the constructor's interval");
    // A pipe made at connect() queues meanwhile.
    await push.send("queued");
    push.reconnectInterval = 10;
    push.reconnectMaxInterval = 40;
    // The wait already scheduled runs out first; the tries after it use the new values.
    const later = await eventCount(push.events, "connect:retry", 3, 15000);
    assert.deepEqual(later.map((e) => e.interval), [10, 20, 40]);
    push.reconnectInterval = -1;
    await nextEvent(push.events, "connect:delay"); // the next try fails, and is the last
    await assert.rejects(push.send("no pipe left"), { code: "EAGAIN" });
  } finally {
    ctx.terminate();
  }
});

test("immediate applies to connects made after it is set, and a connect keeps the value it was made with", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx });
    await pull.bind("tcp://127.0.0.1:*");
    const ep = pull.lastEndpoint!;
    const push = new Push({ context: ctx, sendTimeout: 0, reconnectInterval: 20 });
    const up = nextEvent(push.events, "handshake");
    push.connect(ep); // without immediate: its pipe outlives the connection
    await up;
    push.immediate = true;
    // The connection goes; the pipe of the earlier connect still queues.
    const lost = nextEvent(push.events, "disconnect");
    await pull.unbind(ep);
    await lost;
    await push.send("kept through the outage");
    const back = nextEvent(push.events, "handshake", 10000);
    await pull.bind(ep);
    await back;
    assert.equal(
      text((await within(pull.receive(), 5000, "the queued message"))[0]),
      "kept through the outage",
    );
    // A connect made now has no pipe until its peer is up.
    const late = new Push({ context: ctx, sendTimeout: 0 });
    late.immediate = true;
    late.connect("tcp://127.0.0.1:1");
    await assert.rejects(late.send("nowhere"), { code: "EAGAIN" });
  } finally {
    ctx.terminate();
  }
});

for (const transport of ["tcp", "ipc", "inproc"] as const) {
  test(`routingId changed after connecting is sent in later handshakes only (${transport})`, async () => {
    const ctx = new Context();
    try {
      const routers = [new Router({ context: ctx }), new Router({ context: ctx })];
      for (const r of routers) await r.bind(freshEndpoint(transport));
      const dealer = new Dealer({ context: ctx, routingId: "before" });
      dealer.connect(routers[0]!.lastEndpoint!);
      await dealer.send("one");
      assert.deepEqual((await within(routers[0]!.receive(), 5000, "one")).map(text), [
        "before",
        "one",
      ]);
      dealer.routingId = "after";
      dealer.connect(routers[1]!.lastEndpoint!);
      // Round-robin from where it was: the first ROUTER, whose connection keeps the old id, then
      // the second, which was connected after the change.
      await dealer.send("two");
      await dealer.send("three");
      assert.deepEqual((await within(routers[0]!.receive(), 5000, "two")).map(text), [
        "before",
        "two",
      ]);
      assert.deepEqual((await within(routers[1]!.receive(), 5000, "three")).map(text), [
        "after",
        "three",
      ]);
      assert.throws(() => (dealer.routingId = ""), RangeError);
    } finally {
      ctx.terminate();
    }
  });
}

for (const transport of ["tcp", "ipc"] as const) {
  test(`maxMessageSize changed after binding applies to connections accepted afterwards (${transport})`, async () => {
    const ctx = new Context();
    try {
      const pull = new Pull({ context: ctx });
      await pull.bind(freshEndpoint(transport));
      const before = new Push({ context: ctx });
      const accepted = nextEvent(pull.events, "handshake");
      before.connect(pull.lastEndpoint!);
      await accepted;
      pull.maxMessageSize = 10;
      const after = new Push({ context: ctx, reconnectInterval: -1 });
      const refused = nextEvent(pull.events, "handshake:error:protocol");
      after.connect(pull.lastEndpoint!);
      await after.send("more than ten bytes");
      const e = await refused;
      assert.match(String(e.error?.message), /maxMessageSize|too large|exceeds/i);
      // The earlier connection keeps the limit it was made with (none).
      await before.send("more than ten bytes, still fine");
      assert.equal(
        text((await within(pull.receive(), 5000, "the large message"))[0]),
        "more than ten bytes, still fine",
      );
    } finally {
      ctx.terminate();
    }
  });
}

test("a bad option value is refused, naming the option, in the constructor and as a property", () => {
  const ctx = new Context();
  try {
    const refused: [Record<string, unknown>, ErrorConstructor, RegExp][] = [
      [{ immediate: 1 }, TypeError, /immediate must be a boolean/],
      [{ routingId: 7 }, TypeError, /routingId must be a string or Uint8Array/],
      [{ routingId: "" }, RangeError, /routingId must be 1-255 bytes, got 0/],
      [{ routingId: new Uint8Array(256) }, RangeError, /routingId must be 1-255 bytes, got 256/],
      [{ heartbeatInterval: -1 }, RangeError, /heartbeatInterval must be >= 0/],
      [{ handshakeInterval: -5 }, RangeError, /handshakeInterval must be >= 0/],
      [{ reconnectInterval: -2 }, RangeError, /reconnectInterval must be >= -1/],
      [{ linger: "forever" }, TypeError, /linger must be an integer/],
      [{ nonsense: 1 }, TypeError, /unknown socket option "nonsense"/],
    ];
    for (const [options, type, message] of refused) {
      assert.throws(() => new Dealer({ context: ctx, ...options }), { name: type.name, message });
    }
    const dealer = new Dealer({ context: ctx });
    assert.throws(() => (dealer.immediate = "yes" as unknown as boolean), TypeError);
    assert.throws(() => (dealer.maxMessageSize = -2), RangeError);
    assert.equal(dealer.maxMessageSize, -1, "a refused value changes nothing");
    dealer.routingId = new Uint8Array([0, 1]);
    dealer.routingId = undefined;
    assert.equal(dealer.routingId, undefined);
  } finally {
    ctx.terminate();
  }
});
