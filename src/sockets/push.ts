/**
 * PUSH (RFC 30): load-balances messages to its PULL peers; waits when every
 * peer is at its high-water mark or none is connected. It never receives.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message, Pipe } from "../pipe.ts";
import { LoadBalancer } from "../routing/load_balancer.ts";
import { registerSocketType, Socket, type SocketConstructorOptions } from "../socket.ts";

/**
 * A pipeline producer socket (PUSH): load-balances messages over its pullers.
 *
 * @example
 * ```ts
 * const push = new Push();
 * await push.bind("tcp://127.0.0.1:5557");
 * await push.send("task 1");
 * ```
 */
export class Push extends Socket {
  /** The ZMTP socket type. */
  readonly type = "PUSH";
  #lb = new LoadBalancer();

  /** Keep only the newest message in each queue (libzmq's ZMQ_CONFLATE; for single-part messages). */
  conflate: boolean;

  /** Makes a socket of this type; pass any socket option, and this type's own, as fields. */
  constructor(
    { conflate = false, ...options }: SocketConstructorOptions & { conflate?: boolean } = {},
  ) {
    super("PUSH", options);
    this.conflate = conflate;
    // Sealed once built (zeromq.js): a typo in an option name throws instead of adding a field.
    if (new.target === Push) Object.seal(this);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected override conflates(): boolean {
    return this.conflate;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected attachPipe(pipe: Pipe): void {
    this.#lb.add(pipe);
  }
  /** @internal A routing hook of {@link Socket}. */
  protected detachPipe(pipe: Pipe): void {
    this.#lb.remove(pipe);
  }
  /** @internal A routing hook of {@link Socket}. */
  protected trySend(msg: Message): boolean {
    return this.#lb.send(msg) !== undefined;
  }
  /** @internal A routing hook of {@link Socket}. */
  protected tryReceive(): Message | undefined {
    throw zmqError("ENOTSUP", "PUSH sockets cannot receive");
  }
  /** @internal A routing hook of {@link Socket}. */
  protected hasReadable(): boolean {
    return false;
  }
  /** @internal A routing hook of {@link Socket}. */
  protected hasWritable(): boolean {
    return this.#lb.writable;
  }
}

registerSocketType(8, Push);
