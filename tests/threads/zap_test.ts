// ZAP across the threads of a shared context (RFC 27, as libzmq's per-process context): a handler
// bound in any thread judges the PLAIN and CURVE servers of every thread; a Worker that joins after
// the handler bound sees it; a handler closed in one thread leaves the others as with no handler.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Authenticator, Context, curveKeyPair, Pull, Push, Router } from "../../mod.ts";
import { nextEvent, until, within } from "../helpers/timeout.ts";
import { spawn } from "./spawn.ts";

const zapWorker = new URL("./zap_worker.ts", import.meta.url);
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const server = curveKeyPair();
const client = curveKeyPair();
const stranger = curveKeyPair();
const curveClient = (keys: { publicKey: string; secretKey: string }) => ({
  curveServerKey: server.publicKey,
  curvePublicKey: keys.publicKey,
  curveSecretKey: keys.secretKey,
});

/** What a server reports, in order: its endpoint, then each handshake, refusal and message. */
type Report =
  | { endpoint: string }
  | { handshake: string | null }
  | { refused: number }
  | { failed: string }
  | { received: string };

interface Server {
  endpoint: string;
  next(what: string): Promise<Report>;
}

/** A server in a Worker (tests/threads/zap_worker.ts): CURVE with the server's key, or PLAIN. */
async function workerServer(ctx: Context, curve: boolean) {
  const w = spawn(
    ctx,
    { role: "server", curveSecretKey: curve ? server.secretKey : undefined },
    zapWorker,
  );
  const { endpoint } = await w.next("the Worker's server bound");
  return { worker: w.worker, server: { endpoint, next: w.next } as Server };
}

/** The same server in this thread, reporting the same way. */
async function localServer(ctx: Context, curve: boolean): Promise<Server> {
  const pull = new Pull(
    curve
      ? { context: ctx, curveServer: true, curveSecretKey: server.secretKey, linger: 0 }
      : { context: ctx, plainServer: true, linger: 0 },
  );
  const reports: Report[] = [];
  const waiters: ((r: Report) => void)[] = [];
  const post = (r: Report) => {
    const w = waiters.shift();
    if (w) w(r);
    else reports.push(r);
  };
  pull.events.on("handshake", (e) => post({ handshake: e.userId ?? null }));
  pull.events.on("handshake:error:auth", (e) => post({ refused: e.status ?? 0 }));
  pull.events.on("handshake:error:other", (e) => post({ failed: String(e.error?.message) }));
  await pull.bind("tcp://127.0.0.1:*");
  (async () => {
    for await (const [body] of pull) post({ received: text(body) });
  })().catch(() => {});
  return {
    endpoint: pull.lastEndpoint!,
    next: (what) =>
      within(
        reports.length > 0
          ? Promise.resolve(reports.shift()!)
          : new Promise((r) => waiters.push(r)),
        10000,
        what,
      ),
  };
}

/** A client of `server` that has sent `body` (not awaited: a refused client never sends). */
function clientOf(ctx: Context, srv: Server, security: object, body: string): Push {
  const push = new Push({ context: ctx, linger: 0, ...security });
  push.connect(srv.endpoint);
  push.send(body).catch(() => {});
  return push;
}

/**
 * The handler judges `srv`'s peers: the good client's message arrives with its User-Id, the bad
 * one is refused with 400 on both sides and nothing of it is delivered.
 */
async function expectJudged(
  ctx: Context,
  srv: Server,
  good: object,
  bad: object,
  userId: string,
): Promise<void> {
  const first = clientOf(ctx, srv, good, "good");
  assert.deepEqual(await srv.next("the good client's handshake"), { handshake: userId });
  assert.deepEqual(await srv.next("the good client's message"), { received: "good" });
  const push = new Push({ context: ctx, linger: 0, ...bad });
  const refused = nextEvent(push.events, "handshake:error:auth", 10000);
  push.connect(srv.endpoint);
  push.send("bad").catch(() => {});
  assert.equal((await refused).status, 400);
  assert.deepEqual(await srv.next("the bad client's refusal"), { refused: 400 });
  // Had the refused client's message been delivered, it would be reported before this one.
  await first.send("after");
  assert.deepEqual(await srv.next("the good client's second message"), { received: "after" });
  first.close();
  push.close();
}

/** With no handler, a CURVE server lets in any client that knows its key (libzmq's Stonehouse). */
async function expectUnjudged(ctx: Context, srv: Server): Promise<void> {
  const push = clientOf(ctx, srv, curveClient(stranger), "stranger");
  assert.deepEqual(await srv.next("the stranger's handshake"), { handshake: null });
  assert.deepEqual(await srv.next("the stranger's message"), { received: "stranger" });
  push.close();
}

test("who binds the ZAP name is seen by every thread once its bind resolves; other names are not published", async () => {
  const ctx = new Context();
  // A second "thread" in this one, joined through a port exactly as a Worker is (hub_races_test.ts).
  const other = Context.attach(ctx.handle());
  const zap = "zeromq.zap.01";
  try {
    assert.equal(ctx.inproc.boundElsewhere(zap), undefined);
    const handler = new Router({ context: other, linger: 0 });
    await handler.bind(`inproc://${zap}`);
    // The hub granted it before other's bind resolved: no waiting here.
    const serial = ctx.inproc.boundElsewhere(zap);
    assert.ok(serial !== undefined && serial > 0);
    assert.equal(other.inproc.boundElsewhere(zap), undefined, "its own bind is not elsewhere");
    const plain = new Router({ context: other, linger: 0 });
    await plain.bind("inproc://not-zap");
    assert.equal(ctx.inproc.boundElsewhere("not-zap"), undefined);
    handler.close();
    assert.equal(other.inproc.boundElsewhere(zap), undefined, "gone at once where it was closed");
    await until(() => ctx.inproc.boundElsewhere(zap) === undefined, 5000, "the unbind seen here");
    const again = new Router({ context: other, linger: 0 });
    await again.bind(`inproc://${zap}`);
    assert.ok(ctx.inproc.boundElsewhere(zap)! > serial!, "a new bind, a new serial");
  } finally {
    ctx.terminate();
  }
});

test("a handler bound here judges a CURVE server in a Worker started before it", async () => {
  const ctx = new Context();
  const { worker, server: srv } = await workerServer(ctx, true);
  const auth = new Authenticator({ context: ctx, publicKeys: [client.publicKey] });
  try {
    await auth.start();
    await expectJudged(ctx, srv, curveClient(client), curveClient(stranger), client.publicKey);
  } finally {
    worker.terminate();
    ctx.terminate();
  }
});

test("a Worker that joins after the handler bound here is judged by it from its first handshake", async () => {
  const ctx = new Context();
  const auth = new Authenticator({ context: ctx, publicKeys: [client.publicKey] });
  await auth.start(); // before the context is shared at all
  const { worker, server: srv } = await workerServer(ctx, true);
  try {
    await expectJudged(ctx, srv, curveClient(client), curveClient(stranger), client.publicKey);
  } finally {
    worker.terminate();
    ctx.terminate();
  }
});

test("a handler in a Worker judges a PLAIN server here", async () => {
  const ctx = new Context();
  const w = spawn(ctx, { role: "authenticator", passwords: { admin: "secret" } }, zapWorker);
  try {
    assert.deepEqual(await w.next("the Worker's Authenticator started"), { started: true });
    const srv = await localServer(ctx, false);
    await expectJudged(
      ctx,
      srv,
      { plainUsername: "admin", plainPassword: "secret" },
      { plainUsername: "admin", plainPassword: "guess" },
      "admin",
    );
  } finally {
    w.worker.terminate();
    ctx.terminate();
  }
});

test("a handler closed here: a CURVE server in a Worker then behaves as with no handler", async () => {
  const ctx = new Context();
  const auth = new Authenticator({ context: ctx, publicKeys: [client.publicKey] });
  const { worker, server: srv } = await workerServer(ctx, true);
  try {
    await auth.start();
    await expectJudged(ctx, srv, curveClient(client), curveClient(stranger), client.publicKey);
    auth.close(); // the hub, in this thread, hears of it before the next turn
    await until(() => Atomics.load(ctx.hub!.announced, 0) === 0, 5000, "the hub to see the unbind");
    await expectUnjudged(ctx, srv);
  } finally {
    worker.terminate();
    ctx.terminate();
  }
});

for (const end of ["closed", "terminated"] as const) {
  test(`a handler in a Worker ${end === "closed" ? "closed" : "whose Worker was terminated"}: a CURVE server here then behaves as with no handler`, async () => {
    const ctx = new Context();
    const w = spawn(ctx, { role: "authenticator", publicKeys: [client.publicKey] }, zapWorker);
    try {
      assert.deepEqual(await w.next("the Worker's Authenticator started"), { started: true });
      const srv = await localServer(ctx, true);
      await expectJudged(ctx, srv, curveClient(client), curveClient(stranger), client.publicKey);
      if (end === "closed") {
        w.tell("close");
        assert.deepEqual(await w.next("the Worker's Authenticator closed"), { closed: true });
      } else w.worker.terminate(); // its binds are released with the thread
      // The Worker's unbind (or end) reaches the hub through a port: until then a request would
      // wait unanswered for the handshake timer (the window docs/security.md describes).
      await until(() => Atomics.load(ctx.hub!.announced, 0) === 0, 5000, "the hub to see it go");
      await expectUnjudged(ctx, srv);
    } finally {
      w.worker.terminate();
      ctx.terminate();
    }
  });
}
