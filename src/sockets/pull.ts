/**
 * PULL (RFC 30): fair-queues messages from its PUSH peers. It never sends.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message, Pipe } from "../pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { Socket, type SocketConstructorOptions } from "../socket.ts";

/**
 * @example
 * ```ts
 * const pull = new Pull();
 * pull.connect("tcp://127.0.0.1:5557");
 * for await (const [task] of pull) console.log(new TextDecoder().decode(task));
 * ```
 */
export class Pull extends Socket {
  readonly type = "PULL";
  #fq = new FairQueue();

  /** Keep only the newest message in each queue (libzmq's ZMQ_CONFLATE; for single-part messages). */
  conflate: boolean;

  constructor({ conflate = false, ...options }: SocketConstructorOptions & { conflate?: boolean } = {}) {
    super("PULL", options);
    this.conflate = conflate;
  }

  protected override conflates(): boolean {
    return this.conflate;
  }

  protected attachPipe(pipe: Pipe): void {
    this.#fq.add(pipe);
  }
  protected detachPipe(pipe: Pipe): void {
    this.#fq.release(pipe);
  }
  protected trySend(_msg: Message): boolean {
    throw zmqError("ENOTSUP", "PULL sockets cannot send");
  }
  protected tryReceive(): Message | undefined {
    return this.#fq.receive()?.msg;
  }
  protected hasReadable(): boolean {
    return this.#fq.readable;
  }
  protected hasWritable(): boolean {
    return false;
  }
}
