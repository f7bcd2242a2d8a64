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

test("a socket closed during a tcp bind rejects it with ETERM and frees the port", async () => {
  const ctx = new Context();
  try {
    const ep = await freePort(ctx);
    const pull = new Pull({ context: ctx });
    const binding = pull.bind(ep);
    pull.close(); // while the listener is being made
    await assert.rejects(within(binding, 5000, "the bind"), {
      code: "ETERM",
      message: /closed during bind/,
    });
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
    `a socket closed during an inproc bind rejects it with ETERM and frees the name (${
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
        await assert.rejects(within(binding, 5000, "the bind"), { code: "ETERM" });
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
