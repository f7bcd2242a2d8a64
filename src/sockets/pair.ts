/**
 * PAIR (RFC 31): exactly one peer; a second connection is turned away.
 * Sends wait while the peer is at its high-water mark or absent.
 *
 * @module
 */

import type { Message, PeerInfo, Pipe } from "../pipe.ts";
import { registerSocketType, Socket, type SocketConstructorOptions } from "../socket.ts";

/**
 * An exclusive pair socket (PAIR): one peer, both directions.
 *
 * @example
 * ```ts
 * const a = new Pair();
 * await a.bind("inproc://step");
 * const b = new Pair();
 * b.connect("inproc://step");
 * await b.send("ready");
 * const [signal] = await a.receive();
 * ```
 */
export class Pair extends Socket {
  /** The ZMTP socket type. */
  readonly type = "PAIR";
  #pipe: Pipe | undefined;

  /** Makes a socket of this type; pass any socket option, and this type's own, as fields. */
  constructor(options?: SocketConstructorOptions) {
    super("PAIR", options);
    // Sealed once built (zeromq.js): a typo in an option name throws instead of adding a field.
    if (new.target === Pair) Object.seal(this);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected override acceptsPipe(_peer: PeerInfo): boolean {
    return this.#pipe === undefined;
  }
  /** @internal A routing hook of {@link Socket}. */
  protected attachPipe(pipe: Pipe): void {
    this.#pipe = pipe;
  }
  /** @internal A routing hook of {@link Socket}. */
  protected detachPipe(pipe: Pipe): void {
    if (this.#pipe === pipe && pipe.inbound.size === 0) this.#pipe = undefined;
  }
  /** @internal A routing hook of {@link Socket}. */
  protected trySend(msg: Message): boolean {
    const p = this.#pipe;
    if (p === undefined || !p.alive || p.outbound.full) return false;
    p.outbound.push(msg);
    return true;
  }
  /** @internal A routing hook of {@link Socket}. */
  protected tryReceive(): Message | undefined {
    const p = this.#pipe;
    if (p === undefined) return undefined;
    const msg = p.inbound.shift();
    if (!p.alive && p.inbound.size === 0) this.#pipe = undefined;
    return msg;
  }
  /** @internal A routing hook of {@link Socket}. */
  protected hasReadable(): boolean {
    return (this.#pipe?.inbound.size ?? 0) > 0;
  }
  /** @internal A routing hook of {@link Socket}. */
  protected hasWritable(): boolean {
    const p = this.#pipe;
    return p !== undefined && p.alive && !p.outbound.full;
  }
}

registerSocketType(0, Pair);
