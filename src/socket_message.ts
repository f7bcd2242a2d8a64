/**
 * What `send()` accepts, and how it becomes frames.
 *
 * @module
 */

import type { Message } from "./pipe.ts";
import { smallArraysAreCheap } from "./transports/runtime.ts";

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

/**
 * String frames where a new array is costly (Deno): carved from a slab, so a
 * string costs a view instead of an allocation. A frame is never written over:
 * the slab is only ever filled forward, and a full one is left to the frames
 * that use it (a frame kept alive keeps at most one slab). Measured on Deno:
 * a 64 KiB array costs what a 16 KiB one does (1.6 us; 128 KiB, 10 us); a
 * call to encodeInto ~85 ns, copying ASCII by hand ~1.2 ns a character, so
 * strings up to 64 characters are copied by hand. Long strings are encoded on
 * their own.
 *
 * A string sent again and again (a topic, a fixed request) is encoded twice,
 * then copied from a private copy of its bytes: ~30 ns at 64 characters
 * against ~100 to encode it. Each frame still has bytes of its own (a
 * receiver in this thread may write into what it got).
 */
const SLAB_BYTES = 64 * 1024;
const OWN_BUFFER_CHARS = 2048;
const BY_HAND_CHARS = 64;
/** Bytes of the repeated string copied one by one below this, with set() above. */
const SHORT_COPY = 16;
let slab = new Uint8Array(SLAB_BYTES);
let slabAt = 0;
/** The last string encoded, and its bytes once it came twice in a row. */
let lastText = "";
let repeated: Uint8Array | undefined;
const repeatedStore = new Uint8Array(3 * OWN_BUFFER_CHARS);

function encodeIntoSlab(text: string): Uint8Array {
  const n = text.length;
  if (n > OWN_BUFFER_CHARS) return encoder.encode(text);
  if (slabAt + 3 * n > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabAt = 0;
  }
  // Locals: the loop over the module's own variables ran 7 times slower on Deno.
  const buf = slab;
  const start = slabAt;
  const again = text === lastText;
  if (again) {
    const bytes = repeated;
    if (bytes !== undefined) {
      const len = bytes.length;
      if (len < SHORT_COPY) { for (let j = 0; j < len; j++) buf[start + j] = bytes[j]!; }
      else buf.set(bytes, start);
      slabAt = start + len;
      return buf.subarray(start, start + len);
    }
  }
  let i = 0;
  if (n <= BY_HAND_CHARS) {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) break;
      buf[start + i] = c;
    }
  }
  let end = start + i;
  if (i < n) end += encoder.encodeInto(i === 0 ? text : text.slice(i), buf.subarray(end)).written;
  slabAt = end;
  const frame = buf.subarray(start, end);
  if (again) {
    // The second time in a row: its bytes are kept for the next times.
    repeatedStore.set(frame);
    repeated = repeatedStore.subarray(0, end - start);
  } else {
    lastText = text;
    repeated = undefined;
  }
  return frame;
}

const encodeText = smallArraysAreCheap() ? (text: string) => encoder.encode(text) : encodeIntoSlab;

function toFrame(part: MessageLike): Uint8Array {
  if (typeof part === "string") return encodeText(part);
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
  return encodeText(String(part));
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
