/**
 * What keeps the process (or a Worker) alive, as in zeromq.js: a `send()`, a `receive()` or a read
 * of `socket.events` that waits; a connection while it has bytes to deliver or is in its
 * handshake; a closed socket while it lingers. An idle bound or connected socket does not: its
 * listener, its idle connections and its timers (heartbeats, reconnects) are unref'd, so a program
 * ends when it has nothing left to do, and a Worker whose sockets are idle ends too.
 *
 * @module
 */

import { type HostTimer, hostTimers } from "./host.ts";

/** A timer that does not keep the process alive (node:timers' Timeout, on both runtimes). */
export type BackgroundTimer = HostTimer;

/** Like setTimeout, but the process may end while it is pending. */
export function backgroundTimeout(fn: () => void, ms: number): BackgroundTimer {
  return hostTimers().setTimeout(fn, ms).unref();
}

/** Like setInterval, but the process may end while it runs. */
export function backgroundInterval(fn: () => void, ms: number): BackgroundTimer {
  return hostTimers().setInterval(fn, ms).unref();
}

/** Stops a background timer or interval (undefined is ignored). */
export function clearBackground(timer: BackgroundTimer | undefined): void {
  if (timer !== undefined) hostTimers().clearTimeout(timer);
}

let holds = 0;
let keeper: HostTimer | undefined;

/**
 * Keeps the process alive until the returned function is called (once is enough; more calls do
 * nothing). One timer, made once per thread, serves every hold: it is ref'd while any hold lasts
 * (a receiver waits many times a second; making and clearing a timer each time cost Deno a sixth
 * of its 1-byte throughput).
 *
 * @example
 * ```ts
 * const release = holdAlive();
 * pending.finally(release);
 * ```
 */
export function holdAlive(): () => void {
  if (holds++ === 0) {
    if (keeper === undefined) keeper = hostTimers().setInterval(() => {}, 1_000_000_000);
    else keeper.ref();
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holds === 0) keeper!.unref();
  };
}
