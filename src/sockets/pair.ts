/**
 * PAIR (RFC 31): exactly one peer; a second connection is turned away.
 * Sends wait while the peer is at its high-water mark or absent.
 *
 * @module
 */

import type { Message, PeerInfo, Pipe } from "../pipe.ts";
import { Socket, type SocketConstructorOptions } from "../socket.ts";

/**
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
  readonly type = "PAIR";
  #pipe: Pipe | undefined;

  constructor(options?: SocketConstructorOptions) {
    super("PAIR", options);
  }

  protected override acceptsPipe(_peer: PeerInfo): boolean {
    return this.#pipe === undefined;
  }
  protected attachPipe(pipe: Pipe): void {
    this.#pipe = pipe;
  }
  protected detachPipe(pipe: Pipe): void {
    if (this.#pipe === pipe && pipe.inbound.size === 0) this.#pipe = undefined;
  }
  protected trySend(msg: Message): boolean {
    const p = this.#pipe;
    if (p === undefined || !p.alive || p.outbound.full) return false;
    p.outbound.push(msg);
    return true;
  }
  protected tryReceive(): Message | undefined {
    const p = this.#pipe;
    if (p === undefined) return undefined;
    const msg = p.inbound.shift();
    if (!p.alive && p.inbound.size === 0) this.#pipe = undefined;
    return msg;
  }
  protected hasReadable(): boolean {
    return (this.#pipe?.inbound.size ?? 0) > 0;
  }
  protected hasWritable(): boolean {
    const p = this.#pipe;
    return p !== undefined && p.alive && !p.outbound.full;
  }
}
