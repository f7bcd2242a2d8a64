/**
 * A Context owns its sockets, the inproc endpoint registry and termination.
 * Sockets made without one join the process-wide default context.
 *
 * @module
 */

import { zmqError } from "./errors.ts";
import { InprocRegistry } from "./inproc.ts";
import type { Socket } from "./socket.ts";
import type { StreamTransport } from "./transports/stream.ts";
import { runtimeTransport } from "./transports/runtime.ts";

/**
 * @example
 * ```ts
 * const ctx = new Context();
 * const pull = new Pull({ context: ctx });
 * const pending = pull.receive();
 * ctx.terminate();
 * await pending.catch((e) => console.assert(e.code === "ETERM"));
 * ```
 */
export class Context {
  #sockets = new Set<Socket>();
  #lingering = new Set<() => void>();
  #terminated = false;
  /** @internal inproc endpoints bound in this context. */
  readonly inproc: InprocRegistry = new InprocRegistry();
  /** @internal The tcp/ipc transport of this runtime. */
  readonly transport: StreamTransport;

  constructor(options: { transport?: StreamTransport } = {}) {
    this.transport = options.transport ?? runtimeTransport();
  }

  /** True once {@link terminate} was called. */
  get terminated(): boolean {
    return this.#terminated;
  }

  /**
   * Ends the context: every socket closes, pending sends and receives fail
   * with ETERM, and queued messages are dropped (no lingering).
   */
  terminate(): void {
    this.#terminated = true;
    for (const s of [...this.#sockets]) s.terminate();
    for (const cancel of [...this.#lingering]) cancel();
    this.#lingering.clear();
  }

  /** @internal */
  register(socket: Socket): void {
    if (this.#terminated) {
      throw zmqError("ETERM", "Context was terminated");
    }
    this.#sockets.add(socket);
  }

  /** @internal */
  unregister(socket: Socket): void {
    this.#sockets.delete(socket);
  }

  /** @internal Work that lingers after a socket closed; terminate() cancels it. */
  linger(cancel: () => void): () => void {
    this.#lingering.add(cancel);
    return () => this.#lingering.delete(cancel);
  }
}

let shared: Context | undefined;

/** The process-wide default context (zeromq.js's `context`). */
export function defaultContext(): Context {
  if (shared === undefined || shared.terminated) shared = new Context();
  return shared;
}
