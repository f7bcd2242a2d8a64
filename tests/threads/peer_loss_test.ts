// A send waiting at the high-water mark when one of its peers is in a Worker that goes away
// (issue #12, defect 1): the scenes of tests/spec/peer_loss_test.ts with the victim in another
// thread, reached over shared-memory rings. The Worker is either terminated, or closes its socket
// (frozen first, so that it takes nothing in after the sender's send started to wait). The
// waiting send must go to the survivor once it has room (or fail, for PAIR and a mandatory
// ROUTER), never be reported as sent into the connection that ended.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Context, type Socket, XPublisher } from "../../mod.ts";
import { until, within } from "../helpers/timeout.ts";
import {
  balancing,
  fill,
  localPeer,
  mandatoryRouter,
  nextPairGets,
  pair,
  type PeerType,
  push,
  readUntil,
  subscribed,
  waitingSend,
  withSender,
} from "../helpers/blocked_send.ts";
import { spawn } from "./spawn.ts";

/**
 * Large enough that the rings (256 KiB each way) fill after a few dozen messages, and not a
 * divisor of their size, so that the last write only partly fits and the rest waits for room.
 */
const body = [new Uint8Array(10_000)];

type Going = "terminated" | "closes its socket";

/** A peer of `type` in a Worker that never reads, and a way to make it go. */
async function victimOf(ctx: Context, sender: Socket, type: PeerType, ep: string, how: Going) {
  const gate = how === "terminated" ? undefined : new SharedArrayBuffer(12);
  const victim = spawn(ctx, { role: "hold", type, endpoint: ep, gate });
  assert.deepEqual(await victim.next("the Worker's peer"), { holding: true });
  // Attached: an XPUB heard it subscribe, a ROUTER heard it say hi, the others have room for it.
  if (sender instanceof XPublisher) await subscribed(sender, 1);
  else if (type === "DEALER" && sender.type === "ROUTER") {
    await within(sender.receive(), 10000, "the Worker's hello");
  } else await until(() => sender.writable, 10000, "the Worker's peer to be attached");
  const flags = gate === undefined ? undefined : new Int32Array(gate);
  if (flags !== undefined) {
    victim.worker.postMessage({ freeze: true });
    await until(() => Atomics.load(flags, 0) === 1, 10000, "the Worker to freeze");
  }
  return {
    /**
     * Stops the Worker now, or lets it close its socket (the first thing it does once thawed).
     * Then this thread blocks until the Worker has had a turn after closing: its side may read
     * what we wrote before we hear of the close, the order in which a waiting send was lost.
     * Resolves once the Worker said it closed, after what it did reached this thread.
     */
    async go(): Promise<void> {
      if (flags === undefined) return victim.worker.terminate();
      Atomics.store(flags, 1, 1);
      Atomics.notify(flags, 1);
      Atomics.wait(flags, 2, 0, 5000);
      assert.deepEqual(await victim.next("the Worker's close"), { closed: true });
    },
    /** A test's cleanup: a frozen Worker is thawed first. */
    end(): void {
      if (flags !== undefined) (Atomics.store(flags, 1, 1), Atomics.notify(flags, 1));
      victim.worker.terminate();
    },
  };
}

for (const how of ["terminated", "closes its socket"] as const) {
  for (const scene of balancing) {
    test(`${scene.name}: a send waiting on two full peers goes to the survivor when the other is in a Worker that ${how === "terminated" ? "is terminated" : how}`, async () => {
      await withSender(scene, async (sender, ep) => {
        const victim = await victimOf(sender.context, sender, scene.peerType, ep, how);
        try {
          const survivor = localPeer(sender.context, scene.peerType, ep, "A");
          await subscribed(sender, 1);
          const accepted = await fill(sender, scene, "", body);
          const waiting = await waitingSend(sender, scene, "", body);
          await victim.go();
          const got = await readUntil(scene, survivor, waiting.n);
          const toVictim = [...accepted, ...waiting.earlier].filter((n) => !got.includes(n));
          if (scene.peerType !== "SUB") assert.ok(toVictim.length > 0, "the Worker was sent some");
          await within(waiting.done, 5000, "the waiting send");
          assert.equal(waiting.outcome(), "sent");
        } finally {
          victim.end();
        }
      });
    });
  }

  test(`PAIR: a send waiting on a full peer in a Worker that ${how === "terminated" ? "is terminated" : how} keeps waiting, and fails with EAGAIN at sendTimeout`, async () => {
    await withSender(pair, async (sender, ep) => {
      const victim = await victimOf(sender.context, sender, "PAIR", ep, how);
      try {
        await fill(sender, pair, "", body);
        const waiting = await waitingSend(sender, pair, "", body, 300);
        await victim.go();
        await within(waiting.done, 5000, "the send's timeout");
        assert.equal(waiting.outcome(), "failed: EAGAIN");
      } finally {
        victim.end();
      }
    });
  });

  test(`mandatory ROUTER: a send waiting on a full peer in a Worker that ${how === "terminated" ? "is terminated" : how} fails with EHOSTUNREACH`, async () => {
    await withSender(mandatoryRouter, async (router, ep) => {
      const victim = await victimOf(router.context, router, "DEALER", ep, how);
      try {
        await fill(router, mandatoryRouter, "held", body);
        const waiting = await waitingSend(router, mandatoryRouter, "held", body);
        await victim.go();
        await within(waiting.done, 5000, "the waiting send");
        assert.equal(waiting.outcome(), "failed: EHOSTUNREACH");
      } finally {
        victim.end();
      }
    });
  });
}

test("PAIR: a send waiting on a full peer whose Worker is terminated reaches the next peer", async () => {
  await withSender(pair, async (sender, ep) => {
    const victim = await victimOf(sender.context, sender, "PAIR", ep, "terminated");
    await fill(sender, pair, "", body);
    const waiting = await waitingSend(sender, pair, "", body);
    await victim.go();
    // In the hub's thread the hub and the link talk through microtasks: after one macrotask turn
    // the Worker's connection is gone here, and a PAIR takes a new peer only then.
    await new Promise((r) => setTimeout(r, 0));
    await nextPairGets(sender, ep, waiting);
  });
});

test("PUSH: a send waiting on two Workers goes to the survivor Worker when the other is terminated", async () => {
  await withSender(push, async (sender, ep) => {
    const victim = await victimOf(sender.context, sender, "PULL", ep, "terminated");
    const survivor = spawn(sender.context, { role: "drain", endpoint: ep });
    try {
      assert.deepEqual(await survivor.next("the survivor's peer"), { holding: true });
      await fill(sender, push, "", body);
      const waiting = await waitingSend(sender, push, "", body);
      await victim.go();
      survivor.worker.postMessage({ drainUntil: waiting.n });
      const { got } = await survivor.next("the survivor's messages", 20000);
      assert.equal(got[got.length - 1], waiting.n);
      await within(waiting.done, 5000, "the waiting send");
      assert.equal(waiting.outcome(), "sent");
    } finally {
      survivor.worker.terminate();
    }
  });
});
