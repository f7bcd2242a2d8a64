/**
 * The slow-joiner problem in tests: a publisher drops what it sends before a
 * subscription reaches it. `joined` waits for the subscriptions the
 * subscribers have made so far to take effect, by publishing a sync topic
 * until every subscriber receives it (the Guide's cure, without sleeps).
 */
import type { Publisher, Subscriber, XPublisher } from "../../mod.ts";

const SYNC = "\u0000sync";

/** Resolves once `pub` delivers to each of `subs` (their earlier subscriptions are in effect). */
export async function joined(
  pub: Publisher | XPublisher,
  subs: Subscriber[],
  ms = 5000,
): Promise<void> {
  for (const s of subs) s.subscribe(SYNC);
  const waiting = new Set(subs);
  const start = Date.now();
  while (waiting.size > 0) {
    if (Date.now() - start > ms) {
      throw new Error(`timed out after ${ms} ms waiting for subscribers to join`);
    }
    await pub.send(SYNC);
    await new Promise((r) => setTimeout(r, 5));
    for (const s of waiting) if (s.readable) waiting.delete(s);
  }
  // Anything still in flight is filtered out by the SUB itself once it unsubscribes.
  for (const s of subs) {
    while (s.readable) await s.receive();
    s.unsubscribe(SYNC);
  }
}

/**
 * Calls `send` every 10 ms until `arrived` settles, and returns what it
 * settled with: the slow-joiner wait for one message, bounded (fails after `ms`).
 */
export async function publishUntil<T>(
  send: () => Promise<unknown>,
  arrived: Promise<T>,
  what: string,
  ms = 10000,
): Promise<T> {
  let done = false;
  const settled = arrived.finally(() => (done = true));
  settled.catch(() => {}); // its rejection is reported by the return below
  const start = Date.now();
  while (!done) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await send();
    await new Promise((r) => setTimeout(r, 10));
  }
  return settled;
}
