// Parts of the socket API with no other test: Poller.remove, `await using` (Symbol.asyncDispose),
// and a socket closed while its bind is still under way.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Poller, Pull, Push } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { until, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

/** A PULL bound on inproc and a PUSH connected to it. */
async function pair(ctx: Context): Promise<{ pull: Pull; push: Push }> {
  const pull = new Pull({ context: ctx });
  await pull.bind(freshEndpoint("inproc"));
  const push = new Push({ context: ctx });
  push.connect(pull.lastEndpoint!);
  return { pull, push };
}

test("Poller.remove: a removed socket is no longer watched, even by a poll already waiting", async () => {
  const ctx = new Context();
  try {
    const a = await pair(ctx);
    const b = await pair(ctx);
    const poller = new Poller().add(a.pull).add(b.pull);
    assert.equal(poller.remove(b.pull), poller, "remove() chains");

    let settled = false;
    const waiting = poller.poll(5000).then((items) => (settled = true, items));
    await b.push.send("for b");
    await until(() => b.pull.readable, 5000, "b to be readable");
    assert.equal(settled, false, "b is readable, but no longer watched");
    assert.deepEqual(await poller.poll(0), []);

    await a.push.send("for a");
    const ready = await within(waiting, 5000, "a to be readable");
    assert.deepEqual(ready.map((r) => r.socket), [a.pull]);

    // A closed socket fails a poll with ENOTSOCK, until it is removed.
    poller.add(b.pull);
    b.pull.close();
    await assert.rejects(poller.poll(0), { code: "ENOTSOCK" });
    poller.remove(b.pull);
    assert.deepEqual((await poller.poll(0)).map((r) => r.socket), [a.pull]);
    poller.remove(b.pull); // removing what is not watched is no error
  } finally {
    ctx.terminate();
  }
});

test("await using closes the socket at the end of the scope, ending what waits on it", async () => {
  const ctx = new Context();
  try {
    let outer: Pull | undefined;
    let pending: Promise<unknown> | undefined;
    {
      await using pull = new Pull({ context: ctx });
      await pull.bind(freshEndpoint("inproc"));
      outer = pull;
      pending = pull.receive();
      assert.equal(pull.closed, false);
    }
    assert.equal(outer.closed, true);
    await assert.rejects(within(pending, 5000, "the receive to end"), { code: "EAGAIN" });
    // Disposing again is harmless.
    await outer[Symbol.asyncDispose]();
  } finally {
    ctx.terminate();
  }
});

/** A tcp endpoint on a port that is free now. */
async function freePort(ctx: Context): Promise<string> {
  const probe = new Pull({ context: ctx });
  await probe.bind("tcp://127.0.0.1:*");
  const ep = probe.lastEndpoint!;
  await probe.unbind(ep); // resolves once the port is free again
  probe.close();
  return ep;
}

test("a socket closed during a tcp bind closes once the bind is done, and frees the port", async () => {
  const ctx = new Context();
  try {
    const ep = await freePort(ctx);
    const pull = new Pull({ context: ctx });
    const binding = pull.bind(ep);
    pull.close(); // while the listener is being made: as zeromq.js, it waits for the bind
    assert.equal(pull.closed, false);
    await within(binding, 5000, "the bind");
    assert.equal(pull.closed, true);
    // Nothing listens there any more: another socket can bind it at once.
    const other = new Pull({ context: ctx });
    await other.bind(ep);
    assert.equal(other.lastEndpoint, ep);
  } finally {
    ctx.terminate();
  }
});

for (const shared of [false, true]) {
  test(
    `a socket closed during an inproc bind closes once the bind is done, and frees the name (${
      shared ? "shared context: the bind waits for the hub" : "one thread"
    })`,
    async () => {
      const ctx = new Context();
      if (shared) ctx.handle().port!.close(); // names now go through the hub
      try {
        const ep = freshEndpoint("inproc");
        const pull = new Pull({ context: ctx });
        const binding = pull.bind(ep);
        pull.close();
        await within(binding, 5000, "the bind");
        assert.equal(pull.closed, true);
        const other = new Pull({ context: ctx });
        await within(other.bind(ep), 5000, "the second bind");
        const push = new Push({ context: ctx });
        push.connect(ep);
        await push.send("to the second binder");
        assert.equal(
          text((await within(other.receive(), 5000, "the message"))[0]),
          "to the second binder",
        );
      } finally {
        ctx.terminate();
      }
    },
  );
}

test("send() takes text, bytes, an ArrayBuffer, any typed-array view, numbers and null, each as one frame", async () => {
  const ctx = new Context();
  try {
    const { pull, push } = await pair(ctx);
    const buffer = new Uint8Array([9, 8, 7, 6]).buffer;
    await push.send([
      "héllo",
      new Uint8Array([1, 2]),
      buffer,
      new DataView(buffer, 1, 2),
      new Uint16Array([0x0102]),
      null,
    ]);
    const frames = await within(pull.receive(), 5000, "the message");
    assert.deepEqual(frames.map((f) => [...f]), [
      [...new TextEncoder().encode("héllo")],
      [1, 2],
      [9, 8, 7, 6],
      [8, 7],
      [...new Uint8Array(new Uint16Array([0x0102]).buffer)],
      [],
    ]);
    await push.send(new ArrayBuffer(3));
    assert.deepEqual([...(await within(pull.receive(), 5000, "one frame"))[0]!], [0, 0, 0]);
    await assert.rejects(push.send([]), { name: "TypeError", message: /at least one frame/ });
    await push.send([5, true]); // as zeromq.js: a number or boolean goes as its text
    assert.deepEqual((await within(pull.receive(), 5000, "the text")).map((f) => [...f]), [
      [...new TextEncoder().encode("5")],
      [...new TextEncoder().encode("true")],
    ]);
    await assert.rejects(push.send([undefined] as unknown as string[]), { name: "TypeError" });
  } finally {
    ctx.terminate();
  }
});

test("bind errors from the runtime: an address not on this host is EADDRNOTAVAIL, an ipc path in a missing directory EINVAL", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx });
    // 192.0.2.0/24 is reserved for documentation (RFC 5737): no host has it.
    await assert.rejects(pull.bind("tcp://192.0.2.1:*"), {
      code: "EADDRNOTAVAIL",
      address: "tcp://192.0.2.1:0",
    });
    const missing = `ipc:///tmp/zmq-ts-no-such-dir-${Date.now()}/x.sock`;
    await assert.rejects(pull.bind(missing), { code: "EINVAL", address: missing });
    // The socket is still usable.
    await pull.bind(freshEndpoint("ipc"));
  } finally {
    ctx.terminate();
  }
});
