/**
 * Framing under a cipher (CURVE): every frame, of a message or a command, travels as one MESSAGE
 * command whose box holds the frame's MORE and COMMAND bits and its body. The outer ZMTP flags are
 * 0x00, or 0x02 (LONG) above 255 bytes, as libzmq writes them (zmtp.md §3.3).
 *
 * @module
 */

import { headerSize, writeHeader } from "../codec/frame.ts";
import { type FrameCipher, SEALED_COMMAND, SEALED_MORE } from "./mechanism.ts";

/** Bytes one frame of `size` bytes takes on the wire once sealed. */
export function sealedFrameSize(cipher: FrameCipher, size: number): number {
  const body = cipher.sealedSize(size);
  return headerSize(body) + body;
}

/** Bytes a whole message takes on the wire once sealed. */
export function sealedMessageSize(cipher: FrameCipher, frames: readonly Uint8Array[]): number {
  let n = 0;
  for (const f of frames) n += sealedFrameSize(cipher, f.length);
  return n;
}

/** Seals one frame at `at`; returns the offset after it. `flags`: SEALED_MORE, SEALED_COMMAND. */
export function writeSealedFrame(
  out: Uint8Array,
  at: number,
  cipher: FrameCipher,
  flags: number,
  body: Uint8Array,
): number {
  at = writeHeader(out, at, cipher.sealedSize(body.length), 0);
  return cipher.seal(out, at, flags, body);
}

/** Seals every frame of a message at `at`; returns the offset after it. */
export function writeSealedMessage(
  out: Uint8Array,
  at: number,
  cipher: FrameCipher,
  frames: readonly Uint8Array[],
): number {
  const last = frames.length - 1;
  for (let i = 0; i <= last; i++) {
    at = writeSealedFrame(out, at, cipher, i < last ? SEALED_MORE : 0, frames[i]!);
  }
  return at;
}

/** One command (its body) sealed into a frame of its own. */
export function sealedCommandFrame(cipher: FrameCipher, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(sealedFrameSize(cipher, body.length));
  writeSealedFrame(out, 0, cipher, SEALED_COMMAND, body);
  return out;
}
