/** Filling a PUSH -> PULL path until it pushes back, and reading it all back, for flow-control tests. */
import assert from "node:assert/strict";
import type { Pull, Push } from "../../mod.ts";
import { within } from "./timeout.ts";

/**
 * Sends numbered 16 KiB messages on `push` (whose sendTimeout must be 0) until the whole path is
 * full: 200 EAGAINs in a row, each giving the engine a turn to drain. Fails if it never blocks.
 * Returns how many were accepted.
 */
export async function fillUntilPushedBack(push: Push): Promise<number> {
  const payload = new Uint8Array(16 * 1024);
  let accepted = 0;
  for (let stalls = 0; stalls < 200 && accepted < 100_000;) {
    try {
      await push.send([String(accepted), payload]);
      accepted++;
      stalls = 0;
    } catch (e) {
      assert.equal((e as { code?: string }).code, "EAGAIN");
      stalls++;
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  assert.ok(accepted < 100_000, `sending never blocked (${accepted} accepted)`);
  return accepted;
}

/** Receives `count` messages on `pull` and checks they are 0..count-1 in order: none lost. */
export async function receiveAllInOrder(pull: Pull, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const [n] = await within(pull.receive(), 5000, `message ${i} of ${count}`);
    assert.equal(new TextDecoder().decode(n!), String(i));
  }
}
