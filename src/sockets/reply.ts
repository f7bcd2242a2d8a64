/**
 * REP (RFC 28): fair-queues requests and sends each reply back to the peer
 * that asked, with the envelope (routing ids up to the empty delimiter) the
 * request came with (zmtp.md §4.3).
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message, Pipe } from "../pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { registerSocketType, Socket, type SocketConstructorOptions } from "../socket.ts";

/**
 * A reply socket (REP): answers each request on the envelope it came with.
 *
 * @example
 * ```ts
 * const rep = new Reply();
 * await rep.bind("tcp://*:5555");
 * for await (const [request] of rep) await rep.send("World");
 * ```
 */
export class Reply extends Socket {
  /** The ZMTP socket type. */
  readonly type = "REP";
  #fq = new FairQueue();
  #replyTo: { pipe: Pipe; envelope: Message } | undefined;

  /** Makes a socket of this type; pass any socket option, and this type's own, as fields. */
  constructor(options?: SocketConstructorOptions) {
    super("REP", options);
    // Sealed once built (zeromq.js): a typo in an option name throws instead of adding a field.
    if (new.target === Reply) Object.seal(this);
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
  protected trySend(msg: Message): boolean {
    const to = this.#replyTo;
    if (to === undefined) {
      throw zmqError(
        "EFSM",
        "Operation cannot be accomplished in current state: a REP socket must receive a request first",
      );
    }
    this.#replyTo = undefined;
    // The asker may be gone or full: the reply is dropped, never waited on (libzmq).
    if (to.pipe.alive && !to.pipe.outbound.full) to.pipe.outbound.push([...to.envelope, ...msg]);
    return true;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected tryReceive(): Message | undefined {
    if (this.#replyTo !== undefined) {
      throw zmqError(
        "EFSM",
        "Operation cannot be accomplished in current state: a REP socket must send its reply first",
      );
    }
    for (;;) {
      const msg = this.#fq.receive();
      if (msg === undefined) return undefined;
      const end = msg.findIndex((f) => f.length === 0);
      if (end < 0) continue; // no delimiter: malformed, dropped (test_invalid_rep)
      this.#replyTo = { pipe: this.#fq.from!, envelope: msg.slice(0, end + 1) };
      return msg.slice(end + 1);
    }
  }

  /** @internal A routing hook of {@link Socket}. */
  protected hasReadable(): boolean {
    return this.#replyTo === undefined && this.#fq.readable;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected hasWritable(): boolean {
    return this.#replyTo !== undefined;
  }
}

registerSocketType(4, Reply);
