// A send waiting at the high-water mark when one of its peers goes away (issue #12, defect 1).
// libzmq: the waiting send is not reported as sent until a live peer took the message; it goes to
// a survivor once that one has room, or fails (EAGAIN at sendTimeout, EHOSTUNREACH for a mandatory
// ROUTER whose addressee left). Over inproc in one thread the two sockets share their queues, so
// the peer going away empties a queue the sender still routes to: these scenes are that moment.
// The same scenes across threads (a Worker terminated) are in tests/threads/peer_loss_test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Pair, Router } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";
import {
  balancing,
  fill,
  localPeer,
  mandatoryRouter,
  pair,
  readUntil,
  subscribed,
  waitingSend,
} from "../helpers/blocked_send.ts";

for (const scene of balancing) {
  for (const gone of ["closed", "disconnected"] as const) {
    test(`${scene.name}: a send waiting on two full peers goes to the survivor when one is ${gone} (inproc)`, async () => {
      const ctx = new Context();
      try {
        const sender = scene.sender(ctx);
        const ep = freshEndpoint("inproc");
        await sender.bind(ep);
        const survivor = localPeer(ctx, scene.peerType, ep, "A");
        const victim = localPeer(ctx, scene.peerType, ep, "B");
        await subscribed(sender, 2);
        const accepted = await fill(sender, scene, "");
        const waiting = await waitingSend(sender, scene, "");
        if (gone === "closed") victim.close();
        else victim.disconnect(ep);
        // The survivor reads what it was given, in order, and then the waiting message.
        const got = await readUntil(scene, survivor, waiting.n);
        const before = got.slice(0, -1);
        assert.deepEqual(before, accepted.filter((n) => before.includes(n)), "in order");
        await within(waiting.done, 5000, "the waiting send");
        assert.equal(waiting.outcome(), "sent");
      } finally {
        ctx.terminate();
      }
    });
  }
}

test("PAIR: a send waiting on a full peer that closes waits for the next peer, and reaches it (inproc)", async () => {
  const ctx = new Context();
  try {
    const sender = pair.sender(ctx);
    const ep = freshEndpoint("inproc");
    await sender.bind(ep);
    const first = localPeer(ctx, "PAIR", ep, "");
    await fill(sender, pair, "");
    const waiting = await waitingSend(sender, pair, "");
    first.close();
    await Promise.resolve();
    assert.equal(waiting.outcome(), "waiting", "no peer took it yet");
    const next = new Pair({ context: ctx });
    next.connect(ep);
    assert.equal(await within(pair.read(next), 5000, "the waiting message"), waiting.n);
    await within(waiting.done, 5000, "the waiting send");
    assert.equal(waiting.outcome(), "sent");
  } finally {
    ctx.terminate();
  }
});

test("PAIR: a send waiting on a full peer that closes fails with EAGAIN at sendTimeout when no peer comes (inproc)", async () => {
  const ctx = new Context();
  try {
    const sender = pair.sender(ctx);
    const ep = freshEndpoint("inproc");
    await sender.bind(ep);
    const first = localPeer(ctx, "PAIR", ep, "");
    await fill(sender, pair, "");
    sender.sendTimeout = 200;
    const waiting = sender.send("last");
    first.close();
    await assert.rejects(within(waiting, 5000, "the send's timeout"), { code: "EAGAIN" });
  } finally {
    ctx.terminate();
  }
});

test("mandatory ROUTER: a send waiting on a full peer that closes fails with EHOSTUNREACH (inproc)", async () => {
  const ctx = new Context();
  try {
    const router = mandatoryRouter.sender(ctx);
    const ep = freshEndpoint("inproc");
    await router.bind(ep);
    const peer = localPeer(ctx, "DEALER", ep, "B");
    await fill(router, mandatoryRouter, "B");
    const waiting = await waitingSend(router, mandatoryRouter, "B");
    peer.close();
    await within(waiting.done, 5000, "the waiting send");
    assert.equal(waiting.outcome(), "failed: EHOSTUNREACH");
  } finally {
    ctx.terminate();
  }
});

test("mandatory ROUTER with handover: a send waiting on a full peer goes to the peer that takes its routing id over (inproc)", async () => {
  const ctx = new Context();
  try {
    const router = new Router({
      context: ctx,
      mandatory: true,
      handover: true,
      sendHighWaterMark: 1,
    });
    const ep = freshEndpoint("inproc");
    await router.bind(ep);
    localPeer(ctx, "DEALER", ep, "B");
    await fill(router, mandatoryRouter, "B");
    const waiting = await waitingSend(router, mandatoryRouter, "B");
    const heir = localPeer(ctx, "DEALER", ep, "B");
    assert.equal(await within(mandatoryRouter.read(heir), 5000, "the waiting message"), waiting.n);
    await within(waiting.done, 5000, "the waiting send");
    assert.equal(waiting.outcome(), "sent");
  } finally {
    ctx.terminate();
  }
});
