/**
 * Fair queuing: take one whole message from each readable pipe in turn
 * (libzmq's `fq`). A pipe whose far end is gone is read until empty and then
 * forgotten.
 *
 * @module
 */

import type { Message, Pipe } from "../pipe.ts";
import { PipeRing } from "./pipe_ring.ts";

/**
 * @example
 * ```ts
 * const fq = new FairQueue();
 * fq.add(pipeA);
 * fq.add(pipeB);
 * const msg = fq.receive(); // a message or undefined; fq.from is its pipe
 * ```
 */
export class FairQueue extends PipeRing {
  /**
   * A pipe's far end is gone: forget it now if it is drained, otherwise once
   * {@link receive} has taken its last message (what was received is still delivered).
   */
  release(pipe: Pipe): void {
    if (pipe.inbound.size === 0) this.remove(pipe);
  }

  /** Whether any pipe has a message waiting. */
  get readable(): boolean {
    for (const p of this.pipes) if (p.inbound.size > 0) return true;
    return false;
  }

  /**
   * Drops the messages at the head of each pipe that `keep` rejects (a SUB
   * filtering what it would drop anyway); true if a kept one is then waiting.
   */
  readableWhere(keep: (msg: Message) => boolean): boolean {
    let found = false;
    for (const p of [...this.pipes]) {
      for (
        let head = p.inbound.peek();
        head !== undefined && !keep(head);
        head = p.inbound.peek()
      ) p.inbound.shift();
      if (p.inbound.size > 0) found = true;
      else if (!p.alive) this.remove(p);
    }
    return found;
  }

  /** The pipe the last message {@link receive} returned came from. */
  from: Pipe | undefined;

  /** The next message in turn ({@link from} tells whose); nothing is allocated per message. */
  receive(): Message | undefined {
    const n = this.pipes.length;
    for (let i = 0; i < n; i++) {
      const idx = (this.cursor + i) % n;
      const pipe = this.pipes[idx]!;
      const msg = pipe.inbound.shift();
      if (msg === undefined) continue;
      this.cursor = (idx + 1) % n;
      if (!pipe.alive && pipe.inbound.size === 0) this.remove(pipe);
      this.from = pipe;
      return msg;
    }
    return undefined;
  }
}
