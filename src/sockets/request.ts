/**
 * REQ (RFC 28): sends one request at a time, load-balanced, and accepts the
 * reply only from the peer it asked (zmtp.md §4.2). On the wire each request
 * is led by an empty delimiter frame (and a request id with `correlate`).
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message, Pipe } from "../pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { LoadBalancer } from "../routing/load_balancer.ts";
import { registerSocketType, Socket, type SocketConstructorOptions } from "../socket.ts";
import { sendProbe } from "./dealer.ts";

/** REQ's own options. */
export interface RequestOptions {
  /** Prefix each request with a request id and accept only the matching reply. */
  correlate: boolean;
  /** Allow a new request before the reply to the last one; the old reply is then ignored. */
  relaxed: boolean;
  /** Send an empty message to each new peer, so that a ROUTER learns of us at once. */
  probeRouter: boolean;
}

const EMPTY = new Uint8Array(0);

/**
 * A request socket (REQ): one request, then its reply, in strict turn.
 *
 * @example
 * ```ts
 * const req = new Request();
 * req.connect("tcp://127.0.0.1:5555");
 * await req.send("Hello");
 * const [reply] = await req.receive();
 * ```
 */
export class Request extends Socket {
  /** The ZMTP socket type. */
  readonly type = "REQ";
  /** As in {@link RequestOptions.correlate}. */
  correlate: boolean;
  /** As in {@link RequestOptions.relaxed}. */
  relaxed: boolean;
  /** As in {@link RequestOptions.probeRouter}. */
  probeRouter: boolean;
  #lb = new LoadBalancer();
  #fq = new FairQueue();
  #awaiting: Pipe | undefined;
  #requestId = (Math.random() * 0x1_0000_0000) >>> 0;
  #idFrame: Uint8Array | undefined;

  /** Makes a socket of this type; pass any socket option, and this type's own, as fields. */
  constructor(
    { correlate = false, relaxed = false, probeRouter = false, ...options }:
      & SocketConstructorOptions
      & Partial<RequestOptions> = {},
  ) {
    super("REQ", options);
    this.correlate = correlate;
    this.relaxed = relaxed;
    this.probeRouter = probeRouter;
    // Sealed once built (zeromq.js): a typo in an option name throws instead of adding a field.
    if (new.target === Request) Object.seal(this);
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
    if (this.#awaiting !== undefined && !this.relaxed) {
      throw zmqError(
        "EFSM",
        "Operation cannot be accomplished in current state: a REQ socket must receive the reply first",
      );
    }
    let wire = [EMPTY, ...msg];
    let idFrame: Uint8Array | undefined;
    if (this.correlate) {
      idFrame = new Uint8Array(4);
      // libzmq copies the uint32 in host order; both ends only compare bytes.
      new DataView(idFrame.buffer).setUint32(0, this.#requestId, true);
      wire = [idFrame, ...wire];
    }
    const pipe = this.#lb.send(wire);
    if (pipe === undefined) return false;
    this.#requestId = (this.#requestId + 1) >>> 0;
    this.#awaiting = pipe;
    this.#idFrame = idFrame;
    return true;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected tryReceive(): Message | undefined {
    if (this.#awaiting === undefined) {
      throw zmqError(
        "EFSM",
        "Operation cannot be accomplished in current state: a REQ socket must send a request first",
      );
    }
    for (;;) {
      let msg = this.#fq.receive();
      if (msg === undefined) return undefined;
      if (this.#fq.from !== this.#awaiting) continue; // a late reply from a peer we no longer ask
      if (this.#idFrame !== undefined) {
        const id = msg[0];
        if (id === undefined || id.length !== 4 || !id.every((b, i) => b === this.#idFrame![i])) {
          continue;
        }
        msg = msg.slice(1);
      }
      if (msg.length < 2 || msg[0]!.length !== 0) continue; // no delimiter: not a reply
      this.#awaiting = undefined;
      return msg.slice(1);
    }
  }

  /** @internal A routing hook of {@link Socket}. */
  protected hasReadable(): boolean {
    return this.#awaiting !== undefined && this.#awaiting.inbound.size > 0;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected hasWritable(): boolean {
    return (this.#awaiting === undefined || this.relaxed) && this.#lb.writable;
  }
}

registerSocketType(3, Request);
