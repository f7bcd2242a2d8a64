/**
 * The one place errors are defined. A ZeroMQ condition is a {@link ZmqError}
 * with a stable `code` (the names libzmq and zeromq.js use); a bad argument is
 * a TypeError or RangeError that says which value was wrong.
 *
 * @module
 */

/** The codes a {@link ZmqError} can carry. */
export type ErrorCode =
  | "EAGAIN"
  | "EFSM"
  | "ETERM"
  | "EHOSTUNREACH"
  | "ENOTSUP"
  | "EADDRINUSE"
  | "EADDRNOTAVAIL"
  | "EPROTONOSUPPORT"
  | "EINVAL"
  | "EMSGSIZE"
  | "EBUSY"
  | "ENOENT"
  | "EPROTO"
  | "ECONNREFUSED"
  | "ETIMEDOUT"
  | "ENOTSOCK"
  | "EMFILE"
  | "EBADF";

/** libzmq's own error numbers start here (zmq.h's ZMQ_HAUSNUMERO). */
const HAUSNUMERO = 156384712;

/**
 * The POSIX (Linux) number of each code, as zeromq.js reports it in `errno`;
 * EFSM and ETERM are libzmq's own.
 */
export const ERRNO: Readonly<Record<ErrorCode, number>> = {
  ENOENT: 2,
  EBADF: 9,
  EAGAIN: 11,
  EBUSY: 16,
  EINVAL: 22,
  EMFILE: 24,
  EPROTO: 71,
  ENOTSOCK: 88,
  EMSGSIZE: 90,
  EPROTONOSUPPORT: 93,
  ENOTSUP: 95,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EHOSTUNREACH: 113,
  EFSM: HAUSNUMERO + 51,
  ETERM: HAUSNUMERO + 53,
};

/**
 * An error from a ZeroMQ operation.
 *
 * @example
 * ```ts
 * try {
 *   await pull.receive();
 * } catch (e) {
 *   if (e instanceof ZmqError && e.code === "EAGAIN") console.log("timed out");
 * }
 * ```
 */
export class ZmqError extends Error {
  /** Always "ZmqError". */
  override name = "ZmqError";
  /** The endpoint involved, where there is one. */
  readonly address?: string;
  /** The POSIX number of {@link code} on Linux (libzmq's own for EFSM and ETERM), as in zeromq.js. */
  readonly errno: number;
  /** Use {@link zmqError} rather than this directly. */
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { address?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.errno = ERRNO[code];
    if (options.address !== undefined) this.address = options.address;
  }
}

/** Shorthand used throughout the library. */
export function zmqError(
  code: ErrorCode,
  message: string,
  options?: { address?: string; cause?: unknown },
): ZmqError {
  return new ZmqError(code, message, options);
}
