/** Waiting helpers for tests: every wait has a deadline that fails the test. */

/** Resolves with `p`, or rejects after `ms` with a message naming what was awaited. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

type Events = {
  on(t: any, f: (e: any) => void): unknown;
  off(t: any, f: (e: any) => void): unknown;
};

/** Resolves when `sock.events` reports an event of `type`. */
export function nextEvent(events: Events, type: string, ms = 5000): Promise<any> {
  return eventCount(events, type, 1, ms).then((all) => all[0]);
}

/** Resolves with the first `count` events of `type` reported from now on. */
export function eventCount(events: Events, type: string, count: number, ms = 5000): Promise<any[]> {
  let listener: (e: any) => void;
  const seen: any[] = [];
  const p = new Promise<any[]>((resolve) => {
    listener = (e) => {
      seen.push(e);
      if (seen.length === count) resolve(seen);
    };
    events.on(type, listener);
  });
  return within(p, ms, `${count} "${type}" event(s)`).finally(() => events.off(type, listener));
}

/** Polls `cond` on each macrotask until true; fails after `ms`. For state with no event to wait on. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
