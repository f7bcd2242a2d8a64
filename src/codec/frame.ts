/**
 * ZMTP 3.x framing (RFC 23 §"Framing"): `flags(1) size(1|8) body(size)`.
 *
 * Pure functions over bytes. The decoder takes input in any split (down to a
 * byte at a time) and returns frames as views into the input where a frame
 * lies within one chunk, copying only frames that straddle chunks.
 *
 * @module
 */

/** Flag bit: more frames of this message follow. */
export const FLAG_MORE = 0x01;
/** Flag bit: the size field is 8 bytes. */
export const FLAG_LONG = 0x02;
/** Flag bit: this frame is a command. */
export const FLAG_COMMAND = 0x04;

/** Frames above this size are refused even with no `maxMessageSize`: no JS runtime can hold one. */
export const HARD_FRAME_LIMIT = 0x7fff_ffff;

/** One decoded frame. `body` may be a view into the decoder's input. */
export interface Frame {
  more: boolean;
  command: boolean;
  body: Uint8Array;
}

/** A frame the decoder refuses: `code` is `EMSGSIZE` for an oversized frame. */
export class FrameError extends Error {
  override name = "FrameError";
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

/** Size of a frame header for a body of `size` bytes (libzmq's minimal encoding). */
export function headerSize(size: number): number {
  return size > 255 ? 9 : 2;
}

/**
 * Writes a frame header at `offset` and returns the offset after it.
 *
 * @example
 * ```ts
 * const out = new Uint8Array(9);
 * console.assert(writeHeader(out, 0, 300, FLAG_MORE) === 9 && out[0] === 0x03);
 * ```
 */
export function writeHeader(out: Uint8Array, offset: number, size: number, flags: number): number {
  if (size > 255) {
    out[offset] = flags | FLAG_LONG;
    // Sizes here are below 2^53; the high word is written as two 32-bit halves.
    const hi = Math.floor(size / 0x1_0000_0000);
    const lo = size >>> 0;
    out[offset + 1] = hi >>> 24;
    out[offset + 2] = (hi >>> 16) & 0xff;
    out[offset + 3] = (hi >>> 8) & 0xff;
    out[offset + 4] = hi & 0xff;
    out[offset + 5] = lo >>> 24;
    out[offset + 6] = (lo >>> 16) & 0xff;
    out[offset + 7] = (lo >>> 8) & 0xff;
    out[offset + 8] = lo & 0xff;
    return offset + 9;
  }
  out[offset] = flags;
  out[offset + 1] = size;
  return offset + 2;
}

/** Bytes needed to encode a whole message (all its frames). */
export function messageSize(frames: readonly Uint8Array[]): number {
  let n = 0;
  for (const f of frames) n += headerSize(f.length) + f.length;
  return n;
}

const TINY_FRAME = 16;

/**
 * Encodes the frames of one message at `offset`; returns the offset after it.
 *
 * @example
 * ```ts
 * const msg = [new TextEncoder().encode("hello")];
 * const out = new Uint8Array(messageSize(msg));
 * writeMessage(out, 0, msg); // 00 05 68 65 6c 6c 6f
 * ```
 */
export function writeMessage(
  out: Uint8Array,
  offset: number,
  frames: readonly Uint8Array[],
): number {
  const last = frames.length - 1;
  for (let i = 0; i <= last; i++) {
    const f = frames[i]!;
    offset = writeHeader(out, offset, f.length, i < last ? FLAG_MORE : 0);
    if (f.length <= TINY_FRAME) {
      for (let j = 0; j < f.length; j++) out[offset + j] = f[j]!; // cheaper than set() for a few bytes
    } else {
      out.set(f, offset);
    }
    offset += f.length;
  }
  return offset;
}

/** Encodes one command frame (body = name-length, name, data) into a new buffer. */
export function encodeCommandFrame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(headerSize(body.length) + body.length);
  out.set(body, writeHeader(out, 0, body.length, FLAG_COMMAND));
  return out;
}

/**
 * Incremental frame decoder.
 *
 * @example
 * ```ts
 * const d = new FrameDecoder();
 * d.push(new Uint8Array([0x00, 0x02, 0x68]));
 * console.assert(d.next() === undefined);
 * d.push(new Uint8Array([0x69]));
 * console.assert(d.next()?.body.length === 2);
 * ```
 */
export class FrameDecoder {
  #chunks: Uint8Array[] = [];
  #offset = 0; // read position in #chunks[0]
  #available = 0;
  readonly #limit: number;
  readonly #copyBelow: number;

  /**
   * `maxFrameSize` < 0 means no limit beyond {@link HARD_FRAME_LIMIT}. Frames
   * shorter than `copyBelow` bytes are returned as copies rather than views
   * (cheaper for tiny frames on some runtimes; the transport knows).
   */
  constructor(maxFrameSize = -1, copyBelow = 0) {
    this.#limit = maxFrameSize < 0 ? HARD_FRAME_LIMIT : Math.min(maxFrameSize, HARD_FRAME_LIMIT);
    this.#copyBelow = copyBelow;
  }

  /** Bytes received but not yet returned as frames. */
  get buffered(): number {
    return this.#available;
  }

  /** Adds received bytes. The decoder keeps a reference; the caller must not reuse the memory. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#available += chunk.length;
  }

  /** Takes every byte not yet decoded, for a caller that stops framing (e.g. on close). */
  drain(): Uint8Array[] {
    const out = this.#chunks;
    if (out.length > 0) out[0] = out[0]!.subarray(this.#offset);
    this.#chunks = [];
    this.#offset = 0;
    this.#available = 0;
    return out;
  }

  /** Returns the next complete frame, or `undefined` if more bytes are needed. */
  next(): Frame | undefined {
    // The common case: a short frame whole in the first chunk, read without the general path's loops.
    const first = this.#chunks[0];
    const at = this.#offset;
    if (first !== undefined && at + 1 < first.length && (first[at]! & FLAG_LONG) === 0) {
      const flags = first[at]!;
      const size = first[at + 1]!;
      const end = at + 2 + size;
      if (end <= first.length && size <= this.#limit) {
        let body: Uint8Array;
        if (size < this.#copyBelow) {
          body = new Uint8Array(size);
          for (let i = 0; i < size; i++) body[i] = first[at + 2 + i]!;
        } else {
          body = first.subarray(at + 2, end);
        }
        this.#available -= end - at;
        if (end === first.length) {
          this.#chunks.shift();
          this.#offset = 0;
        } else {
          this.#offset = end;
        }
        return { more: (flags & FLAG_MORE) !== 0, command: (flags & FLAG_COMMAND) !== 0, body };
      }
    }
    if (this.#available < 2) return undefined;
    const flags = this.#peek(0);
    let size: number;
    let header: number;
    if (flags & FLAG_LONG) {
      if (this.#available < 9) return undefined;
      const hi = this.#peek(1) * 0x100_0000 + (this.#peek(2) << 16) + (this.#peek(3) << 8) +
        this.#peek(4);
      const lo = this.#peek(5) * 0x100_0000 + (this.#peek(6) << 16) + (this.#peek(7) << 8) +
        this.#peek(8);
      if (hi !== 0) {
        throw new FrameError(`frame of ${hi} * 2^32 bytes exceeds the limit`, "EMSGSIZE");
      }
      size = lo;
      header = 9;
    } else {
      size = this.#peek(1);
      header = 2;
    }
    if (size > this.#limit) {
      throw new FrameError(
        `frame of ${size} bytes exceeds the limit of ${this.#limit}`,
        "EMSGSIZE",
      );
    }
    if (this.#available < header + size) return undefined;
    this.#skip(header);
    const body = this.#take(size);
    return { more: (flags & FLAG_MORE) !== 0, command: (flags & FLAG_COMMAND) !== 0, body };
  }

  #peek(i: number): number {
    let idx = this.#offset + i;
    for (const c of this.#chunks) {
      if (idx < c.length) return c[idx]!;
      idx -= c.length;
    }
    return 0;
  }

  #skip(n: number): void {
    this.#available -= n;
    while (n > 0) {
      const c = this.#chunks[0]!;
      const left = c.length - this.#offset;
      if (n < left) {
        this.#offset += n;
        return;
      }
      n -= left;
      this.#chunks.shift();
      this.#offset = 0;
    }
  }

  #take(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (n === 0) return new Uint8Array(0);
    if (first !== undefined && first.length - this.#offset >= n) {
      const view = first.subarray(this.#offset, this.#offset + n);
      this.#skip(n);
      return view;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = this.#chunks[0]!;
      const part = c.subarray(this.#offset, Math.min(c.length, this.#offset + n - filled));
      out.set(part, filled);
      filled += part.length;
      this.#skip(part.length);
    }
    return out;
  }
}
