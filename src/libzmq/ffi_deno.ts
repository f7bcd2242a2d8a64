/**
 * libzmq through Deno.dlopen. Every symbol is a plain (blocking) call: the
 * backend uses sockets with ZMQ_DONTWAIT only, and zmq_errno() reads a
 * thread-local, so no call may move to another thread.
 *
 * What a message costs here, measured (Deno 2.9): the calls made per message
 * take only pointers, buffers, i32s and bigints, so V8 makes them fast calls
 * (a usize given a number takes the slow path: +80 ns a call); a received
 * frame is copied (libc's memcpy) into a view of a shared 256 KiB slab,
 * because `new Uint8Array(n)` costs ~185 ns on Deno against ~14 ns for a view;
 * a frame of up to 33 bytes, and every frame's "more" flag, are read from the
 * zmq_msg_t in place (msg_layout.ts), so such a frame costs one call.
 *
 * @module
 */

import { cString, type Handle, type LibcControl, type Libzmq } from "./ffi.ts";
import { inPlaceSize, moreInPlace, probeLayout, VSM_DATA } from "./msg_layout.ts";

const symbols = {
  zmq_ctx_new: { parameters: [], result: "pointer" },
  zmq_ctx_term: { parameters: ["pointer"], result: "i32" },
  zmq_ctx_shutdown: { parameters: ["pointer"], result: "i32" },
  zmq_ctx_set: { parameters: ["pointer", "i32", "i32"], result: "i32" },
  zmq_socket: { parameters: ["pointer", "i32"], result: "pointer" },
  zmq_close: { parameters: ["pointer"], result: "i32" },
  zmq_bind: { parameters: ["pointer", "buffer"], result: "i32" },
  zmq_connect: { parameters: ["pointer", "buffer"], result: "i32" },
  zmq_unbind: { parameters: ["pointer", "buffer"], result: "i32" },
  zmq_disconnect: { parameters: ["pointer", "buffer"], result: "i32" },
  zmq_setsockopt: { parameters: ["pointer", "i32", "buffer", "usize"], result: "i32" },
  zmq_getsockopt: { parameters: ["pointer", "i32", "buffer", "buffer"], result: "i32" },
  zmq_send: { parameters: ["pointer", "buffer", "u64", "i32"], result: "i32" },
  zmq_msg_init: { parameters: ["buffer"], result: "i32" },
  zmq_msg_recv: { parameters: ["buffer", "pointer", "i32"], result: "i32" },
  zmq_msg_data: { parameters: ["buffer"], result: "pointer" },
  zmq_msg_more: { parameters: ["buffer"], result: "i32" },
  zmq_msg_close: { parameters: ["buffer"], result: "i32" },
  zmq_errno: { parameters: [], result: "i32" },
  zmq_strerror: { parameters: ["i32"], result: "pointer" },
  zmq_version: { parameters: ["buffer", "buffer", "buffer"], result: "void" },
  zmq_socket_monitor: { parameters: ["pointer", "buffer", "i32"], result: "i32" },
  zmq_has: { parameters: ["buffer"], result: "i32" },
} as const;

type Ptr = Deno.PointerValue;

/** Deno's types ask a bigint for usize, and it takes a number too (slowly: for calls made once). */
const size = (n: number) => n as unknown as bigint;

/** A length as the bigint a fast call takes, made once per length up to 64 KiB. */
const bigints: bigint[] = [];
const big = (n: number): bigint => n < 65536 ? (bigints[n] ??= BigInt(n)) : BigInt(n);

/** Received frames up to this size are carved from a shared slab; larger ones get their own buffer. */
const SLAB_FRAME = 8192;
const SLAB = 256 * 1024;

/** Opens the library at `path`. */
export function open(path: string): Libzmq {
  const lib = Deno.dlopen(path, symbols);
  const s = lib.symbols;
  const int = new Int32Array(2);
  const intBytes = new Uint8Array(int.buffer);
  const len = new BigUint64Array(1);
  const lenBytes = new Uint8Array(len.buffer);
  const text = new Uint8Array(1024);
  // One zmq_msg_t (64 bytes, 8-aligned) serves every receive in this thread: zmq_msg_recv releases what it held.
  const msg = new Uint8Array(new BigUint64Array(8).buffer);
  s.zmq_msg_init(msg);
  const memcpy = Deno.dlopen("libc.so.6", {
    memcpy: { parameters: ["buffer", "pointer", "u64"], result: "void" },
  }).symbols.memcpy;
  let slab = new ArrayBuffer(SLAB);
  let slabUsed = 0;
  /** Room for a received frame of `n` bytes. */
  const frame = (n: number): Uint8Array => {
    if (n > SLAB_FRAME) return new Uint8Array(n);
    if (slabUsed + n > SLAB) {
      slab = new ArrayBuffer(SLAB);
      slabUsed = 0;
    }
    const out = new Uint8Array(slab, slabUsed, n);
    slabUsed += (n + 7) & ~7; // 8-aligned, as a buffer of its own would be
    return out;
  };
  const version = new Int32Array(3);
  s.zmq_version(
    new Uint8Array(version.buffer, 0, 4),
    new Uint8Array(version.buffer, 4, 4),
    new Uint8Array(version.buffer, 8, 4),
  );
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
        receive: (h) => s.zmq_msg_recv(msg, h as Ptr, DONTWAIT),
        data(n) {
          const out = new Uint8Array(n);
          if (n > 0) memcpy(out, s.zmq_msg_data(msg), big(n));
          return out;
        },
        more: () => s.zmq_msg_more(msg) === 1,
      }, msg);
    },
    path,
    ctxNew: () => s.zmq_ctx_new(),
    ctxTerm: (c) => s.zmq_ctx_term(c as Ptr),
    ctxShutdown: (c) => s.zmq_ctx_shutdown(c as Ptr),
    ctxSet: (c, option, value) => s.zmq_ctx_set(c as Ptr, option, value),
    addressOf: (h) => BigInt(Deno.UnsafePointer.value(h as Ptr)),
    fromAddress: (a) => Deno.UnsafePointer.create(a) as Handle,
    socket: (c, type) => s.zmq_socket(c as Ptr, type),
    close: (h) => s.zmq_close(h as Ptr),
    bind: (h, ep) => s.zmq_bind(h as Ptr, cString(ep)),
    connect: (h, ep) => s.zmq_connect(h as Ptr, cString(ep)),
    unbind: (h, ep) => s.zmq_unbind(h as Ptr, cString(ep)),
    disconnect: (h, ep) => s.zmq_disconnect(h as Ptr, cString(ep)),
    setInt(h, option, value) {
      int[0] = value;
      return s.zmq_setsockopt(h as Ptr, option, intBytes, size(4));
    },
    setInt64(h, option, value) {
      const v = new BigInt64Array([BigInt(value)]);
      return s.zmq_setsockopt(h as Ptr, option, new Uint8Array(v.buffer), size(8));
    },
    setBytes: (h, option, value) => s.zmq_setsockopt(h as Ptr, option, value, size(value.length)),
    getInt(h, option) {
      len[0] = 4n;
      return s.zmq_getsockopt(h as Ptr, option, intBytes, lenBytes) < 0 ? -1 : int[0]!;
    },
    getString(h, option) {
      len[0] = BigInt(text.length);
      if (s.zmq_getsockopt(h as Ptr, option, text, lenBytes) < 0) return undefined;
      const n = Number(len[0]);
      return new TextDecoder().decode(text.subarray(0, n > 0 && text[n - 1] === 0 ? n - 1 : n));
    },
    send: (h, data, flags) => s.zmq_send(h as Ptr, data, big(data.length), flags),
    receive(h, flags) {
      const n = s.zmq_msg_recv(msg, h as Ptr, flags);
      if (n < 0) return undefined;
      const out = frame(n);
      // A copy: libzmq's memory is reused by the next receive.
      if (inPlace && inPlaceSize(msg) === n) {
        for (let i = 0; i < n; i++) out[i] = msg[VSM_DATA + i]!;
      } else if (n > 0) memcpy(out, s.zmq_msg_data(msg), big(n));
      return out;
    },
    more: () => inPlace ? moreInPlace(msg) : s.zmq_msg_more(msg) === 1,
    errno: () => s.zmq_errno(),
    strerror(e) {
      const p = s.zmq_strerror(e);
      return p === null ? `errno ${e}` : Deno.UnsafePointerView.getCString(p);
    },
    monitor: (h, ep, events) => s.zmq_socket_monitor(h as Ptr, cString(ep), events),
    has: (cap) => s.zmq_has(cString(cap)) === 1,
  };
  return zmq;
}

const DONTWAIT = 1;

/** eventfd(2), write(2), read(2), sched_yield(2), and poll(2) on Deno's FFI thread pool. */
export function openLibc(): LibcControl {
  const s = Deno.dlopen("libc.so.6", {
    eventfd: { parameters: ["u32", "i32"], result: "i32" },
    write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
    read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
    sched_yield: { parameters: [], result: "i32" },
    poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  }).symbols;
  const one = new Uint8Array(new BigUint64Array([1n]).buffer);
  const scratch = new Uint8Array(8);
  return {
    eventfd: () => s.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC),
    signal: (fd) => void s.write(fd, one, size(8)),
    yield: () => void s.sched_yield(),
    drain: (fd) => void s.read(fd, scratch, size(8)),
    pollAsync: (pollfds, count) => s.poll(pollfds, BigInt(count), -1),
  };
}

const EFD_NONBLOCK = 0o4000;
const EFD_CLOEXEC = 0o2000000;
