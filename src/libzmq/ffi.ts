/**
 * What the libzmq backend needs from the C library, the same on both
 * runtimes. The two adapters (ffi_deno.ts, ffi_bun.ts) are the only code
 * that knows how each runtime calls C.
 *
 * @module
 */

/** A libzmq handle (a context or a socket): a pointer, opaque here. */
export type Handle = unknown;

/** The library, loaded. Every call is synchronous and never blocks (sockets are used with ZMQ_DONTWAIT). */
export interface Libzmq {
  /** "4.3.4". */
  readonly version: string;
  /** Where the library was loaded from. */
  readonly path: string;
  /** Frames of up to 33 bytes are read from the zmq_msg_t in place (its layout checked: msg_layout.ts). */
  readonly inPlace: boolean;
  /** Checks the zmq_msg_t layout once, with two sockets of `ctx`, a context in use (msg_layout.ts). */
  probeInPlace(ctx: Handle): void;
  ctxNew(): Handle;
  ctxTerm(ctx: Handle): number;
  ctxShutdown(ctx: Handle): number;
  ctxSet(ctx: Handle, option: number, value: number): number;
  /** A context's address as a bigint, to hand to another thread of this process. */
  addressOf(h: Handle): bigint;
  /** The handle at an address made by {@link addressOf} (in another thread). */
  fromAddress(address: bigint): Handle;
  /** A new socket, or null (see {@link errno}). */
  socket(ctx: Handle, type: number): Handle | null;
  close(s: Handle): number;
  bind(s: Handle, endpoint: string): number;
  connect(s: Handle, endpoint: string): number;
  unbind(s: Handle, endpoint: string): number;
  disconnect(s: Handle, endpoint: string): number;
  setInt(s: Handle, option: number, value: number): number;
  setInt64(s: Handle, option: number, value: number): number;
  setBytes(s: Handle, option: number, value: Uint8Array): number;
  /** An int option's value, or -1 with {@link errno} set. */
  getInt(s: Handle, option: number): number;
  /** A string option's value (e.g. the last endpoint), or undefined on error. */
  getString(s: Handle, option: number): string | undefined;
  /** Sends one frame; returns its size, or -1 (see {@link errno}). */
  send(s: Handle, frame: Uint8Array, flags: number): number;
  /** Receives one frame as a copy, or undefined (see {@link errno}); {@link more} tells whether another follows. */
  receive(s: Handle, flags: number): Uint8Array | undefined;
  /** Whether the frame {@link receive} returned last has another after it. */
  more(): boolean;
  errno(): number;
  strerror(errno: number): string;
  monitor(s: Handle, endpoint: string, events: number): number;
  has(capability: string): boolean;
}

/** The few libc calls the reactor needs: its control descriptor, yielding while it spins, waiting. */
export interface LibcControl {
  /** A new nonblocking eventfd. */
  eventfd(): number;
  /** Makes `fd` readable (writes 1 to the eventfd). */
  signal(fd: number): void;
  /** sched_yield(2): lets other threads (libzmq's I/O threads) run before this one goes on. */
  yield(): void;
  /** Reads an eventfd back to not readable. */
  drain(fd: number): void;
  /**
   * poll(2) (no timeout) on a thread of the runtime's own, settling on this thread's event loop;
   * only where the runtime has such calls (Deno's `nonblocking` symbols).
   */
  pollAsync?(pollfds: Uint8Array, count: number): Promise<number>;
}

/** Where Debian's libzmq5 puts the library; `ZMQ_TS_LIBZMQ` or the backend's `path` option overrides it. */
export const DEFAULT_LIBRARY = "libzmq.so.5";

const encoder = new TextEncoder();

/** A C string for the library. */
export function cString(s: string): Uint8Array {
  return encoder.encode(s + "\0");
}

/**
 * Loads libzmq with this runtime's FFI. Throws an Error that says how to
 * install the library when it cannot be loaded.
 */
export async function loadLibzmq(path: string): Promise<{ zmq: Libzmq; libc: LibcControl }> {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  const adapter = g.Bun !== undefined
    ? await import("./ffi_bun.ts")
    : g.Deno !== undefined
    ? await import("./ffi_deno.ts")
    : undefined;
  if (adapter === undefined) throw new Error("the libzmq backend runs on Deno or Bun");
  try {
    return { zmq: adapter.open(path), libc: adapter.openLibc() };
  } catch (e) {
    throw new Error(
      `cannot load libzmq from "${path}": ${(e as Error).message}. ` +
        `Install it (Debian/Ubuntu: apt-get install libzmq5; Fedora: dnf install zeromq; macOS: brew install zeromq) ` +
        `or pass its path: libzmq({ path: "/path/to/libzmq.so.5" }). On Deno, allow FFI: --allow-ffi.`,
      { cause: e },
    );
  }
}
