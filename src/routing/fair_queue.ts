/**
 * Fair queuing: take one whole message from each readable pipe in turn
 * (libzmq's `fq`). A pipe whose far end is gone is read until empty and then
 * forgotten.
 *
 * Only pipes that have rung (their queue went from empty to non-empty, the
 * socket calls {@link FairQueue.activate}) are visited, as libzmq keeps its
 * active pipes apart: a ROUTER with 10,000 peers of which a few talk would
 * otherwise walk all 10,000 for every message (a third of a 10,000-connection
 * burst's time, measured). An active pipe found empty is set aside until it
 * rings again.
 *
 * @module
 */

import type { Message, Pipe } from "../pipe.ts";

/**
 * @example
 * ```ts
 * const fq = new FairQueue();
 * fq.add(pipeA);
 * fq.add(pipeB);
 * pipeA.inbound.onReadable = () => fq.activate(pipeA); // the socket does this for every pipe
 * const msg = fq.receive(); // a message or undefined; fq.from is its pipe
 * ```
 */
export class FairQueue {
  #pipes = new Set<Pipe>();
  /** Pipes that may have a message, in turn order. */
  #active: Pipe[] = [];
  /** Each active pipe's index in #active. */
  #slot = new Map<Pipe, number>();
  #turn = 0;

  /** The pipe the last message {@link receive} returned came from. */
  from: Pipe | undefined;

  /** Takes a pipe into the turns. */
  add(pipe: Pipe): void {
    this.#pipes.add(pipe);
    if (pipe.inbound.size > 0) this.activate(pipe);
  }

  /** A pipe's queue went from empty to non-empty: give it turns again. */
  activate(pipe: Pipe): void {
    if (!this.#pipes.has(pipe) || this.#slot.has(pipe)) return;
    this.#slot.set(pipe, this.#active.length);
    this.#active.push(pipe);
  }

  /** Forgets a pipe at once. */
  remove(pipe: Pipe): void {
    this.#pipes.delete(pipe);
    const i = this.#slot.get(pipe);
    if (i !== undefined) this.#deactivate(i);
  }

  /**
   * A pipe's far end is gone: forget it now if it is drained, otherwise once
   * {@link receive} has taken its last message (what was received is still delivered).
   */
  release(pipe: Pipe): void {
    if (pipe.inbound.size === 0) this.remove(pipe);
  }

  /** Whether any pipe has a message waiting. */
  get readable(): boolean {
    for (const p of this.#active) if (p.inbound.size > 0) return true;
    return false;
  }

  /**
   * Drops the messages at the head of each pipe that `keep` rejects (a SUB
   * filtering what it would drop anyway); true if a kept one is then waiting.
   */
  readableWhere(keep: (msg: Message) => boolean): boolean {
    let found = false;
    for (const p of [...this.#active]) {
      for (
        let head = p.inbound.peek();
        head !== undefined && !keep(head);
        head = p.inbound.peek()
      ) p.inbound.shift();
      if (p.inbound.size > 0) found = true;
      else this.#setAside(p);
    }
    return found;
  }

  /** The next message in turn ({@link from} tells whose); nothing is allocated per message. */
  receive(): Message | undefined {
    const active = this.#active;
    while (active.length > 0) {
      if (this.#turn >= active.length) this.#turn = 0;
      const pipe = active[this.#turn]!;
      const msg = pipe.inbound.shift();
      if (msg === undefined) {
        this.#setAside(pipe);
        continue;
      }
      if (pipe.inbound.size === 0) this.#setAside(pipe);
      else this.#turn++;
      this.from = pipe;
      return msg;
    }
    return undefined;
  }

  /** An empty pipe waits for its next ring; a dead one is forgotten. */
  #setAside(pipe: Pipe): void {
    const i = this.#slot.get(pipe);
    if (i !== undefined) this.#deactivate(i);
    if (!pipe.alive) this.#pipes.delete(pipe);
  }

  /** Takes the pipe at `i` out of the turns; the last one takes its place (libzmq's swap). */
  #deactivate(i: number): void {
    const active = this.#active;
    this.#slot.delete(active[i]!);
    const last = active.pop()!;
    if (i < active.length) {
      active[i] = last;
      this.#slot.set(last, i);
    }
  }
}
