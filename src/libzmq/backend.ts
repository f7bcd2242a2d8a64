/**
 * The libzmq backend: contexts and sockets of the C library behind the
 * {@link Backend} seam. One reactor per thread waits for all of them.
 *
 * @module
 */

import process from "node:process";
import type { Backend, NativeContext, NativeSocket, NativeSocketListener, SharedNativeContext } from "../backend.ts";
import { zmqError } from "../errors.ts";
import type { Handle, LibcControl, Libzmq } from "./ffi.ts";
import { Reactor } from "./reactor.ts";
import { LibzmqSocket } from "./native_socket.ts";

/**
 * libzmq, loaded, as a backend for Contexts. Get one from `libzmq()`.
 *
 * @example
 * ```ts
 * const backend = await libzmq();
 * console.log(backend.version); // "4.3.4"
 * const context = new Context({ backend });
 * ```
 */
export class LibzmqBackend implements Backend {
  readonly name = "libzmq";
  /** The library's version, e.g. "4.3.4". */
  readonly version: string;
  readonly #zmq: Libzmq;
  readonly #reactor: Reactor;
  /** Contexts this thread made, terminated at exit so that lingering messages are delivered first. */
  readonly #owned = new Set<LibzmqContext>();
  #exitHooked = false;

  /** @internal Made by `libzmq()`, which loads the library. */
  constructor(zmq: Libzmq, libc: LibcControl) {
    this.#zmq = zmq;
    this.#reactor = new Reactor(libc);
    this.version = zmq.version;
  }

  /** Where the library was loaded from. */
  get path(): string {
    return this.#zmq.path;
  }

  /** A new libzmq context, or the one `shared` names (made in another thread of this process). */
  open(shared?: SharedNativeContext): NativeContext {
    if (shared !== undefined) {
      if (shared.backend !== this.name) throw zmqError("EINVAL", `a ${shared.backend} context cannot join the libzmq backend`);
      return new LibzmqContext(this.#zmq, this.#reactor, this.#zmq.fromAddress(shared.address), false);
    }
    const h = this.#zmq.ctxNew();
    if (h === null) throw zmqError("EINVAL", "libzmq could not make a context");
    const ctx = new LibzmqContext(this.#zmq, this.#reactor, h, true);
    this.#owned.add(ctx);
    if (!this.#exitHooked) {
      this.#exitHooked = true;
      const end = (e?: Event) => {
        if (e?.defaultPrevented) return; // the program handles the error and goes on
        for (const c of this.#owned) c.end();
        this.#owned.clear();
      };
      process.on("exit", () => end());
      // Deno ends on an uncaught error without an "exit" event; libzmq's threads must not be
      // busy reaping sockets while the process tears down (measured: a segfault).
      const g = globalThis as { addEventListener?: (t: string, f: (e: Event) => void) => void };
      g.addEventListener?.("error", end);
      g.addEventListener?.("unhandledrejection", end);
    }
    return ctx;
  }
}

/** One libzmq context in this thread. */
export class LibzmqContext implements NativeContext {
  readonly #zmq: Libzmq;
  readonly #reactor: Reactor;
  readonly #handle: Handle;
  readonly #owner: boolean;
  readonly #sockets = new Set<LibzmqSocket>();
  readonly #id = Math.random().toString(36).slice(2);
  #shared = false;

  constructor(zmq: Libzmq, reactor: Reactor, handle: Handle, owner: boolean) {
    this.#zmq = zmq;
    this.#reactor = reactor;
    this.#handle = handle;
    this.#owner = owner;
  }

  socket(type: string, listener: NativeSocketListener): NativeSocket {
    const s = new LibzmqSocket(this.#zmq, this.#reactor, this.#handle, this.#id, type, {
      ready: listener.ready,
      event: listener.event,
      terminated: listener.terminated,
    });
    this.#sockets.add(s);
    const close = s.close.bind(s);
    s.close = (linger: number) => {
      this.#sockets.delete(s);
      close(linger);
    };
    return s;
  }

  shutdown(): void {
    this.#zmq.ctxShutdown(this.#handle);
  }

  share(): SharedNativeContext {
    this.#shared = true;
    return { backend: "libzmq", path: this.#zmq.path, address: this.#zmq.addressOf(this.#handle) };
  }

  /**
   * At exit: sockets still open are closed without lingering, then the context
   * is terminated, which waits (as zmq_ctx_term does) while sockets closed
   * with a linger still deliver.
   */
  end(): void {
    for (const s of [...this.#sockets]) s.close(0);
    // A shared context may still have sockets in Workers that die with the process without
    // closing them; zmq_ctx_term would wait for those forever.
    if (this.#owner && !this.#shared) this.#zmq.ctxTerm(this.#handle);
  }
}
