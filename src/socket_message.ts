/**
 * What `send()` accepts, and how it becomes frames.
 *
 * @module
 */

import type { Message } from "./pipe.ts";

/**
 * What `send()` accepts: one frame, or an array of frames for a multipart message. A number or
 * boolean is sent as its text, and null as an empty frame (as in zeromq.js, which also sends any
 * other value as its `String()` text at run time; only `undefined` is refused).
 */
export type MessageLike =
  | string
  | Uint8Array
  | ArrayBuffer
  | SharedArrayBuffer
  | ArrayBufferView
  | number
  | boolean
  | null;

const encoder = new TextEncoder();

function toFrame(part: MessageLike): Uint8Array {
  if (typeof part === "string") return encoder.encode(part);
  if (part instanceof Uint8Array) return part;
  if (part === null) return new Uint8Array(0);
  if (part instanceof ArrayBuffer || part instanceof SharedArrayBuffer) return new Uint8Array(part);
  if (ArrayBuffer.isView(part)) {
    return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  }
  if (part === undefined) {
    throw new TypeError('a message frame is undefined (zeromq.js: "Message must be present")');
  }
  // zeromq.js coerces anything else to text: numbers and booleans (in the type), and at run time
  // objects with a toString() (a Date, say). Code that ports unchanged sends the same bytes.
  return encoder.encode(String(part));
}

/**
 * Turns what the user passed to `send()` into frames. A Uint8Array is used as
 * it is, not copied.
 *
 * @example
 * ```ts
 * const frames = toMessage(["topic", new Uint8Array([1, 2, 3])]); // two frames
 * ```
 */
export function toMessage(msg: MessageLike | MessageLike[]): Message {
  if (Array.isArray(msg)) {
    if (msg.length === 0) throw new TypeError("a message needs at least one frame");
    return msg.map(toFrame);
  }
  return [toFrame(msg)];
}
