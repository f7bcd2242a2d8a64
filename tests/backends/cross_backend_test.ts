// The cross-backend suite: the same patterns, options and errors, run against the TypeScript core
// and against libzmq through FFI (issue #7), so that the two implementations are held to one
// behaviour. The libzmq runs are skipped, saying why, where the library is not installed.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Context,
  Dealer,
  Pair,
  Poller,
  ProtocolError,
  proxy,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  type SocketEvent,
  Subscriber,
  XPublisher,
  XSubscriber,
} from "../../mod.ts";
import { libzmq } from "../../libzmq.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { nextEvent, until, within } from "../helpers/timeout.ts";
import { publishUntil } from "../helpers/pubsub.ts";

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const loaded = await libzmq().then((b) => b, (e: Error) => e);
const missing = loaded instanceof Error
  ? `libzmq is not installed here (${
    loaded.message.split(". ")[0]
  }); apt-get install libzmq5 to run these`
  : undefined;
if (missing !== undefined) console.log(`cross-backend: skipping the libzmq runs: ${missing}`);

const backends = [
  { name: "core", context: () => new Context(), skip: undefined as string | undefined },
  {
    name: "libzmq",
    context: () => new Context({ backend: loaded as Exclude<typeof loaded, Error> }),
    skip: missing,
  },
];

const expectCode = (code: string) => (e: unknown) => (e as { code?: string }).code === code;

for (const b of backends) {
  const it = (name: string, fn: () => Promise<void>) =>
    b.skip === undefined
      ? test(`${b.name}: ${name}`, fn)
      : test.skip(`${b.name}: ${name} (${b.skip})`, fn);

  for (const transport of ["tcp", "ipc", "inproc"] as const) {
    it(`PUSH to PULL keeps 2,000 multipart messages whole and in order (${transport})`, async () => {
      const ctx = b.context();
      try {
        const pull = new Pull({ context: ctx });
        await pull.bind(freshEndpoint(transport));
        const push = new Push({ context: ctx });
        push.connect(pull.lastEndpoint!);
        const sending = (async () => {
          for (let i = 0; i < 2000; i++) {
            await push.send([String(i), new Uint8Array(i % 300).fill(i & 0xff)]);
          }
        })();
        for (let i = 0; i < 2000; i++) {
          const [n, body] = await within(pull.receive(), 5000, `message ${i}`);
          assert.equal(text(n), String(i));
          assert.equal(body!.length, i % 300);
          if (body!.length > 0) assert.equal(body![body!.length - 1], i & 0xff);
        }
        await sending;
      } finally {
        ctx.terminate();
      }
    });
  }

  it("REQ/REP round trips, and each refuses the wrong order with EFSM", async () => {
    const ctx = b.context();
    try {
      const rep = new Reply({ context: ctx });
      await rep.bind(freshEndpoint("tcp"));
      const req = new Request({ context: ctx });
      req.connect(rep.lastEndpoint!);
      await assert.rejects(rep.send("too soon"), expectCode("EFSM"));
      for (let i = 0; i < 20; i++) {
        await req.send(["q", String(i)]);
        await assert.rejects(req.send("again"), expectCode("EFSM"));
        const got = await within(rep.receive(), 5000, "request");
        assert.deepEqual(got.map(text), ["q", String(i)]);
        await rep.send(["a", String(i)]);
        assert.deepEqual((await within(req.receive(), 5000, "reply")).map(text), ["a", String(i)]);
      }
    } finally {
      ctx.terminate();
    }
  });

  it("SUB receives only what it subscribed to, and stops after unsubscribing", async () => {
    const ctx = b.context();
    try {
      const pub = new Publisher({ context: ctx });
      await pub.bind(freshEndpoint("tcp"));
      const sub = new Subscriber({ context: ctx });
      sub.connect(pub.lastEndpoint!);
      sub.subscribe("A");
      // A subscription reaches the publisher in the background: publish until the first arrives.
      const first = await publishUntil(
        async () => {
          await pub.send(["B", "never"]);
          await pub.send(["A", "first"]);
        },
        sub.receive(),
        "the first message",
      );
      assert.deepEqual(first.map(text), ["A", "first"]);
      for (let i = 0; i < 10; i++) {
        await pub.send(["B", "no"]);
        await pub.send(["A", String(i)]);
      }
      await pub.send(["A", "end"]);
      // More "first" messages may have been in flight; then the ten, in order, then the end marker.
      const seen: string[] = [];
      for (;;) {
        const [topic, body] = await within(sub.receive(), 5000, `message ${seen.length}`);
        assert.equal(text(topic), "A");
        if (text(body) === "end") break;
        if (text(body) !== "first") seen.push(text(body));
      }
      assert.deepEqual(seen, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
      sub.unsubscribe("A");
      sub.subscribe("C");
      // The SUB filters "A" itself from now on; "C" flows once its subscription has arrived.
      const next = await publishUntil(
        async () => {
          await pub.send(["A", "after"]);
          await pub.send(["C", "marker"]);
        },
        sub.receive(),
        "the marker",
      );
      assert.deepEqual(next.map(text), ["C", "marker"]);
    } finally {
      ctx.terminate();
    }
  });

  it("XPUB hears subscriptions as messages; XSUB sends them as messages", async () => {
    const ctx = b.context();
    try {
      const xpub = new XPublisher({ context: ctx });
      await xpub.bind(freshEndpoint("tcp"));
      const xsub = new XSubscriber({ context: ctx });
      xsub.connect(xpub.lastEndpoint!);
      await xsub.send(new Uint8Array([1, 0x74]));
      const [sub] = await within(xpub.receive(), 5000, "a subscription");
      assert.deepEqual([...sub!], [1, 0x74]);
      await xpub.send(["t", "yes"]);
      assert.deepEqual((await within(xsub.receive(), 5000, "the message")).map(text), ["t", "yes"]);
    } finally {
      ctx.terminate();
    }
  });

  it("XPUB subscribe() and unsubscribe() apply a subscriber's request only in manual mode: EINVAL otherwise", async () => {
    const ctx = b.context();
    try {
      const xpub = new XPublisher({ context: ctx });
      await xpub.bind(freshEndpoint("tcp"));
      assert.throws(() => xpub.subscribe("t"), expectCode("EINVAL"));
      assert.throws(() => xpub.unsubscribe("t"), expectCode("EINVAL"));
      // Manual: applied for the subscriber that asked last.
      const manual = new XPublisher({ context: ctx, manual: true });
      await manual.bind(freshEndpoint("tcp"));
      const sub = new Subscriber({ context: ctx });
      sub.connect(manual.lastEndpoint!);
      sub.subscribe("t");
      const [request] = await within(manual.receive(), 5000, "the subscription");
      assert.deepEqual([...request!], [1, 0x74]);
      manual.subscribe("t");
      const got = await publishUntil(() => manual.send(["t", "yes"]), sub.receive(), "a message");
      assert.deepEqual(got.map(text), ["t", "yes"]);
    } finally {
      ctx.terminate();
    }
  });

  it("a manual XPUB's subscribe() goes to the subscriber it heard last, with more requests waiting", async () => {
    const ctx = b.context();
    try {
      const xpub = new XPublisher({ context: ctx, manual: true });
      const ep = freshEndpoint("inproc");
      await xpub.bind(ep);
      // Over inproc both requests are queued at the XPUB before it receives the first: a socket
      // that read ahead would apply subscribe() to the second subscriber instead.
      const subs = new Map<string, Subscriber>();
      for (const topic of ["a", "b"]) {
        const sub = new Subscriber({ context: ctx });
        sub.connect(ep);
        sub.subscribe(topic);
        subs.set(topic, sub);
      }
      const [request] = await within(xpub.receive(), 5000, "the first subscription");
      const topic = text(request!.subarray(1));
      xpub.subscribe(topic);
      const got = await publishUntil(
        () => xpub.send([topic, "yes"]),
        subs.get(topic)!.receive(),
        `a message on "${topic}" at its subscriber`,
      );
      assert.deepEqual(got.map(text), [topic, "yes"]);
    } finally {
      ctx.terminate();
    }
  });

  it("ROUTER sees a DEALER's routing id, routes replies by it, and with mandatory refuses unknown peers", async () => {
    const ctx = b.context();
    try {
      const router = new Router({ context: ctx, mandatory: true });
      await router.bind(freshEndpoint("tcp"));
      const dealer = new Dealer({ context: ctx, routingId: "d-1" });
      dealer.connect(router.lastEndpoint!);
      await dealer.send(["", "hello"]);
      const [id, empty, body] = await within(router.receive(), 5000, "hello");
      assert.equal(text(id), "d-1");
      assert.equal(empty!.length, 0);
      assert.equal(text(body), "hello");
      await router.send(["d-1", "", "back"]);
      assert.deepEqual((await within(dealer.receive(), 5000, "back")).map(text), ["", "back"]);
      await assert.rejects(router.send(["nobody", "", "x"]), expectCode("EHOSTUNREACH"));
    } finally {
      ctx.terminate();
    }
  });

  it("ROUTER.connect names the peer it connects to", async () => {
    const ctx = b.context();
    try {
      const peer = new Router({ context: ctx });
      await peer.bind(freshEndpoint("tcp"));
      const router = new Router({ context: ctx, mandatory: true });
      const handshake = nextEvent(router.events, "handshake");
      router.connect(peer.lastEndpoint!, { routingId: "there" });
      await handshake; // a mandatory ROUTER says EHOSTUNREACH until the peer is attached
      await router.send(["there", "ping"]);
      const [, body] = await within(peer.receive(), 5000, "ping");
      assert.equal(text(body), "ping");
    } finally {
      ctx.terminate();
    }
  });

  it("PAIR over inproc, connected before the bind", async () => {
    const ctx = b.context();
    try {
      const endpoint = freshEndpoint("inproc");
      const a = new Pair({ context: ctx });
      const c = new Pair({ context: ctx });
      c.connect(endpoint);
      await a.bind(endpoint);
      await c.send("to a");
      assert.equal(text((await within(a.receive(), 5000, "to a"))[0]), "to a");
      await a.send("to c");
      assert.equal(text((await within(c.receive(), 5000, "to c"))[0]), "to c");
    } finally {
      ctx.terminate();
    }
  });

  it("timeouts: sendTimeout 0 with no peer and receiveTimeout fail with EAGAIN", async () => {
    const ctx = b.context();
    try {
      const push = new Push({ context: ctx, sendTimeout: 0, immediate: true });
      push.connect("tcp://127.0.0.1:9"); // nothing listens, and `immediate` queues only to live peers
      await assert.rejects(push.send("x"), expectCode("EAGAIN"));
      const pull = new Pull({ context: ctx, receiveTimeout: 30 });
      await pull.bind(freshEndpoint("tcp"));
      const started = Date.now();
      await assert.rejects(pull.receive(), expectCode("EAGAIN"));
      assert.ok(Date.now() - started >= 25);
    } finally {
      ctx.terminate();
    }
  });

  it("the high-water mark stops a sender and nothing accepted is lost", async () => {
    const ctx = b.context();
    try {
      const pull = new Pull({ context: ctx, receiveHighWaterMark: 10 });
      await pull.bind(freshEndpoint("inproc"));
      const push = new Push({ context: ctx, sendHighWaterMark: 10, sendTimeout: 0 });
      push.connect(pull.lastEndpoint!);
      let accepted = 0;
      for (;;) {
        try {
          await push.send(String(accepted));
          accepted++;
        } catch (e) {
          assert.equal((e as { code?: string }).code, "EAGAIN");
          break;
        }
        assert.ok(accepted < 100_000, "the mark never stopped the sender");
      }
      assert.ok(accepted >= 10 && accepted <= 40, `accepted ${accepted} with marks of 10 and 10`);
      for (let i = 0; i < accepted; i++) {
        assert.equal(text((await within(pull.receive(), 5000, `message ${i}`))[0]), String(i));
      }
    } finally {
      ctx.terminate();
    }
  });

  it("errors: EADDRINUSE, a bad endpoint, SUB cannot send, a closed socket, ETERM", async () => {
    const ctx = b.context();
    const pull = new Pull({ context: ctx });
    await pull.bind(freshEndpoint("tcp"));
    const other = new Pull({ context: ctx });
    await assert.rejects(other.bind(pull.lastEndpoint!), expectCode("EADDRINUSE"));
    await assert.rejects(
      other.bind("nonsense"),
      (e: unknown) => ["EINVAL", "EPROTONOSUPPORT"].includes((e as { code: string }).code),
    );
    const sub = new Subscriber({ context: ctx });
    await assert.rejects(sub.send("x"), expectCode("ENOTSUP"));
    other.close();
    await assert.rejects(other.receive(), expectCode("EBADF"));
    const pending = pull.receive();
    ctx.terminate();
    await assert.rejects(within(pending, 5000, "ETERM"), expectCode("ETERM"));
  });

  it("reports connect, accept and handshake events", async () => {
    const ctx = b.context();
    try {
      const pull = new Pull({ context: ctx });
      await pull.bind(freshEndpoint("tcp"));
      const accepted = nextEvent(pull.events, "accept");
      const push = new Push({ context: ctx });
      const connected = nextEvent(push.events, "connect");
      const handshake = nextEvent(push.events, "handshake");
      push.connect(pull.lastEndpoint!);
      assert.equal((await connected).address, pull.lastEndpoint);
      await accepted;
      await handshake;
    } finally {
      ctx.terminate();
    }
  });

  it("readable and writable follow the socket's state", async () => {
    const ctx = b.context();
    try {
      const pull = new Pull({ context: ctx });
      const push = new Push({ context: ctx });
      assert.deepEqual([push.writable, pull.readable], [false, false], "no peer, no message");
      await pull.bind(freshEndpoint("tcp"));
      const up = nextEvent(push.events, "handshake");
      push.connect(pull.lastEndpoint!);
      await up;
      assert.deepEqual([push.readable, push.writable, pull.writable], [false, true, false]);
      await push.send("m");
      await until(() => pull.readable, 5000, "the PULL to be readable");
      await within(pull.receive(), 5000, "m");
      assert.equal(pull.readable, false);
    } finally {
      ctx.terminate();
    }
  });

  it("disconnect and unbind end an endpoint; one not connected or bound is ENOENT", async () => {
    const ctx = b.context();
    try {
      const pull = new Pull({ context: ctx });
      await pull.bind(freshEndpoint("tcp"));
      const ep = pull.lastEndpoint!;
      const push = new Push({ context: ctx, sendTimeout: 0 });
      const up = nextEvent(push.events, "handshake");
      push.connect(ep);
      await up;
      await push.send("before");
      assert.equal(text((await within(pull.receive(), 5000, "before"))[0]), "before");
      push.disconnect(ep);
      await until(() => !push.writable, 5000, "the PUSH to lose its only peer");
      await assert.rejects(push.send("after"), expectCode("EAGAIN"));
      assert.throws(() => push.disconnect(ep), expectCode("ENOENT"));
      await pull.unbind(ep);
      await assert.rejects(pull.unbind(ep), expectCode("ENOENT"));
    } finally {
      ctx.terminate();
    }
  });

  it("Poller, async iteration and proxy() work on its sockets", async () => {
    const ctx = b.context();
    try {
      const front = new Pull({ context: ctx });
      await front.bind(freshEndpoint("tcp"));
      const back = new Push({ context: ctx });
      await back.bind(freshEndpoint("tcp"));
      const running = proxy(front, back).catch(() => undefined);
      const sink = new Pull({ context: ctx });
      sink.connect(back.lastEndpoint!);
      const source = new Push({ context: ctx });
      source.connect(front.lastEndpoint!);
      for (let i = 0; i < 5; i++) await source.send(String(i));
      const poller = new Poller().add(sink);
      const ready = await within(poller.poll(), 5000, "the sink to be readable");
      assert.equal(ready[0]?.socket, sink);
      const got: string[] = [];
      for await (const [m] of sink) {
        got.push(text(m));
        if (got.length === 5) break;
      }
      assert.deepEqual(got, ["0", "1", "2", "3", "4"]);
      ctx.terminate();
      await within(running, 5000, "the proxy to stop");
    } finally {
      ctx.terminate();
    }
  });
}

const both = missing === undefined ? test : test.skip;

both("a libzmq-backend socket and a core socket talk over tcp, both ways", async () => {
  const core = new Context();
  const native = new Context({ backend: loaded as Exclude<typeof loaded, Error> });
  try {
    for (const [binder, connecter] of [[core, native], [native, core]] as const) {
      const rep = new Reply({ context: binder });
      await rep.bind(freshEndpoint("tcp"));
      const req = new Request({ context: connecter });
      req.connect(rep.lastEndpoint!);
      await req.send(["ping", new Uint8Array(70_000).fill(3)]);
      const [p, big] = await within(rep.receive(), 5000, "ping");
      assert.equal(text(p), "ping");
      assert.equal(big!.length, 70_000);
      await rep.send("pong");
      assert.equal(text((await within(req.receive(), 5000, "pong"))[0]), "pong");
    }
  } finally {
    core.terminate();
    native.terminate();
  }
});

both(
  "10,000 libzmq sockets made and closed free their handles (descriptors return to the baseline)",
  async () => {
    const { readdirSync } = await import("node:fs");
    const fds = () => readdirSync("/proc/self/fd").length;
    const ctx = new Context({ backend: loaded as Exclude<typeof loaded, Error> });
    try {
      const keep = new Pull({ context: ctx }); // keeps libzmq's threads and the poll thread up throughout
      const before = fds();
      for (let i = 0; i < 10_000; i++) {
        const s = i % 2 === 0 ? new Push({ context: ctx }) : new Subscriber({ context: ctx });
        if (i % 100 === 0) await s.bind(freshEndpoint("inproc"));
        s.close();
        // libzmq reaps closed sockets in its own thread, and a tight loop outruns it; its limit is
        // 1023 sockets at once, so let the reaper catch up every few hundred.
        if (i % 250 === 249) {
          await until(() => fds() < before + 200, 10_000, `the reaper to catch up (at ${i})`);
        }
      }
      // libzmq's reaper thread closes a socket's descriptors shortly after zmq_close.
      await until(
        () => fds() <= before + 4,
        10_000,
        `descriptors back near ${before} (now ${fds()})`,
      );
      keep.close();
    } finally {
      ctx.terminate();
    }
  },
);

// ZMQ_PLAIN_SERVER, ZMQ_PLAIN_USERNAME, ZMQ_PLAIN_PASSWORD (zmq.h): a mechanism only libzmq has here.
const PLAIN_SERVER = 44;
const PLAIN_USERNAME = 45;
const PLAIN_PASSWORD = 46;

both(
  "raw libzmq options pass through: PLAIN with a ZAP handler written with zmq-ts, and a NULL peer turned away",
  async () => {
    const native = new Context({ backend: loaded as Exclude<typeof loaded, Error> });
    const core = new Context();
    try {
      // libzmq asks the ZAP handler of its context (RFC 27) to judge each PLAIN client: ours is a REP.
      const zap = new Reply({ context: native });
      await zap.bind("inproc://zeromq.zap.01");
      const asked: string[][] = [];
      (async () => {
        for await (const request of zap) {
          const [version, id, , , , mechanism, user, password] = request;
          asked.push([text(mechanism), text(user), text(password)]);
          const ok = text(user) === "admin" && text(password) === "secret";
          await zap.send([
            version!,
            id!,
            ok ? "200" : "400",
            ok ? "OK" : "bad password",
            ok ? "admin" : "",
            "",
          ]);
        }
      })().catch(() => {});
      const rep = new Reply({ context: native, nativeOptions: { [PLAIN_SERVER]: 1 } });
      await rep.bind(freshEndpoint("tcp"));
      const req = new Request({
        context: native,
        nativeOptions: { [PLAIN_USERNAME]: "admin", [PLAIN_PASSWORD]: "secret" },
      });
      req.connect(rep.lastEndpoint!);
      await req.send("over PLAIN");
      assert.equal(text((await within(rep.receive(), 5000, "the request"))[0]), "over PLAIN");
      await rep.send("ok");
      assert.equal(text((await within(req.receive(), 5000, "the reply"))[0]), "ok");
      assert.deepEqual(asked[0], ["PLAIN", "admin", "secret"]);
      // A wrong password is refused by the handler; libzmq reports the failed authentication.
      const intruder = new Request({
        context: native,
        nativeOptions: { [PLAIN_USERNAME]: "admin", [PLAIN_PASSWORD]: "guess" },
      });
      const refused = nextEvent(rep.events, "handshake:error:auth");
      intruder.connect(rep.lastEndpoint!);
      assert.equal((await refused).status, 400);
      // A core socket left on NULL: the mechanisms differ, and libzmq turns it away.
      const outsider = new Request({ context: core });
      // (libzmq reports a mechanism mismatch as one or the other, depending on how far the greeting got)
      const mismatch = within(
        new Promise<SocketEvent>((resolve) => {
          rep.events.on("handshake:error:protocol", resolve);
          rep.events.on("handshake:error:other", resolve);
        }),
        5000,
        "a failed handshake",
      );
      outsider.connect(rep.lastEndpoint!);
      const failed = await mismatch;
      if (failed.type === "handshake:error:protocol") {
        // libzmq's ZMQ_PROTOCOL_ERROR_* value, by zeromq.js's name and in its words.
        assert.ok(failed.error instanceof ProtocolError);
        assert.equal(failed.error.code, "ERR_ZMTP_MECHANISM_MISMATCH");
        assert.equal(failed.error.message, "ZMTP protocol error");
      }
      assert.throws(
        () => new Request({ context: core, nativeOptions: { [PLAIN_SERVER]: 1 } }),
        expectCode("ENOTSUP"),
      );
    } finally {
      native.terminate();
      core.terminate();
    }
  },
);

both("a raw libzmq option libzmq does not take is refused with its own error (EINVAL)", () => {
  const ctx = new Context({ backend: loaded as Exclude<typeof loaded, Error> });
  try {
    assert.throws(() => new Push({ context: ctx, nativeOptions: { 9999: 1 } }), {
      code: "EINVAL",
      message: /cannot set libzmq option 9999/,
    });
    assert.throws(() => new Push({ context: ctx, nativeOptions: { 9999: "text" } }), {
      code: "EINVAL",
    });
  } finally {
    ctx.terminate();
  }
});

both("a libzmq context is joined only through the libzmq backend", () => {
  const backend = loaded as Exclude<typeof loaded, Error>;
  const ctx = new Context({ backend });
  try {
    assert.match(backend.path, /libzmq/);
    const handle = ctx.handle();
    assert.throws(() => Context.attach(handle), {
      code: "EINVAL",
      message: /runs on libzmq: pass that backend/,
    });
    assert.throws(
      () => backend.open({ ...handle.native!, backend: "another" } as typeof handle.native),
      expectCode("EINVAL"),
    );
  } finally {
    ctx.terminate();
  }
});

both(
  "Context.shutdown(graceMs) on the libzmq backend ends a linger that cannot deliver",
  async () => {
    const ctx = new Context({ backend: loaded as Exclude<typeof loaded, Error> });
    const push = new Push({ context: ctx }); // the default linger waits for ever
    push.connect("tcp://127.0.0.1:1"); // nothing will ever take its message
    await push.send("undeliverable");
    await within(ctx.shutdown(200), 5000, "the shutdown to end after its grace period");
    assert.equal(push.closed, true);
    // With nothing lingering, it ends at once.
    const quiet = new Context({ backend: loaded as Exclude<typeof loaded, Error> });
    new Pull({ context: quiet });
    await within(quiet.shutdown(), 5000, "a shutdown with nothing to deliver");
  },
);

test("libzmq(): a library that cannot be loaded is reported with how to install it", async () => {
  await assert.rejects(libzmq({ path: "/nonexistent/libzmq.so.5" }), {
    message: /cannot load libzmq from "\/nonexistent\/libzmq.so.5".*apt-get install libzmq5/s,
  });
});
