/**
 * The optional libzmq backend: the same socket classes, run by the system's
 * libzmq through FFI. Load it, and give the backend to a Context.
 *
 * @example
 * ```ts
 * import { Context, Pull } from "@zmq-ts/zmq";
 * import { libzmq } from "@zmq-ts/zmq/libzmq";
 * const context = new Context({ backend: await libzmq() });
 * const pull = new Pull({ context });
 * await pull.bind("tcp://127.0.0.1:*");
 * pull.close();
 * ```
 *
 * @module
 */

export { libzmq, LibzmqBackend, type LibzmqOptions } from "./src/libzmq/mod.ts";
