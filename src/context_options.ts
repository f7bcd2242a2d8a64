/**
 * A context's options, with zeromq.js's names and libzmq's defaults and checks
 * (zmq_ctx_set): the ones that change what sockets do here (`blocky`,
 * `maxSockets`), and the ones kept for compatibility (`ioThreads`: there are no
 * I/O threads, each socket's connections run on its own thread's event loop).
 *
 * @module
 */

/** Options of a {@link Context}, as in zeromq.js. */
export interface ContextOptions {
  /** ZMQ_IO_THREADS: kept for compatibility; zmq-ts has no I/O threads. Default 1. */
  ioThreads: number;
  /** ZMQ_MAX_SOCKETS: sockets the context may have open at once; one more fails with EMFILE. Default 1023. */
  maxSockets: number;
  /** ZMQ_MAX_MSGSZ: kept for compatibility; each socket's own `maxMessageSize` limits what it receives. */
  maxMessageSize: number;
  /** ZMQ_IPV6: the default `ipv6` of new sockets. */
  ipv6: boolean;
  /** ZMQ_BLOCKY: when false, new sockets get `linger` 0 instead of -1 (libzmq's rule). Default true. */
  blocky: boolean;
  /** ZMQ_THREAD_PRIORITY: kept for compatibility (no I/O threads). */
  threadPriority: number;
  /** ZMQ_THREAD_SCHED_POLICY: kept for compatibility (no I/O threads). */
  threadSchedulingPolicy: number;
}

/** ZMQ_SOCKET_LIMIT: the largest `maxSockets` allowed. */
export const MAX_SOCKETS_LIMIT = 65535;

/** libzmq's defaults. */
export function contextDefaults(): ContextOptions {
  return {
    ioThreads: 1,
    maxSockets: 1023,
    maxMessageSize: 2147483647,
    ipv6: false,
    blocky: true,
    threadPriority: -1,
    threadSchedulingPolicy: -1,
  };
}

/** Checks one option as zmq_ctx_set does: TypeError for the wrong type, RangeError out of range. */
export function validateContextOption(name: keyof ContextOptions, value: unknown): void {
  if (name === "ipv6" || name === "blocky") {
    if (typeof value !== "boolean") throw new TypeError(`Option value must be a boolean (${name})`);
    return;
  }
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`Option value must be a number (${name})`);
  }
  const min = name === "maxSockets" || name === "maxMessageSize"
    ? 1
    : name === "ioThreads"
    ? 0
    : -1;
  const max = name === "maxSockets" ? MAX_SOCKETS_LIMIT : 2147483647;
  if (value < min || value > max) {
    throw new RangeError(`${name} must be ${min}-${max}, got ${value}`);
  }
}
