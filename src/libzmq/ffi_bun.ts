/**
 * libzmq through bun:ffi. Pointers are numbers here; typed arrays are
 * passed to C as they are.
 *
 * What a message costs here, measured (Bun 1.4): a received frame is a
 * `new Uint8Array(n)` filled by libc's memcpy (9-15 ns for the array; a view
 * of a shared slab is slower on Bun), and the one zmq_msg_t is passed by its
 * address, a number, which is cheaper than the typed array; a frame of up to
 * 33 bytes, and every frame's "more" flag, are read from the zmq_msg_t in
 * place (msg_layout.ts), so such a frame costs one call.
 *
 * @module
 */

import { cString, type Handle, type LibcControl, type Libzmq } from "./ffi.ts";
import { inPlaceSize, moreInPlace, probeLayout, VSM_DATA } from "./msg_layout.ts";

// A specifier in a variable: Deno, which never loads this file, must not try to resolve it.
const BUN_FFI = "bun:ffi";
// deno-lint-ignore no-explicit-any
const ffi: any = await import(BUN_FFI);

/** Buffers whose addresses were given to C, kept for the life of the process. */
const pinned: Uint8Array[] = [];

/** Opens the library at `path`. */
export function open(path: string): Libzmq {
  const { ptr: P, i32, usize, void: V } = ffi.FFIType;
  const lib = ffi.dlopen(path, {
    zmq_ctx_new: { args: [], returns: P },
    zmq_ctx_term: { args: [P], returns: i32 },
    zmq_ctx_shutdown: { args: [P], returns: i32 },
    zmq_ctx_set: { args: [P, i32, i32], returns: i32 },
    zmq_socket: { args: [P, i32], returns: P },
    zmq_close: { args: [P], returns: i32 },
    zmq_bind: { args: [P, P], returns: i32 },
    zmq_connect: { args: [P, P], returns: i32 },
    zmq_unbind: { args: [P, P], returns: i32 },
    zmq_disconnect: { args: [P, P], returns: i32 },
    zmq_setsockopt: { args: [P, i32, P, usize], returns: i32 },
    zmq_getsockopt: { args: [P, i32, P, P], returns: i32 },
    zmq_send: { args: [P, P, usize, i32], returns: i32 },
    zmq_msg_init: { args: [P], returns: i32 },
    zmq_msg_recv: { args: [P, P, i32], returns: i32 },
    zmq_msg_data: { args: [P], returns: P },
    zmq_msg_more: { args: [P], returns: i32 },
    zmq_msg_close: { args: [P], returns: i32 },
    zmq_errno: { args: [], returns: i32 },
    zmq_strerror: { args: [i32], returns: P },
    zmq_version: { args: [P, P, P], returns: V },
    zmq_socket_monitor: { args: [P, P, i32], returns: i32 },
    zmq_has: { args: [P], returns: i32 },
  });
  const s = lib.symbols;
  const int = new Int32Array(2);
  const len = new BigUint64Array(1);
  const text = new Uint8Array(1024);
  const msgBytes = new Uint8Array(new BigUint64Array(8).buffer);
  s.zmq_msg_init(msgBytes);
  const msg: number = ffi.ptr(msgBytes);
  pinned.push(msgBytes); // C holds its address: never collected
  // Copying out with memcpy costs one call; toArrayBuffer(...).slice() made an external buffer too.
  const memcpy = ffi.dlopen("libc.so.6", {
    memcpy: { args: [P, P, usize], returns: V },
  }).symbols.memcpy;
  const version = new Int32Array(3);
  s.zmq_version(version.subarray(0, 1), version.subarray(1, 2), version.subarray(2, 3));
  /** Small frames are read from the msg_t itself once its layout is checked (msg_layout.ts). */
  let inPlace = false;
  let probed = false;
  const zmq: Libzmq = {
    version: [...version].join("."),
    get inPlace() {
      return inPlace;
    },
    probeInPlace(ctx) {
      if (probed) return;
      probed = true;
      inPlace = probeLayout(zmq, ctx, {
        receive: (h) => s.zmq_msg_recv(msg, h, DONTWAIT),
        data(n) {
          const out = new Uint8Array(n);
          if (n > 0) memcpy(out, s.zmq_msg_data(msg), n);
          return out;
        },
        more: () => s.zmq_msg_more(msg) === 1,
      }, msgBytes);
    },
    path,
    ctxNew: () => s.zmq_ctx_new(),
    ctxTerm: (c) => s.zmq_ctx_term(c),
    ctxShutdown: (c) => s.zmq_ctx_shutdown(c),
    ctxSet: (c, option, value) => s.zmq_ctx_set(c, option, value),
    addressOf: (h) => BigInt(h as number),
    fromAddress: (a) => Number(a) as Handle,
    socket: (c, type) => s.zmq_socket(c, type),
    close: (h) => s.zmq_close(h),
    bind: (h, ep) => s.zmq_bind(h, cString(ep)),
    connect: (h, ep) => s.zmq_connect(h, cString(ep)),
    unbind: (h, ep) => s.zmq_unbind(h, cString(ep)),
    disconnect: (h, ep) => s.zmq_disconnect(h, cString(ep)),
    setInt(h, option, value) {
      int[0] = value;
      return s.zmq_setsockopt(h, option, int, 4);
    },
    setInt64: (h, option, value) =>
      s.zmq_setsockopt(h, option, new BigInt64Array([BigInt(value)]), 8),
    setBytes: (h, option, value) =>
      s.zmq_setsockopt(h, option, value.length === 0 ? new Uint8Array(1) : value, value.length),
    getInt(h, option) {
      len[0] = 4n;
      return s.zmq_getsockopt(h, option, int, len) < 0 ? -1 : int[0]!;
    },
    getString(h, option) {
      len[0] = BigInt(text.length);
      if (s.zmq_getsockopt(h, option, text, len) < 0) return undefined;
      const n = Number(len[0]);
      return new TextDecoder().decode(text.subarray(0, n > 0 && text[n - 1] === 0 ? n - 1 : n));
    },
    send: (h, frame, flags) =>
      s.zmq_send(h, frame.length === 0 ? text : frame, frame.length, flags),
    receive(h, flags) {
      const n = s.zmq_msg_recv(msg, h, flags);
      if (n < 0) return undefined;
      // A copy: libzmq's memory is reused by the next receive.
      const out = new Uint8Array(n);
      if (inPlace && inPlaceSize(msgBytes) === n) {
        for (let i = 0; i < n; i++) out[i] = msgBytes[VSM_DATA + i]!;
      } else if (n > 0) memcpy(out, s.zmq_msg_data(msg), n);
      return out;
    },
    more: () => inPlace ? moreInPlace(msgBytes) : s.zmq_msg_more(msg) === 1,
    errno: () => s.zmq_errno(),
    strerror(e) {
      const p = s.zmq_strerror(e);
      return p ? new ffi.CString(p).toString() : `errno ${e}`;
    },
    monitor: (h, ep, events) => s.zmq_socket_monitor(h, cString(ep), events),
    has: (cap) => s.zmq_has(cString(cap)) === 1,
  };
  return zmq;
}

const DONTWAIT = 1;

/** eventfd(2), write(2), read(2) and sched_yield(2), for the reactor. */
export function openLibc(): LibcControl {
  const { ptr: P, i32, u32, usize, i64 } = ffi.FFIType;
  const s = ffi.dlopen("libc.so.6", {
    eventfd: { args: [u32, i32], returns: i32 },
    write: { args: [i32, P, usize], returns: i64 },
    read: { args: [i32, P, usize], returns: i64 },
    sched_yield: { args: [], returns: i32 },
  }).symbols;
  const scratch = new Uint8Array(8);
  const one = new Uint8Array(new BigUint64Array([1n]).buffer);
  return {
    eventfd: () => s.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC),
    signal: (fd) => void s.write(fd, one, 8),
    yield: () => void s.sched_yield(),
    drain: (fd) => void s.read(fd, scratch, 8),
    // No pollAsync: Bun has no FFI calls that run on another thread (a poll Worker waits instead).
  };
}

const EFD_NONBLOCK = 0o4000;
const EFD_CLOEXEC = 0o2000000;
