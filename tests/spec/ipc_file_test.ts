// The file of an ipc endpoint (issue #12, defect 2). Binding a path that is still bound replaces
// the old file (libzmq does the same); the socket that bound it first must then not delete the
// new binder's file when it closes or unbinds, or new peers could no longer reach the new binder
// while it still believes it is bound. A socket whose file is still its own removes it, so the
// common case leaves nothing behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { Context, Pull, Push } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";
import { LibzmqPeer } from "../helpers/libzmq.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const pathOf = (ep: string) => ep.slice("ipc://".length);

/** Two PULLs bound to the same fresh ipc path, the second replacing the first's file. */
async function twoBinders(ctx: Context): Promise<[string, Pull, Pull]> {
  const ep = freshEndpoint("ipc");
  const first = new Pull({ context: ctx });
  await first.bind(ep);
  const second = new Pull({ context: ctx });
  await second.bind(ep);
  return [ep, first, second];
}

/** A new PUSH connecting to `ep` gets a message through to `pull`. */
async function reachable(ctx: Context, ep: string, pull: Pull, what: string): Promise<void> {
  const push = new Push({ context: ctx, linger: 0 });
  push.connect(ep);
  await push.send(what);
  assert.equal(text((await within(pull.receive(), 5000, what))[0]!), what);
  push.close();
}

for (const leave of ["close", "unbind"] as const) {
  test(`ipc: a socket that rebinds a bound path stays reachable when the first binder ${leave}s`, async () => {
    const ctx = new Context();
    try {
      const [ep, first, second] = await twoBinders(ctx);
      if (leave === "close") first.close();
      else await first.unbind(ep);
      // A round trip later, so that a runtime deleting the file as the listener goes has done so.
      await reachable(ctx, ep, second, "to the second binder");
      assert.ok(existsSync(pathOf(ep)), "the second binder's file is still there");
      second.close();
      assert.ok(!existsSync(pathOf(ep)), "the second binder removed its own file");
    } finally {
      ctx.terminate();
    }
  });
}

test("ipc: the second binder closing first removes its file; the first then removes nothing", async () => {
  const ctx = new Context();
  try {
    const [ep, first, second] = await twoBinders(ctx);
    second.close();
    assert.ok(!existsSync(pathOf(ep)));
    const third = new Pull({ context: ctx });
    await third.bind(ep); // a new file at the same path, which the first binder must leave alone
    first.close();
    await reachable(ctx, ep, third, "to the third binder");
    assert.ok(existsSync(pathOf(ep)), "the third binder's file is still there");
  } finally {
    ctx.terminate();
  }
});

test("ipc: closing or unbinding the only binder leaves no file behind", async () => {
  const ctx = new Context();
  try {
    for (const leave of ["close", "unbind"] as const) {
      const ep = freshEndpoint("ipc");
      const pull = new Pull({ context: ctx });
      await pull.bind(ep);
      assert.ok(existsSync(pathOf(ep)));
      await reachable(ctx, ep, pull, "before leaving");
      if (leave === "close") pull.close();
      else await pull.unbind(ep);
      assert.ok(!existsSync(pathOf(ep)), `no stale file after ${leave}`);
    }
  } finally {
    ctx.terminate();
  }
});

test("ipc with libzmq: a libzmq socket that rebinds our path stays reachable when we close", async () => {
  const peer = await LibzmqPeer.start("PULL");
  const ctx = new Context();
  try {
    const ep = freshEndpoint("ipc");
    const ours = new Pull({ context: ctx });
    await ours.bind(ep);
    await peer.bind(ep); // libzmq removes our file and makes its own
    ours.close();
    const push = new Push({ context: ctx, linger: 0 });
    push.connect(ep);
    await push.send("to libzmq");
    const [msg] = await peer.receive(1, 5000);
    assert.equal(text(msg![0]!), "to libzmq");
    assert.ok(existsSync(pathOf(ep)), "libzmq's file is still there");
  } finally {
    ctx.terminate();
    await peer.stop();
  }
});
