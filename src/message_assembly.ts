/**
 * The message a connection is receiving, frame by frame, until its last frame: bounded, so that a
 * peer that marks frames "more" forever cannot grow it without end.
 *
 * libzmq bounds neither the frames nor the bytes of a message in progress: `ZMQ_MAXMSGSIZE` limits
 * each frame, and the high-water mark counts whole messages, so frames of a message that never
 * ends are never counted (its pipe takes them as long as it is not full). Here a message is
 * delivered whole or not at all, so the engine keeps reading until its last frame even with a
 * full pipe: it needs bounds of its own. `maxMessageSize` keeps libzmq's meaning (per frame, a
 * message of an envelope and a body of that size still passes); on top of it a message may have at
 * most {@link MAX_MESSAGE_FRAMES} frames and, in all, no more bytes than the largest frame there
 * can be ({@link HARD_FRAME_LIMIT}). Past either the connection is dropped, as for a frame over
 * `maxMessageSize` (a protocol error, `EMSGSIZE`).
 *
 * @module
 */

import { FrameError, HARD_FRAME_LIMIT } from "./codec/frame.ts";
import type { Message } from "./pipe.ts";

/** Frames one message may have (libzmq has no such bound; no real message comes near it). */
export const MAX_MESSAGE_FRAMES = 65_536;

/**
 * Gathers the frames of one message.
 *
 * @example
 * ```ts
 * const m = new MessageAssembly();
 * m.add(new Uint8Array([1]), true); // undefined: more to come
 * const whole = m.add(new Uint8Array([2]), false); // [[1], [2]]
 * ```
 */
export class MessageAssembly {
  #frames: Message = [];
  #bytes = 0;
  readonly #maxFrames: number;
  readonly #maxBytes: number;

  constructor(maxFrames = MAX_MESSAGE_FRAMES, maxBytes = HARD_FRAME_LIMIT) {
    this.#maxFrames = maxFrames;
    this.#maxBytes = maxBytes;
  }

  /** Whether a message is in progress (some of its frames are in, not its last). */
  get started(): boolean {
    return this.#frames.length > 0;
  }

  /** Bytes of the frames in so far (0 between messages). */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Adds a frame; returns the whole message after its last frame, else `undefined`. Throws a
   * {@link FrameError} (`EMSGSIZE`) when the message passes a bound.
   */
  add(body: Uint8Array, more: boolean): Message | undefined {
    if (!more && this.#frames.length === 0) return [body];
    if (this.#frames.length >= this.#maxFrames) {
      throw new FrameError(
        `a message of more than ${this.#maxFrames} frames exceeds the limit`,
        "EMSGSIZE",
      );
    }
    this.#bytes += body.length;
    if (this.#bytes > this.#maxBytes) {
      throw new FrameError(
        `a message of more than ${this.#maxBytes} bytes exceeds the limit`,
        "EMSGSIZE",
      );
    }
    this.#frames.push(body);
    if (more) return undefined;
    const msg = this.#frames;
    this.#frames = [];
    this.#bytes = 0;
    return msg;
  }
}
