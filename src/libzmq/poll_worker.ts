/**
 * The libzmq backend's waiting thread. It blocks in poll(2) on the sockets'
 * ZMQ_FD descriptors and a control eventfd, and tells the thread that owns
 * the sockets which ones to look at. It never calls libzmq: a socket is used
 * only by its own thread, and polling its descriptor is safe from any.
 *
 * Protocol: {fds, control} arms one poll; the answer is {ready}. {exit}
 * (sent after writing the control fd, so the poll returns) ends the thread.
 *
 * @module
 */

import { pollFds, readable } from "./parking.ts";

const g = globalThis as unknown as {
  Deno?: { dlopen: (p: string, s: unknown) => { symbols: Libc } };
};

interface Libc {
  poll(fds: Uint8Array, n: number | bigint, timeout: number): number;
  read(fd: number, buf: Uint8Array, n: number | bigint): number | bigint;
}

const BUN_FFI = "bun:ffi";

async function openLibc(): Promise<Libc> {
  if (g.Deno !== undefined) {
    const lib = g.Deno.dlopen("libc.so.6", {
      poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
      read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
    });
    const s = lib.symbols;
    return {
      poll: (f, n, t) => s.poll(f, BigInt(n), t),
      read: (fd, b, n) => s.read(fd, b, BigInt(n)),
    };
  }
  // deno-lint-ignore no-explicit-any
  const ffi: any = await import(BUN_FFI);
  const { ptr: P, i32, u64, usize, i64 } = ffi.FFIType;
  return ffi.dlopen("libc.so.6", {
    poll: { args: [P, u64, i32], returns: i32 },
    read: { args: [i32, P, usize], returns: i64 },
  }).symbols;
}

const libc = await openLibc();
const scratch = new Uint8Array(8);
// deno-lint-ignore no-explicit-any
const self_ = globalThis as any;

self_.onmessage = (e: MessageEvent<{ exit?: boolean; control: number; fds: number[] }>) => {
  if (e.data.exit) {
    // Deno ends a Worker with close(); Bun's Workers have none, and exit through process.exit.
    if (typeof self_.close === "function") self_.close();
    else self_.process?.exit(0);
    return;
  }
  const { control, fds } = e.data;
  const all = [control, ...fds];
  const pfds = pollFds(all);
  while (libc.poll(pfds, all.length, -1) < 0) { /* EINTR: poll again */ }
  const ready = readable(pfds, all);
  if (ready[0] === control) libc.read(control, scratch, 8);
  self_.postMessage({ ready: ready[0] === control ? ready.slice(1) : ready });
};
self_.postMessage({ started: true });
