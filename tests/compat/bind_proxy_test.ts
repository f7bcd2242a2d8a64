// zeromq.js compatibility (issue 15): one bind or unbind at a time (EBUSY), close() during one
// waits for it to settle; Proxy.run() and terminate() validate as zeromq.js does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Dealer, Proxy, Pull, Push, Router } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";

for (const transport of ["tcp", "ipc", "inproc"] as const) {
  test(`a second bind or unbind while one is pending fails with EBUSY (${transport})`, async () => {
    const ctx = new Context();
    try {
      const sock = new Dealer({ context: ctx });
      const first = sock.bind(freshEndpoint(transport));
      await assert.rejects(sock.bind(freshEndpoint(transport)), { code: "EBUSY", errno: 16 });
      await first;
      const unbinding = sock.unbind(sock.lastEndpoint!);
      await assert.rejects(sock.unbind(sock.lastEndpoint!), { code: "EBUSY" });
      await unbinding;
      await sock.bind(freshEndpoint(transport)); // free again
    } finally {
      ctx.terminate();
    }
  });

  test(`close() during a bind keeps the socket open until the bind settles (${transport})`, async () => {
    const ctx = new Context();
    try {
      const sock = new Dealer({ context: ctx });
      const binding = sock.bind(freshEndpoint(transport));
      sock.close();
      assert.equal(sock.closed, false);
      await binding; // the bind itself succeeds
      assert.equal(sock.closed, true);
      const failing = new Dealer({ context: ctx });
      const unbinding = failing.unbind(freshEndpoint(transport === "tcp" ? "ipc" : transport));
      failing.close();
      assert.equal(failing.closed, false);
      await assert.rejects(unbinding, { code: "ENOENT" });
      assert.equal(failing.closed, true);
    } finally {
      ctx.terminate();
    }
  });
}

test("Context.terminate() during a bind closes the socket at once: the bind fails with ETERM", async () => {
  const ctx = new Context();
  const pull = new Pull({ context: ctx });
  const binding = pull.bind("tcp://127.0.0.1:*");
  ctx.terminate();
  assert.equal(pull.closed, true);
  await assert.rejects(within(binding, 5000, "the bind"), { code: "ETERM" });
});

test("Proxy: run() rejects at once when a side is not bound or connected, or closed", async () => {
  const ctx = new Context();
  try {
    const p = new Proxy(new Router({ context: ctx }), new Dealer({ context: ctx }));
    await p.backEnd.bind(freshEndpoint("inproc"));
    await assert.rejects(within(p.run(), 5000, "run() to fail"), {
      code: "EINVAL",
      message: "Front-end socket must be bound or connected",
    });
    const q = new Proxy(new Router({ context: ctx }), new Dealer({ context: ctx }));
    await q.frontEnd.bind(freshEndpoint("inproc"));
    await q.backEnd.bind(freshEndpoint("inproc"));
    q.backEnd.close();
    await assert.rejects(within(q.run(), 5000, "run() to fail"), {
      code: "EINVAL",
      message: "Back-end socket must be bound or connected",
    });
  } finally {
    ctx.terminate();
  }
});

test("Proxy: terminate() before run() or a second time throws EBADF; run() then resolves", async () => {
  const ctx = new Context();
  try {
    const p = new Proxy(new Router({ context: ctx }), new Dealer({ context: ctx }));
    await p.frontEnd.bind(freshEndpoint("inproc"));
    await p.backEnd.bind(freshEndpoint("inproc"));
    assert.throws(() => p.terminate(), { code: "EBADF" });
    const running = p.run();
    p.terminate();
    await within(running, 5000, "run() to end");
    assert.throws(() => p.terminate(), { code: "EBADF" });
    assert.equal(p.frontEnd.closed && p.backEnd.closed, true);
  } finally {
    ctx.terminate();
  }
});

test("Proxy: the constructor checks its sockets, and takes exactly two (capture is a property)", () => {
  assert.throws(() => new (Proxy as any)(), TypeError);
  assert.throws(() => new (Proxy as any)({}, {}), TypeError);
  const ctx = new Context();
  try {
    assert.throws(() => new (Proxy as any)(new Pull({ context: ctx }), {}), TypeError);
    const [a, b, c] = [
      new Pull({ context: ctx }),
      new Push({ context: ctx }),
      new Push({ context: ctx }),
    ];
    assert.throws(() => new (Proxy as any)(a, b, c), {
      name: "TypeError",
      message: "Expected 2 arguments but received 3",
    });
    const p = new Proxy(a, b);
    p.capture = c;
    assert.equal(p.capture, c);
  } finally {
    ctx.terminate();
  }
});
