// A send waiting at the high-water mark when one of its peers goes away (issue #12, defect 1).
// libzmq: the waiting send is not reported as sent until a live peer took the message; it goes to
// a survivor once that one has room, or fails (EAGAIN at sendTimeout, EHOSTUNREACH for a mandatory
// ROUTER whose addressee left). Over inproc in one thread the two sockets share their queues, so
// the peer going away empties a queue the sender still routes to: these scenes are that moment.
// The same scenes across threads (a Worker terminated) are in tests/threads/peer_loss_test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Router } from "../../mod.ts";
import { within } from "../helpers/timeout.ts";
import {
  balancing,
  fill,
  localPeer,
  mandatoryRouter,
  nextPairGets,
  pair,
  readUntil,
  subscribed,
  waitingSend,
  withSender,
} from "../helpers/blocked_send.ts";

for (const scene of balancing) {
  for (const gone of ["closed", "disconnected"] as const) {
    test(`${scene.name}: a send waiting on two full peers goes to the survivor when one is ${gone} (inproc)`, () =>
      withSender(scene, async (sender, ep) => {
        const survivor = localPeer(sender.context, scene.peerType, ep, "A");
        const victim = localPeer(sender.context, scene.peerType, ep, "B");
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
      }));
  }
}

test("PAIR: a send waiting on a full peer that closes waits for the next peer, and reaches it (inproc)", () =>
  withSender(pair, async (sender, ep) => {
    const first = localPeer(sender.context, "PAIR", ep, "");
    await fill(sender, pair, "");
    const waiting = await waitingSend(sender, pair, "");
    first.close();
    await Promise.resolve();
    await nextPairGets(sender, ep, waiting);
  }));

test("PAIR: a send waiting on a full peer that closes fails with EAGAIN at sendTimeout when no peer comes (inproc)", () =>
  withSender(pair, async (sender, ep) => {
    const first = localPeer(sender.context, "PAIR", ep, "");
    await fill(sender, pair, "");
    const waiting = await waitingSend(sender, pair, "", [], 200);
    first.close();
    await within(waiting.done, 5000, "the send's timeout");
    assert.equal(waiting.outcome(), "failed: EAGAIN");
  }));

test("mandatory ROUTER: a send waiting on a full peer that closes fails with EHOSTUNREACH (inproc)", () =>
  withSender(mandatoryRouter, async (router, ep) => {
    const peer = localPeer(router.context, "DEALER", ep, "B");
    await fill(router, mandatoryRouter, "B");
    const waiting = await waitingSend(router, mandatoryRouter, "B");
    peer.close();
    await within(waiting.done, 5000, "the waiting send");
    assert.equal(waiting.outcome(), "failed: EHOSTUNREACH");
  }));

test("mandatory ROUTER with handover: a send waiting on a full peer goes to the peer that takes its routing id over (inproc)", () =>
  withSender(mandatoryRouter, async (sender, ep) => {
    const router = sender as Router;
    router.handover = true;
    localPeer(router.context, "DEALER", ep, "B");
    await fill(router, mandatoryRouter, "B");
    const waiting = await waitingSend(router, mandatoryRouter, "B");
    const heir = localPeer(router.context, "DEALER", ep, "B");
    assert.equal(await within(mandatoryRouter.read(heir), 5000, "the waiting message"), waiting.n);
    await within(waiting.done, 5000, "the waiting send");
    assert.equal(waiting.outcome(), "sent");
  }));
