// Connection life: close, disconnect and give-up paths that once lost messages or hung (review findings).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Pair, Pull, Push } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { eventCount, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

test("closing a connected socket closes its connection: the peer sees the disconnect", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx });
    await pull.bind("tcp://127.0.0.1:*");
    const push = new Push({ context: ctx });
    const joined = eventCount(pull.events, "handshake", 1);
    push.connect(pull.lastEndpoint!);
    await joined;
    const gone = eventCount(pull.events, "disconnect", 1);
    push.close();
    await gone;
  } finally {
    ctx.terminate();
  }
});

for (const transport of ["tcp", "ipc", "ws"] as const) {
  test(`a peer that sends and closes while the receiver is paused loses nothing (${transport})`, async () => {
    const ctx = new Context();
    try {
      const pull = new Pull({ context: ctx, receiveHighWaterMark: 2 });
      await pull.bind(freshEndpoint(transport));
      const push = new Push({ context: ctx });
      const gone = eventCount(pull.events, "disconnect", 1);
      push.connect(pull.lastEndpoint!);
      for (let i = 0; i < 50; i++) await push.send(String(i));
      push.close();
      for (let i = 0; i < 50; i++) {
        assert.equal(text((await within(pull.receive(), 5000, `message ${i}`))[0]!), String(i));
      }
      await gone; // seen once the last messages were read
    } finally {
      ctx.terminate();
    }
  });
}

test("PAIR disconnect frees it for the next peer", async () => {
  const ctx = new Context();
  try {
    const b1 = new Pair({ context: ctx });
    await b1.bind("tcp://127.0.0.1:*");
    const b2 = new Pair({ context: ctx });
    await b2.bind("tcp://127.0.0.1:*");
    const a = new Pair({ context: ctx, sendTimeout: 5000 });
    a.connect(b1.lastEndpoint!);
    await a.send("to b1");
    assert.equal(text((await within(b1.receive(), 5000, "b1's message"))[0]!), "to b1");
    a.disconnect(b1.lastEndpoint!);
    a.connect(b2.lastEndpoint!);
    await a.send("to b2");
    assert.equal(text((await within(b2.receive(), 5000, "b2's message"))[0]!), "to b2");
  } finally {
    ctx.terminate();
  }
});

test("a connection refused for a protocol error leaves the load balancer: the good peer gets every message", async () => {
  const ctx = new Context();
  try {
    const good = new Pull({ context: ctx });
    await good.bind("tcp://127.0.0.1:*");
    const wrong = new Push({ context: ctx }); // PUSH cannot talk to PUSH
    await wrong.bind("tcp://127.0.0.1:*");
    const push = new Push({ context: ctx });
    const refused = eventCount(push.events, "handshake:error:protocol", 1);
    push.connect(good.lastEndpoint!);
    push.connect(wrong.lastEndpoint!);
    await refused;
    for (let i = 0; i < 100; i++) await push.send(String(i));
    for (let i = 0; i < 100; i++) {
      assert.equal(text((await within(good.receive(), 5000, `message ${i}`))[0]!), String(i));
    }
  } finally {
    ctx.terminate();
  }
});

for (const side of ["bound", "connected"] as const) {
  test(`closing a receiver whose pipe is full and whose connection still holds undecoded bytes ends that connection (${side})`, async () => {
    const a = new Context();
    const b = new Context();
    try {
      const pull = new Pull({
        context: a,
        receiveHighWaterMark: 10,
        linger: side === "bound" ? -1 : 0,
      });
      const push = new Push({ context: b });
      if (side === "bound") {
        await pull.bind("tcp://127.0.0.1:*");
        push.connect(pull.lastEndpoint!);
      } else {
        await push.bind("tcp://127.0.0.1:*");
        pull.connect(push.lastEndpoint!);
      }
      // 5,000 small messages: the pipe takes 10, the rest wait undecoded in the engine.
      for (let i = 0; i < 5000; i++) await within(push.send("0123456789"), 5000, `send ${i}`);
      await within(pull.receive(), 5000, "the first message");
      pull.close();
      // Nothing is left to read them, so the connection must end and nothing lingers.
      await within(a.shutdown(), 5000, "the receiving context to shut down");
    } finally {
      a.terminate();
      b.terminate();
    }
  });
}
