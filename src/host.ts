/**
 * The Node built-ins the core uses, found at first use through `process.getBuiltinModule`, which
 * Deno and Bun both have: timers that need not keep the process alive (node:timers' `unref`), and
 * warnings. A web page has no `process`: there the timers are the page's own (a page has no
 * process to keep alive) and warnings go to the console. Nothing here runs at load time, so the
 * browser build carries no `node:` import.
 *
 * @module
 */

/** A timer that can stop (or start again) keeping the process alive. */
export interface HostTimer {
  ref(): HostTimer;
  unref(): HostTimer;
}

/** node:timers, as the core uses it. */
export interface HostTimers {
  setTimeout(fn: () => void, ms: number): HostTimer;
  setInterval(fn: () => void, ms: number): HostTimer;
  /** Stops a timeout or an interval. */
  clearTimeout(timer: HostTimer): void;
}

type Process = {
  getBuiltinModule?(name: string): unknown;
  emitWarning?(message: string): void;
};
const hostProcess = (): Process | undefined => (globalThis as { process?: Process }).process;

let timers: HostTimers | undefined;

/**
 * node:timers on Deno and Bun; the page's timers, whose `ref` and `unref` do nothing, elsewhere.
 *
 * @example
 * ```ts
 * const timer = hostTimers().setTimeout(() => console.log("later"), 100).unref();
 * ```
 */
export function hostTimers(): HostTimers {
  return timers ??= (hostProcess()?.getBuiltinModule?.("node:timers") as HostTimers | undefined) ??
    pageTimers();
}

function pageTimers(): HostTimers {
  const handle = (id: ReturnType<typeof setTimeout>) => {
    const timer = { id, ref: () => timer, unref: () => timer };
    return timer;
  };
  return {
    setTimeout: (fn, ms) => handle(setTimeout(fn, ms)),
    setInterval: (fn, ms) => handle(setInterval(fn, ms)),
    clearTimeout: (timer) => {
      const id = (timer as { id?: ReturnType<typeof setTimeout> }).id;
      clearTimeout(id);
      clearInterval(id);
    },
  };
}

/**
 * A warning, as Node's `process.emitWarning` gives it (on stderr, once per process for the same
 * text in zeromq.js's manner); on the console in a page.
 *
 * @example
 * ```ts
 * emitWarning("Socket option will not take effect until next connect/bind.");
 * ```
 */
export function emitWarning(message: string): void {
  const p = hostProcess();
  if (p?.emitWarning !== undefined) p.emitWarning(message);
  else console.warn(message);
}
