/**
 * The pipes a socket takes turns over, with the cursor of whose turn is next:
 * what load-balancing and fair-queuing share.
 *
 * @module
 */

import type { Pipe } from "../pipe.ts";

/** An ordered set of pipes and a round-robin cursor. */
export class PipeRing {
  /** The pipes, in turn order. */
  protected pipes: Pipe[] = [];
  /** Index of the pipe whose turn is next. */
  protected cursor = 0;

  /** Adds a pipe at the end of the turn order. */
  add(pipe: Pipe): void {
    this.pipes.push(pipe);
  }

  /** Removes a pipe, keeping the turn order of the rest. */
  remove(pipe: Pipe): void {
    const i = this.pipes.indexOf(pipe);
    if (i < 0) return;
    this.pipes.splice(i, 1);
    if (this.cursor > i) this.cursor--;
    if (this.cursor >= this.pipes.length) this.cursor = 0;
  }
}
