// Pauses for the cross-thread tests: around a side's look at the ring before it sleeps (50 µs,
// src/threads/look_before_sleep.ts), below and past it, so that messages and room arrive while
// the other side looks, just after it gave up, and long after.

/** The pauses, in µs, taken in turn. */
export const PAUSES_US = [0, 5, 20, 45, 55, 80, 150, 600, 2000];

/** Holds this thread for `us` µs: the pause is the stimulus, not a wait for an event. */
export function pause(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end) {
    // busy: a timer would add its own delay
  }
}
