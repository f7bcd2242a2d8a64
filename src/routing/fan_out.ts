/**
 * Fan-out: one message to many pipes (libzmq's `dist_t`). A pipe at its
 * high-water mark misses the message (PUB/XPUB/XSUB drop per peer and never
 * block); with no-drop the sender asks first whether every target has room.
 *
 * @module
 */

import type { Message, Pipe } from "../pipe.ts";
import type { SubscriberTrie } from "./subscriber_trie.ts";

/**
 * @example
 * ```ts
 * const out = new FanOut();
 * out.add(pipeA);
 * out.add(pipeB);
 * out.sendToAll([new TextEncoder().encode("news")]);
 * ```
 */
export class FanOut {
  #pipes = new Set<Pipe>();

  /** Every pipe, in the order they came. */
  get pipes(): ReadonlySet<Pipe> {
    return this.#pipes;
  }

  add(pipe: Pipe): void {
    this.#pipes.add(pipe);
  }

  remove(pipe: Pipe): void {
    this.#pipes.delete(pipe);
  }

  /** Whether each live pipe of `targets` can take a message now. */
  hasRoom(targets: Iterable<Pipe>): boolean {
    for (const p of targets) if (p.alive && p.outbound.full) return false;
    return true;
  }

  /** Queues `msg` on each live target with room; the full ones miss it. */
  sendTo(msg: Message, targets: Iterable<Pipe>): void {
    for (const p of targets) if (p.alive && !p.outbound.full) p.outbound.push(msg);
  }

  /**
   * Publishes: queues `msg` on the pipes subscribed to a prefix of its first
   * frame (with `invert`, on the others). With `noDrop`, returns false and
   * queues nothing while any of them is full.
   */
  publish(msg: Message, subscribers: SubscriberTrie, invert: boolean, noDrop: boolean): boolean {
    const targets = subscribers.select(msg[0]!, this.#pipes, invert);
    if (noDrop && !this.hasRoom(targets)) return false;
    this.sendTo(msg, targets);
    return true;
  }

  /** Queues `msg` on every pipe with room. */
  sendToAll(msg: Message): void {
    this.sendTo(msg, this.#pipes);
  }

  /** Queues `msg` on every live pipe even above its high-water mark: for subscriptions, which must not be lost. */
  forceToAll(msg: Message): void {
    for (const p of this.#pipes) if (p.alive) p.outbound.push(msg);
  }
}
