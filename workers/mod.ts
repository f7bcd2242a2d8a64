/**
 * Threads, the Guide's way: one Context for the process, handed to every
 * Worker; each socket stays in the thread that made it; threads talk only
 * through messages, usually over inproc endpoints.
 *
 * In the parent thread, {@link startWorker} starts a Worker already given
 * the context; in the Worker, {@link joinContext} returns it (and makes it
 * the Worker's default context, so sockets made without one join it too).
 *
 * @example The parent thread (main.ts)
 * ```ts
 * import { Pair } from "@zmq-ts/zmq";
 * import { startWorker } from "@zmq-ts/zmq/workers";
 * const pair = new Pair();
 * await pair.bind("inproc://step");
 * startWorker(new URL("./step.ts", import.meta.url));
 * console.log(await pair.receive());
 * ```
 *
 * @example The Worker (step.ts)
 * ```ts
 * import { Pair } from "@zmq-ts/zmq";
 * import { joinContext } from "@zmq-ts/zmq/workers";
 * await joinContext();
 * const pair = new Pair();
 * pair.connect("inproc://step");
 * await pair.send("ready");
 * ```
 *
 * @module
 */

import process from "node:process";
import { Context, defaultContext, setDefaultContext } from "../src/context.ts";
import { zmqError } from "../src/errors.ts";
import { Socket } from "../src/socket.ts";
import type { ContextHandle } from "../src/threads/protocol.ts";

const READY = "zmq-ts:ready";
const JOIN = "zmq-ts:join";

/** Options for {@link startWorker}. */
export interface StartWorkerOptions {
  /** The context to share (default: this thread's default context). */
  context?: Context;
  /** Anything structured-cloneable, handed to the Worker by {@link joinContext}. */
  data?: unknown;
  /** The Worker's name, for debugging. */
  name?: string;
}

/**
 * Starts a module Worker that shares `context`. When the Worker is
 * terminated (or dies of an uncaught error), its connections are closed in
 * every other thread, so no peer waits on it.
 *
 * A Worker whose module cannot load, or that dies of an uncaught error,
 * ends the program with exit code 1 and a message naming the module, on
 * Deno and Bun alike, unless an `error` listener on the returned Worker
 * calls `preventDefault()`. In a compiled program the Worker's module must
 * be compiled in (see the README's "Single binaries").
 *
 * @example
 * ```ts
 * const worker = startWorker(new URL("./worker.ts", import.meta.url), { data: { id: 1 } });
 * // ...
 * worker.terminate();
 * ```
 */
export function startWorker(url: string | URL, options: StartWorkerOptions = {}): Worker {
  refuseThreadBound(options.data);
  const context = options.context ?? defaultContext();
  const handle = context.handle();
  const worker = new Worker(url, { type: "module", name: options.name });
  // The Worker asks once its listener is in place: a message sent earlier could be lost.
  worker.addEventListener("message", (e: MessageEvent) => {
    if (e.data?.[READY] !== true) return;
    e.stopImmediatePropagation();
    worker.postMessage(
      { [JOIN]: { context: handle, data: options.data } },
      handle.port ? [handle.port] : [],
    );
  });
  let gone = false;
  const ended = () => {
    if (gone) return;
    gone = true;
    context.threadGone(handle.thread);
  };
  const terminate = worker.terminate.bind(worker);
  worker.terminate = () => {
    terminate();
    ended();
  };
  worker.addEventListener("error", (e) => {
    ended();
    endUnlessHandled(e, url);
  });
  worker.addEventListener("close", ended); // Bun reports a Worker's end this way
  return worker;
}

/**
 * A Worker's error that no listener handled (with preventDefault) ends the program with a message
 * naming the module, so a module that cannot load, or a Worker that dies, is never silent. Deno
 * does this itself; Bun only ends the Worker, and does not even exit on an uncaught error while
 * the main module awaits, so the parent would wait forever for a peer that never comes. Bun's
 * ErrorEvent is not cancelable (preventDefault leaves defaultPrevented false), so the call itself
 * is noted. Checked a turn later, once every listener has seen the event.
 */
function endUnlessHandled(e: Event, url: string | URL): void {
  let handled = false;
  const preventDefault = e.preventDefault.bind(e);
  e.preventDefault = () => {
    handled = true;
    preventDefault();
  };
  setTimeout(() => {
    if (handled || e.defaultPrevented) return;
    const detail = (e as ErrorEvent).message ?? String(e);
    console.error(`error: zmq-ts: the Worker ${String(url)} failed: ${detail}`);
    process.exit(1);
  }, 0);
}

/**
 * A socket belongs to the thread that made it, and a context crosses only
 * as a handle: cloned into a Worker either would arrive as a dead plain
 * object, so refuse with a reason instead.
 */
function refuseThreadBound(data: unknown, depth = 0): void {
  if (data === null || typeof data !== "object" || depth > 4) return;
  if (data instanceof Socket) {
    throw zmqError(
      "EINVAL",
      "a socket belongs to the thread that made it and cannot be passed to a Worker: " +
        "make the socket inside the Worker and connect the two over inproc",
    );
  }
  if (data instanceof Context) {
    throw zmqError(
      "EINVAL",
      "pass a Context to a Worker with startWorker(url, { context }), not inside data",
    );
  }
  for (const v of Object.values(data)) refuseThreadBound(v, depth + 1);
}

let joined: Promise<{ context: Context; data: unknown }> | undefined;

/**
 * In a Worker started by {@link startWorker}: the shared context, and the
 * data the parent passed. Call it before anything else that listens for
 * messages; calling it again returns the same.
 *
 * @example
 * ```ts
 * const { context, data } = await joinContext<{ id: number }>();
 * ```
 */
export function joinContext<T = unknown>(): Promise<{ context: Context; data: T }> {
  joined ??= new Promise((resolve, reject) => {
    const scope = globalThis as unknown as {
      addEventListener(t: "message", f: (e: MessageEvent) => void): void;
      removeEventListener(t: "message", f: (e: MessageEvent) => void): void;
      postMessage(m: unknown): void;
    };
    const onMessage = (e: MessageEvent) => {
      const init = e.data?.[JOIN] as { context: ContextHandle; data: unknown } | undefined;
      if (init === undefined) return;
      e.stopImmediatePropagation();
      scope.removeEventListener("message", onMessage);
      attach(init.context).then((context) => {
        setDefaultContext(context);
        resolve({ context, data: init.data });
      }, reject);
    };
    scope.addEventListener("message", onMessage);
    scope.postMessage({ [READY]: true });
  });
  return joined as Promise<{ context: Context; data: T }>;
}

/** Joins a handle's context; one run by libzmq loads the library in this thread first. */
async function attach(handle: ContextHandle): Promise<Context> {
  if (handle.native === undefined) return Context.attach(handle);
  const { libzmq } = await import("../src/libzmq/mod.ts");
  return Context.attach(handle, await libzmq({ path: handle.native.path }));
}
