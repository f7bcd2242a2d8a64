// Races between a shared context's threads around bind, connect, unbind and a thread's end.
// Several "threads" are simulated in one: Context.attach(ctx.handle()) joins the context through
// a MessagePort exactly as a Worker does, so hub messages cross ports in the same order. Each race
// is set up at the hub's own step (its onOfferStep), and the steps show that it happened.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Pull, Push } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import type { OfferStep } from "../../src/threads/hub.ts";
import { until, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A PUSH of `context` connected to `ep` (bound or not yet), with `body` queued. */
async function pushFrom(context: Context, ep: string, body: string, linger = -1): Promise<Push> {
  const push = new Push({ context, linger });
  push.connect(ep);
  await push.send(body);
  return push;
}

/** The first frame of `pull`'s next message, as text. */
async function next(pull: Pull, what: string): Promise<string> {
  return text((await within(pull.receive(), 3000, what))[0]!);
}

test("shared context, one thread: a connect made before the bind is joined", async () => {
  const ctx = new Context();
  ctx.handle().port!.close(); // shared: names now go through the hub
  const ep = freshEndpoint("inproc");
  try {
    await pushFrom(ctx, ep, "early");
    const pull = new Pull({ context: ctx });
    await pull.bind(ep);
    assert.equal(await next(pull, "the early message"), "early");
  } finally {
    ctx.terminate();
  }
});

/** The steps offers take at `ctx`'s hub, as they happen; `react` runs at each, inside the hub. */
function watchOffers(ctx: Context, react: (step: OfferStep) => void = () => {}): OfferStep[] {
  const steps: OfferStep[] = [];
  ctx.hub!.onOfferStep = (step) => {
    steps.push(step);
    react(step);
  };
  return steps;
}

test("a connect from another thread waiting at the hub reaches a bind in the hub's thread", async () => {
  const ctx = new Context();
  const other = Context.attach(ctx.handle());
  const steps = watchOffers(ctx);
  const ep = freshEndpoint("inproc");
  try {
    await pushFrom(other, ep, "early");
    await until(() => steps.includes("waiting"), 3000, "the connect to wait at the hub");
    const pull = new Pull({ context: ctx });
    await pull.bind(ep);
    assert.equal(await next(pull, "the early message"), "early");
    assert.deepEqual(steps, ["waiting", "offered"]);
  } finally {
    ctx.terminate();
  }
});

test("an offer reaching a thread that has just unbound goes to the next binder", async () => {
  const ctx = new Context();
  const binder = Context.attach(ctx.handle());
  const connecter = Context.attach(ctx.handle());
  const ep = freshEndpoint("inproc");
  const first = new Pull({ context: binder });
  // The binder lets go of the name after the hub sent it the offer, before the offer arrives.
  let unbound: Promise<void> | undefined;
  const steps = watchOffers(ctx, (step) => {
    if (step === "offered" && steps.length === 1) unbound = first.unbind(ep);
  });
  try {
    await first.bind(ep);
    await pushFrom(connecter, ep, "hello");
    await until(() => steps.length === 3, 3000, "the offer to be declined and wait again");
    await unbound;
    assert.deepEqual(steps, ["offered", "declined", "waiting"]);
    const second = new Pull({ context: binder });
    await second.bind(ep);
    assert.equal(await next(second, "the message at the new binder"), "hello");
    assert.deepEqual(steps, ["offered", "declined", "waiting", "offered"]);
  } finally {
    ctx.terminate();
  }
});

test("an offer to a thread that ends before answering goes to the next binder", async () => {
  const ctx = new Context();
  const h = ctx.handle();
  const doomed = Context.attach(h);
  const connecter = Context.attach(ctx.handle());
  const ep = freshEndpoint("inproc");
  // The binder's thread ends after the hub sent it the offer, before it can answer
  // (as startWorker reports a terminated Worker).
  const steps = watchOffers(ctx, (step) => {
    if (step === "offered" && steps.length === 1) ctx.threadGone(h.thread);
  });
  try {
    const first = new Pull({ context: doomed });
    await first.bind(ep);
    await pushFrom(connecter, ep, "hello");
    await until(() => steps.length === 3, 3000, "the offer to come back and wait");
    assert.deepEqual(steps, ["offered", "binder gone", "waiting"]);
    const second = new Pull({ context: ctx });
    await second.bind(ep);
    assert.equal(await next(second, "the message at the new binder"), "hello");
    assert.deepEqual(steps, ["offered", "binder gone", "waiting", "offered"]);
  } finally {
    ctx.terminate();
  }
});

test("a connect withdrawn while it waits at the hub is forgotten there: a later binder is not offered it", async () => {
  const ctx = new Context();
  const other = Context.attach(ctx.handle());
  const steps = watchOffers(ctx);
  const ep = freshEndpoint("inproc");
  try {
    const push = new Push({ context: other });
    push.connect(ep);
    await until(() => steps.includes("waiting"), 3000, "the connect to wait at the hub");
    push.disconnect(ep);
    await until(() => steps.includes("withdrawn"), 3000, "the connect to be withdrawn");
    const pull = new Pull({ context: ctx });
    await pull.bind(ep); // the hub has answered this bind, with any offers it held
    assert.deepEqual(steps, ["waiting", "withdrawn"]);
    assert.equal(pull.readable, false);
  } finally {
    ctx.terminate();
  }
});

test("a socket closed with a linger while its connect waits for a binder withdraws it once the linger is over", async () => {
  const ctx = new Context();
  const other = Context.attach(ctx.handle());
  const steps = watchOffers(ctx);
  const ep = freshEndpoint("inproc");
  try {
    const push = await pushFrom(other, ep, "never delivered", 50);
    await until(() => steps.includes("waiting"), 3000, "the connect to wait at the hub");
    push.close(); // its message may wait for a binder for 50 ms, no more
    await until(() => steps.includes("withdrawn"), 3000, "the lingering connect to be withdrawn");
    const pull = new Pull({ context: ctx });
    await pull.bind(ep);
    assert.deepEqual(steps, ["waiting", "withdrawn"]);
    assert.equal(pull.readable, false);
  } finally {
    ctx.terminate();
  }
});

test("a connecting thread that ends while its binder makes the rings: the binder drops its side", async () => {
  const ctx = new Context();
  const binder = Context.attach(ctx.handle());
  const h = ctx.handle();
  const connecter = Context.attach(h);
  const ep = freshEndpoint("inproc");
  // The connecting thread ends after the hub sent its offer, before the binder's rings come back.
  const steps = watchOffers(ctx, (step) => {
    if (step === "offered" && steps.length === 1) ctx.threadGone(h.thread);
  });
  try {
    const pull = new Pull({ context: binder });
    await pull.bind(ep);
    await pushFrom(connecter, ep, "from a thread that is gone");
    await until(() => steps.length === 2, 3000, "the binder's rings to come back");
    assert.deepEqual(steps, ["offered", "connecter gone"]);
    // The binder has dropped its side; a live thread's connect still gets through.
    await pushFrom(ctx, ep, "from the live thread");
    assert.equal(await next(pull, "the live thread's message"), "from the live thread");
    assert.equal(pull.readable, false, "nothing from the gone thread");
    assert.deepEqual(steps, ["offered", "connecter gone", "offered"]);
  } finally {
    ctx.terminate();
  }
});
