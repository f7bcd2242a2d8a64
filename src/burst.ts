/**
 * Waiting out a burst: a sender awaiting each `send()` adds one message per
 * microtask turn, so whoever is told of its messages (an engine flushing a
 * queue, a reader woken across threads or within one) is better told once the
 * burst is over than once per message.
 *
 * @module
 */

import { setImmediate } from "./macrotask.ts";

/** The most microtask turns a burst is waited out. */
const MAX_TURNS = 1024;

/**
 * Calls `done` once `count()` stops growing: each microtask turn that finds it
 * larger waits one more turn (the first turn always waits: a sender's
 * continuation runs only after it), while `more()` allows, for at most 1024 turns;
 * after `microtaskTurns` such turns it waits for the next turn of the event loop
 * instead (one wake-up per run of the sender, not a microtask per message).
 *
 * @example
 * ```ts
 * afterBurst(() => queue.size, () => queue.size < 1024, () => flush());
 * ```
 */
export function afterBurst(
  count: () => number,
  more: () => boolean,
  done: () => void,
  microtaskTurns = MAX_TURNS,
): void {
  let seen = count();
  let turns = 0;
  const tick = () => {
    const n = count();
    if ((turns === 0 || n > seen) && more() && ++turns < MAX_TURNS) {
      seen = n;
      if (turns < microtaskTurns) queueMicrotask(tick);
      else setImmediate(done);
      return;
    }
    done();
  };
  queueMicrotask(tick);
}
