// A ZAP handler that answers wrongly fails that handshake at once (not at a timeout) with
// handshake:error:protocol, its code naming the first thing wrong in libzmq's order; the handler
// here is a Router written by hand, as zeromq.js's own tests write theirs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, ProtocolError, type ProtocolErrorCode, Pull, Push, Router } from "../../mod.ts";
import { nextEvent, within } from "../helpers/timeout.ts";

type Reply = (Uint8Array | string)[];
const ok = (version: Uint8Array, id: Uint8Array): Reply => ["", version, id, "200", "OK", "", ""];

/** A ZAP handler in `ctx` answering each request [delimiter, version, id, ...] with `answer`. */
async function handler(ctx: Context, answer: (req: Uint8Array[]) => Reply): Promise<Router> {
  const router = new Router({ context: ctx, linger: 0 });
  await router.bind("inproc://zeromq.zap.01");
  (async () => {
    for await (const [peer, ...req] of router) await router.send([peer!, ...answer(req)]);
  })().catch(() => {});
  return router;
}

/** A PLAIN server judged by the handler, and a client at it; what the server reports first. */
async function serverSees(ctx: Context, type: "handshake" | "handshake:error:protocol") {
  // The handshake timer is far beyond the test's deadline: a failure must not wait for it.
  const pull = new Pull({ context: ctx, linger: 0, plainServer: true, handshakeInterval: 60_000 });
  const push = new Push({ context: ctx, linger: 0, plainUsername: "u", plainPassword: "p" });
  try {
    await pull.bind("tcp://127.0.0.1:*");
    const seen = nextEvent(pull.events, type, 5000);
    push.connect(pull.lastEndpoint!);
    return await seen;
  } finally {
    push.close();
    pull.close();
  }
}

test("each malformed ZAP reply fails its handshake at once, by libzmq's code", async () => {
  const cases: [string, (req: Uint8Array[]) => Reply, ProtocolErrorCode][] = [
    ["3 frames (zeromq.js's test)", () => ["", "", ""], "ERR_ZAP_MALFORMED_REPLY"],
    ["8 frames", ([, v, id]) => [...ok(v!, id!), "extra"], "ERR_ZAP_MALFORMED_REPLY"],
    [
      "a delimiter that is not empty",
      ([, v, id]) => ["x", ...ok(v!, id!).slice(1)],
      "ERR_ZAP_UNSPECIFIED",
    ],
    ["version 9.9", ([, , id]) => ok(new TextEncoder().encode("9.9"), id!), "ERR_ZAP_BAD_VERSION"],
    [
      "a request id never issued",
      ([, v]) => ok(v!, new TextEncoder().encode("x1")),
      "ERR_ZAP_BAD_REQUEST_ID",
    ],
    ["status 201", ([, v, id]) => ["", v!, id!, "201", "", "", ""], "ERR_ZAP_INVALID_STATUS_CODE"],
    [
      "metadata cut short",
      ([, v, id]) => ["", v!, id!, "200", "", "", Uint8Array.of(5, 0x61)],
      "ERR_ZAP_INVALID_METADATA",
    ],
  ];
  for (const [what, answer, code] of cases) {
    const ctx = new Context();
    try {
      await handler(ctx, answer);
      const { error } = await within(serverSees(ctx, "handshake:error:protocol"), 6000, what);
      assert.ok(error instanceof ProtocolError, what);
      assert.equal(error.code, code, what);
      assert.match(error.message, /^bad ZAP reply: /);
    } finally {
      ctx.terminate();
    }
  }
});

test("a reply naming no request fails the one waiting; the handler's next good reply lets a peer in", async () => {
  const ctx = new Context();
  try {
    let first = true;
    await handler(ctx, ([, v, id]) => {
      const reply = first ? ok(v!, new TextEncoder().encode("999999")) : ok(v!, id!);
      first = false;
      return reply;
    });
    const { error } = await serverSees(ctx, "handshake:error:protocol");
    assert.equal(error.code, "ERR_ZAP_BAD_REQUEST_ID");
    assert.equal((await serverSees(ctx, "handshake")).type, "handshake");
  } finally {
    ctx.terminate();
  }
});
