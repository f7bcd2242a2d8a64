/**
 * Loads libzmq as a backend: see {@link libzmq}.
 *
 * @module
 */

import { DEFAULT_LIBRARY, loadLibzmq } from "./ffi.ts";
import { LibzmqBackend } from "./backend.ts";

export { LibzmqBackend };

/** Options for {@link libzmq}. */
export interface LibzmqOptions {
  /** The library to load; default `$ZMQ_TS_LIBZMQ`, else "libzmq.so.5" (Debian's libzmq5). */
  path?: string;
}

const loaded = new Map<string, Promise<LibzmqBackend>>();

/**
 * Loads the system's libzmq (once per path and thread) as a backend for
 * contexts. Throws, saying how to install it, when the library is missing.
 *
 * @example
 * ```ts
 * import { Context, Push } from "./mod.ts";
 * import { libzmq } from "./libzmq.ts";
 * const context = new Context({ backend: await libzmq() });
 * const push = new Push({ context });
 * ```
 */
export function libzmq(options: LibzmqOptions = {}): Promise<LibzmqBackend> {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const path = options.path ?? env?.ZMQ_TS_LIBZMQ ?? DEFAULT_LIBRARY;
  let backend = loaded.get(path);
  if (backend === undefined) {
    backend = loadLibzmq(path).then(({ zmq, libc }) => new LibzmqBackend(zmq, libc));
    backend.catch(() => loaded.delete(path));
    loaded.set(path, backend);
  }
  return backend;
}
