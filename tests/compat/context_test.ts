// zeromq.js compatibility (issue 15): context options with zmq_ctx_set's checks, maxSockets
// enforced with EMFILE, blocky deciding new sockets' linger, the context sealed, `context` exported.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, context, Dealer, defaultContext, Pair } from "../../mod.ts";

test("context options: zeromq.js's names, libzmq's defaults and checks", () => {
  const ctx = new Context({ ioThreads: 5 });
  try {
    assert.equal(ctx.ioThreads, 5);
    assert.equal(ctx.maxSockets, 1023);
    assert.equal(ctx.maxSocketsLimit, 65535);
    assert.equal(ctx.maxMessageSize, 2147483647);
    assert.equal(ctx.ipv6, false);
    assert.equal(ctx.blocky, true);
    ctx.ipv6 = true;
    assert.equal(ctx.ipv6, true);
    assert.throws(() => (ctx.ioThreads = "many" as any), TypeError);
    assert.throws(() => (ctx.blocky = 1 as any), TypeError);
    assert.throws(() => (ctx.maxSockets = 0), RangeError);
    assert.throws(() => ((ctx as any).maxSocketsLimit = 1), TypeError); // read-only
    assert.throws(() => ((ctx as any).ioThread = 2), TypeError); // a typo: the context is sealed
    assert.throws(() => new Context({ ioThread: 2 } as any), TypeError);
    assert.throws(() => new Context(1 as any), TypeError);
  } finally {
    ctx.terminate();
  }
});

test("maxSockets: one socket more fails with EMFILE; closing one makes room", () => {
  const ctx = new Context({ maxSockets: 3 });
  try {
    const open = [0, 1, 2].map(() => new Dealer({ context: ctx }));
    assert.throws(() => new Dealer({ context: ctx }), { code: "EMFILE", errno: 24 });
    open[0]!.close();
    new Dealer({ context: ctx }).close();
  } finally {
    ctx.terminate();
  }
});

test("blocky = false gives new sockets linger 0 (libzmq's rule); true gives -1", () => {
  const ctx = new Context({ blocky: false });
  try {
    assert.equal(new Pair({ context: ctx }).linger, 0);
    ctx.blocky = true;
    assert.equal(new Pair({ context: ctx }).linger, -1);
    assert.equal(new Pair({ context: ctx, linger: 50 }).linger, 50);
  } finally {
    ctx.terminate();
  }
});

test("the default context is exported as `context`, and sockets made without one join it", () => {
  assert.ok(context instanceof Context);
  const pair = new Pair();
  try {
    assert.equal(pair.context, context);
    assert.equal(defaultContext(), context);
  } finally {
    pair.close();
  }
});
