/** Waiting helpers for tests: every wait has a deadline that fails the test. */

/** Resolves with `p`, or rejects after `ms` with a message naming what was awaited. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves when `sock.events` reports an event of `type`. */
export function nextEvent(
  events: { on(t: any, f: (e: any) => void): unknown; off(t: any, f: (e: any) => void): unknown },
  type: string,
  ms = 5000,
): Promise<any> {
  let listener: (e: any) => void;
  const p = new Promise<any>((resolve) => {
    listener = (e) => {
      events.off(type, listener);
      resolve(e);
    };
    events.on(type, listener);
  });
  return within(p, ms, `event "${type}"`).finally(() => events.off(type, listener));
}

/** Polls `cond` on each macrotask until true; fails after `ms`. For state with no event to wait on. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
