// Races between a shared context's threads around bind, connect, unbind and a thread's end.
// Several "threads" are simulated in one: Context.attach(ctx.handle()) joins the context through
// a MessagePort exactly as a Worker does, so hub messages cross ports in the same order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Pull, Push } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const tick = () => new Promise((r) => setTimeout(r, 0));

test("shared context, one thread: a connect made before the bind is joined", async () => {
  const ctx = new Context();
  ctx.handle().port!.close(); // shared: names now go through the hub
  const ep = freshEndpoint("inproc");
  try {
    const push = new Push({ context: ctx });
    push.connect(ep);
    await push.send("early");
    const pull = new Pull({ context: ctx });
    await pull.bind(ep);
    assert.equal(text((await within(pull.receive(), 3000, "the early message"))[0]!), "early");
  } finally {
    ctx.terminate();
  }
});

test("a connect from another thread waiting at the hub reaches a bind in the hub's thread", async () => {
  const ctx = new Context();
  const other = Context.attach(ctx.handle());
  const ep = freshEndpoint("inproc");
  try {
    const push = new Push({ context: other });
    push.connect(ep);
    await push.send("early");
    for (let i = 0; i < 5; i++) await tick(); // the connect is waiting at the hub
    const pull = new Pull({ context: ctx });
    await pull.bind(ep);
    assert.equal(text((await within(pull.receive(), 3000, "the early message"))[0]!), "early");
  } finally {
    ctx.terminate();
  }
});

test("an offer reaching a thread that has just unbound goes to the next binder", async () => {
  const ctx = new Context();
  const binder = Context.attach(ctx.handle());
  const connecter = Context.attach(ctx.handle());
  const ep = freshEndpoint("inproc");
  try {
    const first = new Pull({ context: binder });
    await first.bind(ep);
    const push = new Push({ context: connecter });
    push.connect(ep); // offered to `binder`...
    await first.unbind(ep); // ...which lets go of the name before the offer arrives
    await push.send("hello");
    for (let i = 0; i < 5; i++) await tick();
    const second = new Pull({ context: binder });
    await second.bind(ep);
    assert.equal(
      text((await within(second.receive(), 3000, "the message at the new binder"))[0]!),
      "hello",
    );
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
  try {
    const first = new Pull({ context: doomed });
    await first.bind(ep);
    const push = new Push({ context: connecter });
    push.connect(ep);
    ctx.threadGone(h.thread); // as startWorker does when its Worker is terminated
    await push.send("hello");
    for (let i = 0; i < 5; i++) await tick();
    const second = new Pull({ context: ctx });
    await second.bind(ep);
    assert.equal(
      text((await within(second.receive(), 3000, "the message at the new binder"))[0]!),
      "hello",
    );
  } finally {
    ctx.terminate();
  }
});
