/**
 * Reading a received zmq_msg_t in place, so a small frame costs one call into C
 * (zmq_msg_recv) instead of four (recv, data, a copy, more).
 *
 * zmq_msg_t is 64 opaque bytes; libzmq 4.x keeps a frame of up to 33 bytes
 * inside them ("very small message"): the bytes from offset 8, their count at
 * 41, the kind of message at 42 (101 for this one) and its flags at 43 (bit 0:
 * more frames follow). That layout is libzmq's private business, so it is
 * never assumed: {@link probeLayout} checks it once against libzmq's own
 * accessors when a thread makes its first backend socket, and the adapters read in place only
 * if it held. Larger frames are always read through zmq_msg_data.
 *
 * @module
 */

import type { Handle, Libzmq } from "./ffi.ts";
import { DONTWAIT, OPT, SNDMORE, SOCKET_TYPES } from "./constants.ts";

/** Offset of a very small message's bytes in zmq_msg_t. */
export const VSM_DATA = 8;
/** The most bytes a very small message holds in place. */
export const VSM_MAX = 33;
const VSM_SIZE = 41;
const TYPE = 42;
const FLAGS = 43;
const TYPE_VSM = 101;
const MORE = 1;
let probes = 0;

/**
 * How many bytes the received message holds in place, or -1 when they are elsewhere (read them
 * with zmq_msg_data). Only meaningful once {@link probeLayout} returned true.
 *
 * @example
 * ```ts
 * const n = inPlaceSize(msgBytes); // 1 after receiving a 1-byte frame
 * ```
 */
export function inPlaceSize(msg: Uint8Array): number {
  return msg[TYPE] === TYPE_VSM ? msg[VSM_SIZE]! : -1;
}

/**
 * Whether more frames follow the received message, read from its flags.
 *
 * @example
 * ```ts
 * if (moreInPlace(msgBytes)) receiveAgain();
 * ```
 */
export function moreInPlace(msg: Uint8Array): boolean {
  return (msg[FLAGS]! & MORE) !== 0;
}

/** The adapter's own calls on its msg_t, made the slow, sure way. */
export interface ProbeCalls {
  /** zmq_msg_recv from socket `s` into the adapter's msg_t, ZMQ_DONTWAIT: the frame's size, or -1. */
  receive(s: Handle): number;
  /** A copy of the received frame's `n` bytes, through zmq_msg_data. */
  data(n: number): Uint8Array;
  /** zmq_msg_more on the received frame. */
  more(): boolean;
}

/**
 * Checks, with libzmq's own accessors as the truth, that frames of every size up to
 * {@link VSM_MAX} (with and without more frames after them) read the same in place; and that a
 * larger frame is not taken for one held in place. False (read everything through calls) on any
 * difference, or when the probe cannot run. Costs two sockets of `ctx` (a context already in use:
 * making and ending one of its own would start and stop libzmq's network layer beside contexts
 * other threads are ending, and Debian's libzmq asserts on that layer's count).
 *
 * @example
 * ```ts
 * const inPlace = probeLayout(zmq, ctx, calls, msgBytes);
 * ```
 */
export function probeLayout(
  zmq: Libzmq,
  ctx: Handle,
  calls: ProbeCalls,
  msg: Uint8Array,
): boolean {
  const a = zmq.socket(ctx, SOCKET_TYPES.PAIR!);
  const b = zmq.socket(ctx, SOCKET_TYPES.PAIR!);
  const end = () => {
    for (const s of [a, b]) {
      if (s === null) continue;
      zmq.setInt(s, OPT.LINGER, 0);
      zmq.close(s);
    }
  };
  // Unique within a context that other threads (and other copies of this module) may share.
  const endpoint = `inproc://zmq-ts-layout-probe-${
    Math.random().toString(36).slice(2)
  }-${probes++}`;
  if (a === null || b === null || zmq.bind(b, endpoint) < 0 || zmq.connect(a, endpoint) < 0) {
    end();
    return false;
  }
  // Over inproc a sent frame is in the peer's pipe at once: nothing here waits.
  const send = (frame: Uint8Array, more: boolean) =>
    zmq.send(a, frame, more ? DONTWAIT | SNDMORE : DONTWAIT) >= 0;
  try {
    for (let n = 0; n <= VSM_MAX + 16; n++) {
      const frame = new Uint8Array(n).map((_, i) => (i * 37 + n) & 255);
      // Each size twice, as a message's first frame and as its last: the message is whole (and so
      // readable) once its last frame was sent.
      if (!send(frame, true) || !send(frame, false)) return false;
      for (const more of [true, false]) {
        if (calls.receive(b) !== n) return false;
        if (moreInPlace(msg) !== more || calls.more() !== more) return false;
        const size = inPlaceSize(msg);
        if (n > VSM_MAX) {
          if (size !== -1) return false;
          continue;
        }
        if (size !== n) return false;
        const truth = calls.data(n);
        for (let i = 0; i < n; i++) {
          if (msg[VSM_DATA + i] !== truth[i] || truth[i] !== frame[i]) return false;
        }
      }
    }
    return true;
  } catch {
    return false;
  } finally {
    end();
  }
}
