/**
 * Fairness for calls that complete at once. A send with room or a receive with a message waiting
 * resolves without waiting on the event loop, as a microtask; a loop of them would keep timers,
 * I/O and other sockets (heartbeats, timeouts, the peer's own reads) from ever running. So every
 * thread keeps one budget: once calls have completed at once for {@link BUDGET_MS} without the
 * event loop getting a turn (or {@link MAX_RUN} of them did), the next one resolves only after a
 * turn of the loop (setImmediate), which lets a 0 ms interval fire about every millisecond.
 *
 * @module
 */

import { setImmediate } from "./macrotask.ts";

/** Longest run (ms) of calls completing at once before the event loop gets a turn. */
export const BUDGET_MS = 1;
/** Longest run (calls) of calls completing at once before the event loop gets a turn. */
export const MAX_RUN = 1024;
/**
 * The clock is read at the 1st, 2nd, 4th ... 64th call of a run and then once per this many:
 * performance.now() is a call into the runtime on Deno (4.5% of a same-thread 1 B inproc profile
 * when read every 32 calls), and calls of ~100 ns need few readings, while slow ones (a loop doing
 * real work per message) are caught early: a run overshoots the budget by at most about its own
 * length again up to 64 calls, and by 128 calls after.
 */
const CHECK_EVERY = 128;

let run = 0;
let runStart = 0;
let watched = false;

/** A turn of the event loop happened: a new run starts. */
function turned(): void {
  run = 0;
  watched = false;
}

/**
 * Counts one call that completed at once; true when it must wait for a turn of the event loop
 * (its caller resolves it with {@link afterTurn}).
 *
 * @example
 * ```ts
 * if (mustYield()) return afterTurn(msg);
 * return Promise.resolve(msg);
 * ```
 */
export function mustYield(): boolean {
  if (!watched) {
    watched = true;
    runStart = performance.now();
    setImmediate(turned);
  }
  const n = ++run;
  if (n % CHECK_EVERY !== 0 && (n > CHECK_EVERY || (n & (n - 1)) !== 0)) return false;
  if (run < MAX_RUN && performance.now() - runStart < BUDGET_MS) return false;
  turned();
  return true;
}

/** Resolves with `value` after a turn of the event loop. */
export function afterTurn<T>(value: T): Promise<T> {
  return new Promise((resolve) => setImmediate(() => resolve(value)));
}
