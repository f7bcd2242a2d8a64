// Flow control (conformance.md "Flow control"): high-water marks counted as libzmq counts them,
// `immediate`, and `conflate`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Dealer, Pull, Push } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { nextEvent, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Sends until EAGAIN (sendTimeout 0) and returns how many were accepted; `cap` bounds the unlimited case. */
async function fill(push: Push, cap = 100_000): Promise<number> {
  push.sendTimeout = 0;
  let n = 0;
  for (; n < cap; n++) {
    try {
      await push.send(String(n));
    } catch (e) {
      assert.equal((e as { code?: string }).code, "EAGAIN");
      break;
    }
  }
  return n;
}

// Over inproc a pipe holds the sender's and the receiver's marks together (libzmq's test_hwm).
for (const order of ["bind first", "connect first"] as const) {
  for (
    const [snd, rcv, expected] of [[1000, 1000, 2000], [10, 5, 15], [0, 5, 100_000], [
      3,
      0,
      100_000,
    ]] as const
  ) {
    test(`inproc HWM ${snd}/${rcv} (${order}): ${expected === 100_000 ? "unlimited" : expected} messages queue, none lost`, async () => {
      const ctx = new Context();
      const ep = freshEndpoint("inproc");
      const pull = new Pull({ context: ctx, receiveHighWaterMark: rcv });
      const push = new Push({ context: ctx, sendHighWaterMark: snd });
      try {
        if (order === "bind first") {
          await pull.bind(ep);
          push.connect(ep);
        } else {
          push.connect(ep);
          await pull.bind(ep);
        }
        const accepted = await fill(push);
        assert.equal(accepted, expected);
        for (let i = 0; i < accepted; i++) {
          assert.equal(text((await within(pull.receive(), 5000, `message ${i}`))[0]!), String(i));
        }
        assert.equal(pull.readable, false);
      } finally {
        ctx.terminate();
      }
    });
  }
}

for (const transport of ["tcp", "ipc", "ws"] as const) {
  test(`immediate: nothing queues to a connection that is not up; all goes to the live peer (${transport})`, async () => {
    const ctx = new Context();
    try {
      const live = new Pull({ context: ctx });
      await live.bind(freshEndpoint(transport));
      const dead = transport === "tcp" ? "tcp://127.0.0.1:1" : `${freshEndpoint("ipc")}`; // nobody listens there
      for (const immediate of [true, false]) {
        const push = new Push({ context: ctx, immediate, linger: 0, sendTimeout: 0 });
        const up = nextEvent(push.events, "handshake");
        push.connect(dead);
        push.connect(live.lastEndpoint!);
        await up;
        // Nine, then the end marker: in turn order the tenth message goes to the live peer either way.
        for (let i = 0; i < 9; i++) await push.send(`${immediate} ${i}`);
        await push.send(`${immediate} end`);
        const got: string[] = [];
        for (;;) {
          const [m] = await within(live.receive(), 5000, "a message");
          if (text(m!).endsWith("end")) break;
          got.push(text(m!));
        }
        // Without immediate the dead endpoint's pipe takes every other message and holds them.
        assert.equal(got.length, immediate ? 9 : 4, `immediate=${immediate}`);
        push.close();
      }
      const lonely = new Push({ context: ctx, immediate: true, sendTimeout: 0, linger: 0 });
      lonely.connect(dead);
      await assert.rejects(lonely.send("x"), { code: "EAGAIN" });
    } finally {
      ctx.terminate();
    }
  });
}

// Not over ws: each WebSocket message arrives in a task of its own and the reader keeps up, so the
// premise (all ten arrive together) does not hold; the pipe's conflation is the same code.
for (
  const [name, Receiver, Sender] of [["PULL", Pull, Push], ["DEALER", Dealer, Dealer]] as const
) {
  for (const transport of ["tcp", "ipc", "inproc"] as const) {
    test(`conflate: a ${name} keeps only the newest message (${transport})`, async () => {
      const ctx = new Context();
      try {
        const receiver = new Receiver({ context: ctx, conflate: true });
        await receiver.bind(freshEndpoint(transport));
        const sender = new Sender({ context: ctx });
        sender.connect(receiver.lastEndpoint!);
        // All ten are queued before the handshake, so they travel together and arrive together.
        for (let i = 1; i <= 10; i++) await sender.send(String(i));
        const got: string[] = [];
        while (got.at(-1) !== "10") {
          got.push(text((await within(receiver.receive(), 5000, "a message"))[0]!));
        }
        assert.ok(got.length < 10, `conflated: got ${got.join(",")}`);
        if (transport === "inproc") assert.deepEqual(got, ["10"]);
        assert.deepEqual(got, [...got].sort((a, b) => Number(a) - Number(b)));
        assert.equal(receiver.readable, false);
      } finally {
        ctx.terminate();
      }
    });
  }
}

test("a mark changed after connecting applies to the existing pipe, still added to the peer's (inproc)", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  try {
    const pull = new Pull({ context: ctx, receiveHighWaterMark: 1 });
    await pull.bind(ep);
    const push = new Push({ context: ctx, sendHighWaterMark: 1 });
    push.connect(ep);
    push.sendHighWaterMark = 5;
    assert.equal(await fill(push), 6);
    for (let i = 0; i < 6; i++) {
      assert.equal(text((await within(pull.receive(), 5000, `message ${i}`))[0]!), String(i));
    }
    pull.receiveHighWaterMark = 10;
    push.sendHighWaterMark = 2;
    assert.equal(await fill(push), 12);
  } finally {
    ctx.terminate();
  }
});
