/**
 * DEALER (RFC 28): load-balances outgoing messages, fair-queues incoming
 * ones, and leaves envelopes to the application.
 *
 * @module
 */

import type { Message, Pipe } from "../pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { LoadBalancer } from "../routing/load_balancer.ts";
import { Socket, type SocketConstructorOptions } from "../socket.ts";

/**
 * @example
 * ```ts
 * const dealer = new Dealer({ routingId: "client-1" });
 * dealer.connect("tcp://127.0.0.1:5555");
 * await dealer.send(["", "request"]); // a REP peer needs the empty delimiter
 * const [, reply] = await dealer.receive();
 * ```
 */
export class Dealer extends Socket {
  readonly type = "DEALER";
  #lb = new LoadBalancer();
  #fq = new FairQueue();

  constructor(options?: SocketConstructorOptions) {
    super("DEALER", options);
  }

  protected attachPipe(pipe: Pipe): void {
    this.#lb.add(pipe);
    this.#fq.add(pipe);
  }
  protected detachPipe(pipe: Pipe): void {
    this.#lb.remove(pipe);
    this.#fq.release(pipe);
  }
  protected trySend(msg: Message): boolean {
    return this.#lb.send(msg) !== undefined;
  }
  protected tryReceive(): Message | undefined {
    return this.#fq.receive()?.msg;
  }
  protected hasReadable(): boolean {
    return this.#fq.readable;
  }
  protected hasWritable(): boolean {
    return this.#lb.writable;
  }
}
