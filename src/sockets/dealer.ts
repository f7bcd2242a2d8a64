/**
 * DEALER (RFC 28): load-balances outgoing messages, fair-queues incoming
 * ones, and leaves envelopes to the application.
 *
 * @module
 */

import type { Message, Pipe } from "../pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { LoadBalancer } from "../routing/load_balancer.ts";
import { registerSocketType, Socket, type SocketConstructorOptions } from "../socket.ts";

/** DEALER's own options. */
export interface DealerOptions {
  /** Send an empty message to each new peer, so that a ROUTER learns of us at once. */
  probeRouter: boolean;
  /** Keep only the newest message in each queue. */
  conflate: boolean;
}

/**
 * Queues the probe libzmq's `probeRouter` sends first on every new pipe: one
 * empty frame, which a ROUTER delivers as `[routingId, ""]`.
 */
export function sendProbe(pipe: Pipe): void {
  pipe.outbound.push([new Uint8Array(0)]);
}

/**
 * An asynchronous request-reply socket (DEALER).
 *
 * @example
 * ```ts
 * const dealer = new Dealer({ routingId: "client-1" });
 * dealer.connect("tcp://127.0.0.1:5555");
 * await dealer.send(["", "request"]); // a REP peer needs the empty delimiter
 * const [, reply] = await dealer.receive();
 * ```
 */
export class Dealer extends Socket {
  /** The ZMTP socket type. */
  readonly type = "DEALER";
  /** As in {@link DealerOptions.probeRouter}. */
  probeRouter: boolean;
  /** As in {@link DealerOptions.conflate}. */
  conflate: boolean;
  #lb = new LoadBalancer();
  #fq = new FairQueue();

  /** Makes a socket of this type; pass any socket option, and this type's own, as fields. */
  constructor(
    { probeRouter = false, conflate = false, ...options }:
      & SocketConstructorOptions
      & Partial<DealerOptions> = {},
  ) {
    super("DEALER", options);
    this.probeRouter = probeRouter;
    this.conflate = conflate;
    // Sealed once built (zeromq.js): a typo in an option name throws instead of adding a field.
    if (new.target === Dealer) Object.seal(this);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected override conflates(): boolean {
    return this.conflate;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected attachPipe(pipe: Pipe): void {
    if (this.probeRouter) sendProbe(pipe);
    this.#lb.add(pipe);
    this.#fq.add(pipe);
  }
  /** @internal A routing hook of {@link Socket}. */
  protected detachPipe(pipe: Pipe): void {
    this.#lb.remove(pipe);
    this.#fq.release(pipe);
  }

  /** @internal A pipe has messages again: it gets turns in the fair queue. */
  protected override pipeReadable(pipe: Pipe): void {
    this.#fq.activate(pipe);
  }
  /** @internal A routing hook of {@link Socket}. */
  protected trySend(msg: Message): boolean {
    return this.#lb.send(msg) !== undefined;
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
    return this.#lb.writable;
  }
}

registerSocketType(5, Dealer);
