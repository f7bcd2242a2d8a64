/**
 * The life of a socket's pipes: attaching a peer's pipe to the socket type's
 * routing, ringing the waiting calls when a pipe becomes readable or
 * writable, and letting go of pipes. Readiness listeners (a Poller) are told
 * of every change.
 *
 * @module
 */

import { combinedHwm, type PeerInfo, type Pipe } from "./pipe.ts";
import type { SocketOptions } from "./options.ts";

/** What a socket type and the socket's waiting calls are told about pipes. */
export interface PipeHooks {
  /** Whether a peer's pipe may be attached (PAIR takes only one). */
  accepts(peer: PeerInfo): boolean;
  /** A new peer's pipe is ready for routing. */
  attach(pipe: Pipe): void;
  /** A pipe is gone from routing. */
  detach(pipe: Pipe): void;
  /** A pipe has messages to read (a publisher applies subscriptions here). */
  readable(pipe: Pipe): void;
  /** A pipe may have room, or routing changed: a waiting send tries again. */
  retrySend(): void;
  /** A pipe may have messages, or routing changed: a waiting receive tries again. */
  retryReceive(): void;
}

/**
 * @internal A socket's live pipes.
 *
 * @example
 * ```ts
 * const pipes = new SocketPipes(hooks);
 * pipes.add(pipe);         // routed from now on
 * pipes.drop(pipe, 0);     // gone, its queued messages dropped
 * ```
 */
export class SocketPipes {
  #hooks: PipeHooks;
  #pipes = new Set<Pipe>();
  #readiness = new Set<() => void>();

  constructor(hooks: PipeHooks) {
    this.#hooks = hooks;
  }

  /**
   * Starts serving a peer's pipe: doorbells, routing, and waiting calls.
   * With `checkPeer` (a pipe made elsewhere, the far end of an inproc pair),
   * a peer the socket type refuses is closed instead; returns false then.
   */
  add(pipe: Pipe, checkPeer = false): boolean {
    const hooks = this.#hooks;
    if (checkPeer && !hooks.accepts(pipe.peer)) {
      pipe.close(0);
      return false;
    }
    this.#pipes.add(pipe);
    pipe.inbound.onReadable = () => {
      hooks.readable(pipe);
      // A queue that waits out its writer's bursts wakes waiting receives at the burst's end
      // (looked at each time: a cross-thread link may have replaced the queue).
      if (!pipe.inbound.waitsOutBursts) hooks.retryReceive();
      this.notify();
    };
    pipe.inbound.onBurstOver = () => hooks.retryReceive();
    pipe.outbound.onWritable = () => {
      hooks.retrySend();
      this.notify();
    };
    pipe.onEnded = (p) => {
      this.#pipes.delete(p);
      hooks.detach(p);
      hooks.retrySend();
      hooks.retryReceive(); // XPUB reports the subscriptions that left with the peer
      this.notify();
    };
    hooks.attach(pipe);
    if (pipe.inbound.size > 0) {
      pipe.inbound.onReadable();
      if (pipe.inbound.waitsOutBursts) hooks.retryReceive();
    }
    hooks.retrySend();
    this.notify();
    return true;
  }

  /** Lets go of a pipe; its queued outbound messages may linger `linger` ms with the far end. */
  drop(pipe: Pipe, linger: number): void {
    this.#pipes.delete(pipe);
    pipe.close(linger); // first, so the type sees a dead, empty pipe and forgets it
    this.#hooks.detach(pipe);
  }

  /** Lets go of every pipe (the socket is closing). */
  dropAll(linger: number): void {
    for (const p of [...this.#pipes]) this.drop(p, linger);
  }

  /** A high-water mark changed: every pipe's queue takes the new mark (with an inproc peer's on top). */
  applyMarks(options: SocketOptions): void {
    const { sendHighWaterMark: snd, receiveHighWaterMark: rcv } = options;
    for (const p of this.#pipes) {
      const far = p.farMarks;
      p.outbound.hwm = far === undefined ? snd : combinedHwm(snd, far.receive);
      p.inbound.hwm = far === undefined ? rcv : combinedHwm(far.send, rcv);
    }
  }

  /**
   * Calls `listener` whenever the socket may have become readable or
   * writable (a Poller re-checks then). Returns a function that stops it.
   */
  onReadiness(listener: () => void): () => void {
    this.#readiness.add(listener);
    return () => this.#readiness.delete(listener);
  }

  /** Tells the readiness listeners to look again. */
  notify(): void {
    if (this.#readiness.size === 0) return; // the common case: no copy of an empty set
    for (const l of [...this.#readiness]) l();
  }
}
