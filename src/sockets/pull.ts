/**
 * PULL (RFC 30): fair-queues messages from its PUSH peers. It never sends.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message, Pipe } from "../pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { registerSocketType, Socket, type SocketConstructorOptions } from "../socket.ts";

/**
 * A pipeline consumer socket (PULL): fair-queues messages from its pushers.
 *
 * @example
 * ```ts
 * const pull = new Pull();
 * pull.connect("tcp://127.0.0.1:5557");
 * for await (const [task] of pull) console.log(new TextDecoder().decode(task));
 * ```
 */
export class Pull extends Socket {
  /** The ZMTP socket type. */
  readonly type = "PULL";
  #fq = new FairQueue();

  /** Keep only the newest message in each queue (libzmq's ZMQ_CONFLATE; for single-part messages). */
  conflate: boolean;

  /** Makes a socket of this type; pass any socket option, and this type's own, as fields. */
  constructor(
    { conflate = false, ...options }: SocketConstructorOptions & { conflate?: boolean } = {},
  ) {
    super("PULL", options);
    this.conflate = conflate;
    // Sealed once built (zeromq.js): a typo in an option name throws instead of adding a field.
    if (new.target === Pull) Object.seal(this);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected override conflates(): boolean {
    return this.conflate;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected attachPipe(pipe: Pipe): void {
    this.#fq.add(pipe);
  }
  /** @internal A routing hook of {@link Socket}. */
  protected detachPipe(pipe: Pipe): void {
    this.#fq.release(pipe);
  }

  /** @internal A pipe has messages again: it gets turns in the fair queue. */
  protected override pipeReadable(pipe: Pipe): void {
    this.#fq.activate(pipe);
  }
  /** @internal A routing hook of {@link Socket}. */
  protected trySend(_msg: Message): boolean {
    throw zmqError("ENOTSUP", "PULL sockets cannot send");
  }
  /** @internal A routing hook of {@link Socket}. */
  protected tryReceive(): Message | undefined {
    return this.#fq.receive();
  }
  /** @internal A routing hook of {@link Socket}. */
  protected hasReadable(): boolean {
    return this.#fq.readable;
  }
  /** @internal A routing hook of {@link Socket}. */
  protected hasWritable(): boolean {
    return false;
  }
}

registerSocketType(7, Pull);
