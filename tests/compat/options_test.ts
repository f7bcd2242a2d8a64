// zeromq.js compatibility (issue 15): sockets are sealed, zeromq.js's option names are accepted
// with libzmq's meaning or refused with ENOTSUP, raw accessors by option number, the warning for
// an option that takes effect at the next bind/connect, new Socket(number), numbers sent as text.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import {
  Context,
  Dealer,
  Pair,
  Publisher,
  Pull,
  Push,
  Router,
  Socket,
  Subscriber,
} from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

test("a typo in an option name throws a TypeError, as a property and in the constructor", () => {
  const ctx = new Context();
  try {
    const dealer = new Dealer({ context: ctx });
    assert.throws(() => ((dealer as any).sendHighWatermark = 5), TypeError);
    assert.equal((dealer as any).sendHighWatermark, undefined);
    assert.throws(() => new Dealer({ context: ctx, lingr: 0 } as any), TypeError);
    assert.throws(() => ((dealer as any).securityMechanism = "plain"), TypeError); // read-only
    // Each type's own options are still plain, settable properties.
    const router = new Router({ context: ctx });
    router.mandatory = true;
    assert.equal(router.mandatory, true);
  } finally {
    ctx.terminate();
  }
});

test("zeromq.js's options that libzmq has: kept with libzmq's defaults, or refused with ENOTSUP", () => {
  const ctx = new Context();
  try {
    const sock = new Dealer({ context: ctx, recoveryInterval: 5, backlog: 75 });
    assert.equal(sock.recoveryInterval, 5);
    assert.equal(sock.backlog, 75);
    assert.equal(sock.rate, 100);
    assert.equal(sock.sendBufferSize, -1);
    assert.equal(sock.tcpKeepalive, -1);
    assert.equal(sock.socksProxy, null);
    assert.equal(sock.securityMechanism, null);
    assert.equal(sock.threadSafe, false);
    assert.throws(() => (sock.recoveryInterval = "soon" as any), TypeError);
    // What would change behaviour and cannot be honoured is refused, not ignored.
    assert.throws(() => (sock.tcpAcceptFilter = "10.0.0.0/8"), { code: "ENOTSUP" });
    assert.throws(() => (sock.tcpKeepalive = 1), { code: "ENOTSUP" });
    assert.throws(() => (sock.interface = "eth0"), { code: "ENOTSUP" });
    sock.interface = null;
  } finally {
    ctx.terminate();
  }
});

test("raw accessors by libzmq option number read and write the named options", () => {
  const ctx = new Context();
  try {
    const sock = new Dealer({ context: ctx });
    assert.equal(sock.getBoolOption(39), false); // ZMQ_IMMEDIATE
    sock.setBoolOption(39, true);
    assert.equal(sock.immediate, true);
    assert.equal(sock.getInt32Option(19), 100); // ZMQ_BACKLOG
    sock.setInt32Option(17, 0); // ZMQ_LINGER
    assert.equal(sock.linger, 0);
    assert.equal(sock.getInt64Option(22), -1); // ZMQ_MAXMSGSIZE
    sock.setInt64Option(22, 0xffffffffffff);
    assert.equal(sock.maxMessageSize, 0xffffffffffff);
    assert.equal(sock.getStringOption(5), null); // ZMQ_ROUTING_ID
    sock.setStringOption(5, new TextEncoder().encode("åbç"));
    assert.equal(sock.getStringOption(5), "åbç");
    sock.setStringOption(5, null);
    assert.equal(sock.getStringOption(5), null);
    assert.throws(() => sock.getInt32Option(4242), { code: "EINVAL" });
  } finally {
    ctx.terminate();
  }
});

test("setting an option that applies at the next bind/connect on a connected socket warns", async () => {
  const ctx = new Context();
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on("warning", onWarning);
  try {
    const sock = new Dealer({ context: ctx });
    sock.routingId = "before"; // not connected yet: no warning
    sock.connect(freshEndpoint("inproc"));
    sock.sendHighWaterMark = 5; // takes effect at once: no warning
    sock.routingId = "after";
    await within(
      new Promise<void>((resolve) => {
        const check = () => warnings.length > 0 ? resolve() : setTimeout(check, 1);
        check();
      }),
      5000,
      "the warning",
    );
    assert.deepEqual(warnings, ["Socket option will not take effect until next connect/bind."]);
  } finally {
    process.off("warning", onWarning);
    ctx.terminate();
  }
});

test("new Socket(type number, options) makes that socket type, as in zeromq.js", async () => {
  const ctx = new Context();
  try {
    const S = Socket as unknown as new (type: number, options?: object) => Socket;
    const push = new S(8, { context: ctx, linger: 0 });
    const pull = new S(7, { context: ctx });
    assert.ok(push instanceof Push);
    assert.ok(pull instanceof Pull);
    assert.equal(push.linger, 0);
    assert.ok(new S(1, { context: ctx }) instanceof Publisher);
    assert.ok(new S(2, { context: ctx }) instanceof Subscriber);
    await pull.bind(freshEndpoint("inproc"));
    push.connect(pull.lastEndpoint!);
    await push.send("typed by number");
    assert.equal(text((await pull.receive())[0]!), "typed by number");
    assert.throws(() => new S(37, { context: ctx }), { code: "EINVAL" });
    assert.throws(() => new (Socket as any)("PUSH", 1, 2), TypeError);
    assert.throws(() => new S(8, 1 as any), TypeError);
  } finally {
    ctx.terminate();
  }
});

test("send() of a number or a boolean sends its text, null an empty frame, other values their String() (zeromq.js)", async () => {
  const ctx = new Context();
  try {
    const a = new Pair({ context: ctx });
    const b = new Pair({ context: ctx });
    await b.bind(freshEndpoint("inproc"));
    a.connect(b.lastEndpoint!);
    await a.send([16.19, true, null, 0]);
    const got = await b.receive();
    assert.deepEqual(got.map(text), ["16.19", "true", "", "0"]);
    await a.send([{} as any, { toString: () => "custom" } as any]);
    assert.deepEqual((await b.receive()).map(text), ["[object Object]", "custom"]);
    await assert.rejects(a.send(undefined as any), TypeError); // zeromq.js: "Message must be present"
  } finally {
    ctx.terminate();
  }
});
