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
  | "EMFILE";

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
  /** Use {@link zmqError} rather than this directly. */
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { address?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
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
