/**
 * Looking again before sleeping, for the two ends of a cross-thread ring.
 *
 * A side that finds the ring empty (or full) would ask the other to ring its
 * doorbell, a MessagePort message. Waking a sleeping thread that way costs
 * about 25 µs here on either runtime, and posting it costs the other side
 * more on Deno (20-50 µs). The answer usually comes sooner: so the side looks
 * at the ring again on each turn of its event loop for up to {@link LOOK_MS}
 * first, asking to be rung only if nothing came (measured, a ping-pong
 * between two threads on Deno: one way 24.8 µs sleeping at once, 2.0-3.1 µs
 * looking for 20-50 µs first). The event loop runs between two looks.
 *
 * A look that found nothing makes the next ones on that side skip looking (1,
 * 2, 4 ... 64 of them), so an idle connection costs at most a look now and
 * then, and a look is never made where setImmediate is not the runtime's own
 * (a browser: each look would be a posted message).
 *
 * @module
 */

/** How long a side looks before asking to be rung. */
export const LOOK_MS = 0.05;
const MAX_SKIP = 64;

type Immediate = (callback: () => void) => unknown;
const immediate = (globalThis as { setImmediate?: Immediate }).setImmediate;

/**
 * One side's looks: how many sleeps still skip looking after looks that found nothing. Each queue
 * has its own, so an idle connection does not stop a busy one from looking.
 *
 * @example
 * ```ts
 * const looks = new Looks();
 * if (!looks.before(() => reader.available > 0, (found) => found ? take() : sleep())) sleep();
 * ```
 */
export class Looks {
  #skip = 0;
  #backoff = 0;

  /**
   * Looks at `ready()` on each later turn of the event loop, for up to {@link LOOK_MS}, then calls
   * `done(true)` as soon as it holds or `done(false)` once the time is up. Returns false, and calls
   * nothing, when this side should not look now (its recent looks found nothing, or there is no
   * native setImmediate): then the caller asks to be rung at once.
   */
  before(ready: () => boolean, done: (found: boolean) => void): boolean {
    if (immediate === undefined) return false;
    if (this.#skip > 0) {
      this.#skip--;
      return false;
    }
    const start = performance.now();
    const look = () => {
      if (ready()) {
        this.#backoff = 0;
        done(true);
      } else if (performance.now() - start < LOOK_MS) {
        immediate(look);
      } else {
        this.#backoff = Math.min(Math.max(1, this.#backoff * 2), MAX_SKIP);
        this.#skip = this.#backoff;
        done(false);
      }
    };
    immediate(look);
    return true;
  }
}
