/**
 * Load balancing: each whole message goes to the next pipe in turn that has
 * room below its high-water mark (libzmq's `lb`). A full pipe is skipped.
 *
 * @module
 */

import type { Message, Pipe } from "../pipe.ts";
import { PipeRing } from "./pipe_ring.ts";

/**
 * @example
 * ```ts
 * const lb = new LoadBalancer();
 * lb.add(pipeA);
 * lb.add(pipeB);
 * lb.send([new TextEncoder().encode("job")]); // false when every pipe is full
 * ```
 */
export class LoadBalancer extends PipeRing {
  /** Whether some pipe has room. */
  get writable(): boolean {
    for (const p of this.pipes) if (p.alive && !p.outbound.full) return true;
    return false;
  }

  /** Queues the message on the next pipe with room; returns the pipe, or undefined if none has room. */
  send(msg: Message): Pipe | undefined {
    const n = this.pipes.length;
    for (let i = 0; i < n; i++) {
      const idx = (this.cursor + i) % n;
      const pipe = this.pipes[idx]!;
      if (!pipe.alive || pipe.outbound.full) continue;
      pipe.outbound.push(msg);
      this.cursor = (idx + 1) % n;
      return pipe;
    }
    return undefined;
  }
}
