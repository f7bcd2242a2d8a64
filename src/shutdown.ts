/**
 * Clean shutdown on Ctrl-C (SIGINT) and SIGTERM, the Guide's "handling
 * interrupt signals" made one call: blocked calls end with ETERM, so loops
 * unwind; sockets close with their linger, so queued messages still go out;
 * then the process exits with status 0.
 *
 * @module
 */

import process from "node:process";
import { setTimeout as unrefTimeout } from "node:timers";
import { type Context, defaultContext } from "./context.ts";

/** Options for {@link shutdownOnSignals}. */
export interface ShutdownOptions {
  /** The context to end (default: the default context). */
  context?: Context;
  /** Which signals (default SIGINT and SIGTERM). */
  signals?: ("SIGINT" | "SIGTERM" | "SIGHUP")[];
  /** How long (ms) lingering messages may take before they are dropped and the process exits. Default 2000. */
  graceMs?: number;
  /** Called first, with the signal's name (e.g. to print "interrupt received"). */
  onSignal?: (signal: string) => void;
}

/**
 * Installs the handlers. Returns a function that removes them.
 *
 * @example
 * ```ts
 * shutdownOnSignals({ onSignal: () => console.log("W: interrupt received, killing server...") });
 * for await (const [request] of responder) await responder.send("World");
 * // after Ctrl-C the loop ends (the socket is closed) and the process exits 0
 * ```
 */
export function shutdownOnSignals(options: ShutdownOptions = {}): () => void {
  const signals = options.signals ?? ["SIGINT", "SIGTERM"];
  const grace = options.graceMs ?? 2000;
  const handler = (signal: string) => {
    remove();
    options.onSignal?.(signal);
    const context = options.context ?? defaultContext();
    context.shutdown(grace).then(() => {
      process.exitCode = 0;
      // Exit even if something else (a timer, a server) would keep the process up, but give
      // the application's loops, now ending with ETERM, a moment to finish first.
      unrefTimeout(() => process.exit(0), 50).unref();
    });
  };
  const remove = () => {
    for (const s of signals) process.off(s, handler);
  };
  for (const s of signals) process.on(s, handler);
  return remove;
}
