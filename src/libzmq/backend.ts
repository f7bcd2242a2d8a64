/**
 * The libzmq backend: contexts and sockets of the C library behind the
 * {@link Backend} seam. One reactor per thread waits for all of them.
 *
 * A context's life, as the core's: sockets closed with a linger keep
 * delivering and keep the process alive until they are done. Here that is
 * zmq_ctx_term, run in a Worker (it blocks) once the last socket of the
 * context is closed; the next socket gets a fresh libzmq context. At
 * process exit what still lingers is dropped, as the core drops it.
 *
 * @module
 */

import process from "node:process";
import type {
  Backend,
  NativeContext,
  NativeSocket,
  NativeSocketListener,
  SharedNativeContext,
} from "../backend.ts";
import { zmqError } from "../errors.ts";
import type { Handle, LibcControl, Libzmq } from "./ffi.ts";
import { Reactor } from "./reactor.ts";
import { LibzmqSocket } from "./native_socket.ts";

/** libzmq allows 1023 sockets per context; each of ours takes three (itself, its monitor and the pair reading it). */
const MAX_SOCKETS = 3 * 1023;
const ZMQ_MAX_SOCKETS = 2;

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
  /** Contexts of this thread with open sockets: what the exit handler closes. */
  readonly #busy = new Set<LibzmqContext>();
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
    if (shared !== undefined && shared.backend !== this.name) {
      throw zmqError("EINVAL", `a ${shared.backend} context cannot join the libzmq backend`);
    }
    const ctx = new LibzmqContext(
      this.#zmq,
      this.#reactor,
      this.#busy,
      shared === undefined ? undefined : shared.address,
    );
    if (!this.#exitHooked) {
      this.#exitHooked = true;
      // Open sockets are closed at exit without lingering, so that no libzmq thread is busy with
      // them while the process tears down.
      process.on("exit", () => {
        for (const c of [...this.#busy]) c.closeAll();
      });
    }
    return ctx;
  }
}

/** One libzmq context in this thread. */
export class LibzmqContext implements NativeContext {
  readonly #zmq: Libzmq;
  readonly #reactor: Reactor;
  /** Made lazily, and again after a termination; the address of another thread's when shared. */
  #handle: Handle | undefined;
  readonly #owner: boolean;
  readonly #sockets = new Set<LibzmqSocket>();
  readonly #busy: Set<LibzmqContext>;
  readonly #id = Math.random().toString(36).slice(2);
  #shared = false;
  /** A socket of the current handle was closed with a linger: terminating it may take time. */
  #lingered = false;
  #ended: Promise<void> = Promise.resolve();

  constructor(
    zmq: Libzmq,
    reactor: Reactor,
    busy: Set<LibzmqContext>,
    sharedAddress: bigint | undefined,
  ) {
    this.#zmq = zmq;
    this.#reactor = reactor;
    this.#busy = busy;
    this.#owner = sharedAddress === undefined;
    if (sharedAddress !== undefined) this.#handle = zmq.fromAddress(sharedAddress);
  }

  #context(): Handle {
    if (this.#handle === undefined) {
      const h = this.#zmq.ctxNew();
      if (h === null) throw zmqError("EINVAL", "libzmq could not make a context");
      this.#zmq.ctxSet(h, ZMQ_MAX_SOCKETS, MAX_SOCKETS);
      this.#handle = h;
    }
    return this.#handle;
  }

  socket(type: string, listener: NativeSocketListener): NativeSocket {
    const ctx = this.#context();
    this.#zmq.probeInPlace(ctx); // once per thread: small frames read in place if it holds
    const s = new LibzmqSocket(this.#zmq, this.#reactor, ctx, this.#id, type, {
      ready: listener.ready,
      event: listener.event,
      terminated: listener.terminated,
    });
    this.#sockets.add(s);
    this.#busy.add(this);
    const close = s.close.bind(s);
    s.close = (linger: number) => {
      if (!this.#sockets.delete(s)) return;
      close(linger);
      if (linger !== 0) this.#lingered = true;
      if (this.#sockets.size === 0) {
        this.#busy.delete(this);
        this.#terminate();
      }
    };
    return s;
  }

  /**
   * The last socket closed: terminate the libzmq context, at once when nothing lingers, else
   * in a Worker that waits (keeping the process alive) while lingering sockets deliver.
   */
  #terminate(): void {
    const h = this.#handle;
    if (h === undefined || !this.#owner || this.#shared) return;
    this.#handle = undefined;
    if (!this.#lingered) {
      this.#zmq.ctxTerm(h);
      return;
    }
    this.#lingered = false;
    const worker = new Worker(new URL("./term_worker.ts", import.meta.url).href, {
      type: "module",
    });
    this.#ended = new Promise<void>((resolve) => {
      worker.onmessage = () => {
        resolve();
        worker.terminate();
      };
      worker.onerror = (e) => {
        e.preventDefault?.();
        resolve();
      };
    });
    worker.postMessage({ path: this.#zmq.path, address: this.#zmq.addressOf(h) });
  }

  shutdown(): void {
    if (this.#handle !== undefined) this.#zmq.ctxShutdown(this.#handle);
  }

  ended(): Promise<void> {
    return this.#ended;
  }

  share(): SharedNativeContext {
    this.#shared = true;
    return {
      backend: "libzmq",
      path: this.#zmq.path,
      address: this.#zmq.addressOf(this.#context()),
    };
  }

  /** At exit: sockets still open close without lingering. */
  closeAll(): void {
    for (const s of [...this.#sockets]) s.close(0);
  }
}
