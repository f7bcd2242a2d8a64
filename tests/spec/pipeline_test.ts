// PUSH/PULL and PAIR semantics (RFC 30, RFC 31), over tcp, ipc and inproc.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Pair, Pull, Push } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { eventCount, nextEvent, within } from "../helpers/timeout.ts";
import { fillUntilPushedBack, receiveAllInOrder } from "../helpers/push_back.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const transports = ["tcp", "ipc", "inproc", "ws"] as const;

for (const transport of transports) {
  test(`PUSH round-robins across PULLs and PULL fair-queues across PUSHes (${transport})`, async () => {
    const ctx = new Context();
    const push = new Push({ context: ctx });
    await push.bind(freshEndpoint(transport));
    const pulls = [new Pull({ context: ctx }), new Pull({ context: ctx })];
    try {
      const joined = transport === "inproc" ? undefined : eventCount(push.events, "handshake", 2);
      for (const p of pulls) p.connect(push.lastEndpoint!);
      await joined;
      for (let i = 0; i < 10; i++) await push.send(String(i));
      const take5 = async (p: Pull) => {
        const out = [];
        for (let i = 0; i < 5; i++) out.push(await within(p.receive(), 5000, "a message"));
        return out;
      };
      const a = await take5(pulls[0]!);
      const b = await take5(pulls[1]!);
      const got = [...a, ...b].map((m) => Number(text(m[0]!))).sort((x, y) => x - y);
      assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // Strict alternation: one peer got every even message, the other every odd one.
      assert.equal(new Set(a.map((m) => Number(text(m[0]!)) % 2)).size, 1);
    } finally {
      ctx.terminate();
    }
  });

  test(`multipart messages stay whole and in order (${transport})`, async () => {
    const { ctx, pull, push } = await pipeline(transport);
    try {
      for (let i = 0; i < 100; i++) await push.send(["", String(i), new Uint8Array(i * 10)]);
      for (let i = 0; i < 100; i++) {
        const m = await within(pull.receive(), 5000, `message ${i}`);
        assert.deepEqual(m.map((f) => f.length), [0, String(i).length, i * 10]);
        assert.equal(text(m[1]!), String(i));
      }
    } finally {
      ctx.terminate();
    }
  });

  // A WebSocket cannot stop reading, so its receiver cannot push back: ws_test.ts tests the bound instead.
  if (transport !== "ws") {
    test(`a full receiver pushes back; nothing accepted is lost (${transport})`, async () => {
      const { ctx, pull, push } = await pipeline(transport, { receiveHighWaterMark: 5 }, {
        sendHighWaterMark: 5,
        sendTimeout: 0,
      });
      try {
        const accepted = await fillUntilPushedBack(push);
        push.sendTimeout = -1;
        await receiveAllInOrder(pull, accepted);
      } finally {
        ctx.terminate();
      }
    });
  }

  test(`connect before bind: queued messages are delivered once the peer binds (${transport})`, async () => {
    const ctx = new Context();
    const endpoint = transport === "tcp" || transport === "ws"
      ? await freePort(ctx, transport)
      : freshEndpoint(transport);
    const push = new Push({ context: ctx, reconnectInterval: 20 });
    push.connect(endpoint);
    try {
      for (let i = 0; i < 5; i++) await push.send(String(i));
      const pull = new Pull({ context: ctx });
      await pull.bind(endpoint);
      for (let i = 0; i < 5; i++) {
        assert.equal(text((await within(pull.receive(), 5000, `message ${i}`))[0]!), String(i));
      }
    } finally {
      ctx.terminate();
    }
  });

  test(`linger delivers what was queued before close (${transport})`, async () => {
    const { ctx, pull, push } = await pipeline(transport);
    try {
      for (let i = 0; i < 500; i++) await push.send(String(i));
      push.close();
      for (let i = 0; i < 500; i++) {
        assert.equal(text((await within(pull.receive(), 5000, `message ${i}`))[0]!), String(i));
      }
    } finally {
      ctx.terminate();
    }
  });

  test(`PAIR talks both ways and turns a second peer away (${transport})`, async () => {
    const ctx = new Context();
    const a = new Pair({ context: ctx });
    await a.bind(freshEndpoint(transport));
    const b = new Pair({ context: ctx });
    const c = new Pair({ context: ctx, sendTimeout: 0 });
    try {
      b.connect(a.lastEndpoint!);
      await b.send("ping");
      assert.equal(text((await within(a.receive(), 5000, "ping"))[0]!), "ping");
      await a.send("pong");
      assert.equal(text((await within(b.receive(), 5000, "pong"))[0]!), "pong");
      if (transport === "inproc") {
        // The binder refuses the pipe as it is offered: the intruder is left with no peer at once.
        c.connect(a.lastEndpoint!);
        assert.equal(c.writable, false, "the intruder has no peer");
        await assert.rejects(c.send("intruder"), { code: "EAGAIN" });
      } else {
        // Its pipe exists from connect(), so the message is queued and written once the handshake
        // is done; then the binder drops the connection.
        const handshake = nextEvent(c.events, "handshake");
        const dropped = nextEvent(c.events, "disconnect");
        c.connect(a.lastEndpoint!);
        await c.send("intruder");
        await handshake;
        await dropped;
      }
      // `a` still serves b alone: b's next message is the next one `a` reads, and a reply reaches b.
      await b.send("from b");
      assert.equal(text((await within(a.receive(), 5000, "b's message"))[0]!), "from b");
      await a.send("only b");
      assert.equal(text((await within(b.receive(), 5000, "reply to b"))[0]!), "only b");
      assert.equal(a.readable, false, "nothing from the intruder");
    } finally {
      ctx.terminate();
    }
  });
}

/** A PULL bound on a fresh endpoint and a PUSH connected to it, in a context of their own. */
async function pipeline(
  transport: "tcp" | "ipc" | "inproc" | "ws",
  pullOptions: { receiveHighWaterMark?: number } = {},
  pushOptions: { sendHighWaterMark?: number; sendTimeout?: number } = {},
): Promise<{ ctx: Context; pull: Pull; push: Push }> {
  const ctx = new Context();
  const pull = new Pull({ context: ctx, ...pullOptions });
  await pull.bind(freshEndpoint(transport));
  const push = new Push({ context: ctx, ...pushOptions });
  push.connect(pull.lastEndpoint!);
  return { ctx, pull, push };
}

/** A tcp or ws endpoint on a port that is free now (bound and released). */
async function freePort(ctx: Context, transport: "tcp" | "ws"): Promise<string> {
  const probe = new Pull({ context: ctx, linger: 0 });
  await probe.bind(freshEndpoint(transport));
  const ep = probe.lastEndpoint!;
  await probe.unbind(ep);
  probe.close();
  return ep;
}
