/**
 * Waiting for libzmq sockets without blocking the event loop.
 *
 * Each libzmq socket has a ZMQ_FD that is signalled when its state may have
 * changed; it is edge-triggered, and any call on the socket may consume the
 * signal. So: poll(2) runs off this thread on every watched descriptor
 * (parking.ts: on Deno's FFI thread pool, or in a poll Worker on Bun) and
 * reports which ones fired; this thread then checks those sockets
 * (ZMQ_EVENTS) and acts. Any call this thread makes on a socket marks it
 * "touched", and touched sockets are checked once per turn of the event
 * loop, so a signal consumed by our own call is never lost: many sends or
 * receives share one check. A control eventfd ends a pending poll when the
 * set of descriptors changes or the thread stops.
 *
 * Before parking, a socket whose receive found nothing (or
 * whose send was refused) is looked at again on each turn of the event loop
 * for up to SPIN_MS: the answer to a request, or room at a high-water mark,
 * usually comes within it, without the hop between threads. After a spin
 * that found nothing, the next waits (1, 2, 4 ... 64) park at once; the
 * spin never runs with nothing waiting.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import type { LibcControl } from "./ffi.ts";
import { type Parking, parking } from "./parking.ts";

/** A watched socket. */
export interface Watch {
  readonly fd: number;
  /** Look at the socket's state now and act on it; `fired`: its descriptor signalled. */
  check(fired: boolean): void;
  /** A call on the socket waits for libzmq: a receive found nothing, or a send was refused. */
  readonly waiting: boolean;
}

const MAX_ROUNDS = 64;
const STOP_AFTER_MS = 50;
/**
 * How long a waiting call's socket is looked at again, turn after turn of the event loop, before
 * the thread parks (whose wake-up is a hop between threads: ~30-60 µs here, more under load).
 * Measured one way at 1 B over tcp: 73-99 µs parking at once, 40-47 µs with 200 µs of spinning.
 */
const SPIN_MS = 0.2;
/** At most this many waits park at once, after spins that found nothing, before one spins again. */
const MAX_SPIN_SKIP = 64;

/** One per thread: the sockets it watches, and its way of waiting for them. */
export class Reactor {
  #libc: LibcControl;
  #control: number;
  #parking: Parking | undefined;
  /** A wait is pending. */
  #polling = false;
  #watched = new Map<number, Watch>();
  #touched = new Set<Watch>();
  #fired = new Set<Watch>();
  #sweepScheduled = false;
  #stopTimer: ReturnType<typeof setTimeout> | undefined;
  /** Sockets with a call waiting: since when, and whether it spins before parking. */
  #waits = new Map<Watch, { since: number; spins: boolean }>();
  /**
   * Waits that park at once before one spins again: after a spin that found nothing, 1, then 2, 4
   * ... up to MAX_SPIN_SKIP, back to 0 when a spin catches its answer. Judging a spin by the waits
   * that parked cannot work: a parked wait lasts at least the hop between threads, which may outlast the
   * spin (on Deno it mostly did, and spinning never came back).
   */
  #spinSkip = 0;
  #spinBackoff = 0;

  constructor(libc: LibcControl) {
    this.#libc = libc;
    this.#control = libc.eventfd();
  }

  /** Starts watching a socket (waiting starts with the first). */
  add(w: Watch): void {
    this.#watched.set(w.fd, w);
    if (this.#parking === undefined) this.#start();
    else if (this.#polling) this.#libc.signal(this.#control); // re-arm with the new descriptor
    this.touch(w);
  }

  /** Stops watching (before the socket is closed); waiting stops with the last. */
  remove(w: Watch): void {
    if (this.#watched.get(w.fd) === w) this.#watched.delete(w.fd);
    this.#touched.delete(w);
    this.#waits.delete(w);
    this.#fired.delete(w);
    // Kept a moment: a program that closes its last socket and makes another reuses the thread.
    if (this.#watched.size === 0 && this.#stopTimer === undefined) {
      this.#stopTimer = setTimeout(() => {
        this.#stopTimer = undefined;
        if (this.#watched.size === 0) this.#stop();
      }, STOP_AFTER_MS);
    }
  }

  /** A call on the socket must wait: look again every turn for a moment before parking. */
  wait(w: Watch): void {
    if (this.#waits.has(w)) return this.touch(w);
    const spins = this.#spinSkip === 0;
    if (!spins) this.#spinSkip--;
    this.#waits.set(w, { since: performance.now(), spins });
    this.touch(w);
  }

  /** The socket's waiting call went through. */
  woke(w: Watch): void {
    const wait = this.#waits.get(w);
    if (wait === undefined) return;
    this.#waits.delete(w);
    if (wait.spins && performance.now() - wait.since <= SPIN_MS) this.#spinBackoff = 0;
  }

  /** The socket was used: check it before this thread waits again. */
  touch(w: Watch): void {
    this.#touched.add(w);
    this.#scheduleSweep();
  }

  /** A sweep on the next turn of the event loop (once, however many ask). */
  #scheduleSweep(): void {
    if (this.#sweepScheduled) return;
    this.#sweepScheduled = true;
    setImmediate(() => {
      this.#sweepScheduled = false;
      this.#sweep();
    });
  }

  #sweep(): void {
    for (
      let round = 0;
      round < MAX_ROUNDS && (this.#touched.size > 0 || this.#fired.size > 0);
      round++
    ) {
      const fired = [...this.#fired];
      this.#fired.clear();
      for (const w of fired) this.#touched.delete(w);
      const touched = [...this.#touched];
      this.#touched.clear();
      for (const w of fired) if (this.#watched.get(w.fd) === w) w.check(true);
      for (const w of touched) if (this.#watched.get(w.fd) === w) w.check(false);
    }
    if (this.#spin()) return;
    // Still busy after many rounds (a socket that keeps receiving): go on next turn, let I/O run.
    if (this.#touched.size > 0 || this.#fired.size > 0) this.#scheduleSweep();
    this.#arm();
  }

  /**
   * Whether a waiting socket is looked at again next turn instead of parking now. The event loop
   * runs between two looks (timers, I/O, other sockets), and each look yields the CPU first, so
   * that libzmq's I/O threads run: on two cores, spinning without yielding made it all slower.
   */
  #spin(): boolean {
    if (this.#waits.size === 0) return false;
    const now = performance.now();
    let spinning = false;
    for (const [w, wait] of this.#waits) {
      if (!w.waiting || this.#watched.get(w.fd) !== w) {
        this.#waits.delete(w);
      } else if (!wait.spins) {
        continue;
      } else if (now - wait.since < SPIN_MS) {
        this.#touched.add(w);
        spinning = true;
      } else {
        // This spin found nothing: the next waits park at once, more of them each time.
        wait.spins = false;
        this.#spinBackoff = Math.min(Math.max(1, this.#spinBackoff * 2), MAX_SPIN_SKIP);
        this.#spinSkip = this.#spinBackoff;
      }
    }
    if (!spinning) return false;
    this.#libc.yield();
    this.#scheduleSweep();
    return true;
  }

  #arm(): void {
    if (this.#polling || this.#parking === undefined || this.#watched.size === 0) return;
    this.#polling = this.#parking.arm(this.#control, [...this.#watched.keys()]);
  }

  #start(): void {
    const parked = parking(this.#libc, (ready) => {
      if (this.#parking !== parked) return;
      this.#polling = false;
      for (const fd of ready) {
        const w = this.#watched.get(fd);
        if (w !== undefined) this.#fired.add(w);
      }
      this.#sweep();
    });
    this.#parking = parked;
    this.#polling = false;
  }

  #stop(): void {
    const parked = this.#parking;
    if (parked === undefined) return;
    this.#parking = undefined;
    this.#polling = false;
    this.#libc.signal(this.#control); // a pending wait returns
    parked.stop();
  }
}
