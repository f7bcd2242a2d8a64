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

/**
 * Why a peer's handshake or traffic broke the protocol: libzmq's `ZMQ_PROTOCOL_ERROR_*` values by
 * the names zeromq.js gives them, the `code` of a `handshake:error:protocol` event's error. `ZMTP`
 * codes concern the peer, `ZAP` codes the local ZAP handler's reply, `WS` the WebSocket framing.
 */
export type ProtocolErrorCode =
  | "ERR_ZMTP_UNSPECIFIED"
  | "ERR_ZMTP_UNEXPECTED_COMMAND"
  | "ERR_ZMTP_INVALID_SEQUENCE"
  | "ERR_ZMTP_KEY_EXCHANGE"
  | "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED"
  | "ERR_ZMTP_MALFORMED_COMMAND_MESSAGE"
  | "ERR_ZMTP_MALFORMED_COMMAND_HELLO"
  | "ERR_ZMTP_MALFORMED_COMMAND_INITIATE"
  | "ERR_ZMTP_MALFORMED_COMMAND_ERROR"
  | "ERR_ZMTP_MALFORMED_COMMAND_READY"
  | "ERR_ZMTP_MALFORMED_COMMAND_WELCOME"
  | "ERR_ZMTP_INVALID_METADATA"
  | "ERR_ZMTP_CRYPTOGRAPHIC"
  | "ERR_ZMTP_MECHANISM_MISMATCH"
  | "ERR_ZAP_UNSPECIFIED"
  | "ERR_ZAP_MALFORMED_REPLY"
  | "ERR_ZAP_BAD_REQUEST_ID"
  | "ERR_ZAP_BAD_VERSION"
  | "ERR_ZAP_INVALID_STATUS_CODE"
  | "ERR_ZAP_INVALID_METADATA"
  | "ERR_WS_UNSPECIFIED";

/** libzmq's number (zmq.h) for each protocol error code, as its monitor events carry them. */
export const PROTOCOL_ERROR_NUMBERS: Readonly<Record<ProtocolErrorCode, number>> = {
  ERR_ZMTP_UNSPECIFIED: 0x10000000,
  ERR_ZMTP_UNEXPECTED_COMMAND: 0x10000001,
  ERR_ZMTP_INVALID_SEQUENCE: 0x10000002,
  ERR_ZMTP_KEY_EXCHANGE: 0x10000003,
  ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED: 0x10000011,
  ERR_ZMTP_MALFORMED_COMMAND_MESSAGE: 0x10000012,
  ERR_ZMTP_MALFORMED_COMMAND_HELLO: 0x10000013,
  ERR_ZMTP_MALFORMED_COMMAND_INITIATE: 0x10000014,
  ERR_ZMTP_MALFORMED_COMMAND_ERROR: 0x10000015,
  ERR_ZMTP_MALFORMED_COMMAND_READY: 0x10000016,
  ERR_ZMTP_MALFORMED_COMMAND_WELCOME: 0x10000017,
  ERR_ZMTP_INVALID_METADATA: 0x10000018,
  ERR_ZMTP_CRYPTOGRAPHIC: 0x11000001,
  ERR_ZMTP_MECHANISM_MISMATCH: 0x11000002,
  ERR_ZAP_UNSPECIFIED: 0x20000000,
  ERR_ZAP_MALFORMED_REPLY: 0x20000001,
  ERR_ZAP_BAD_REQUEST_ID: 0x20000002,
  ERR_ZAP_BAD_VERSION: 0x20000003,
  ERR_ZAP_INVALID_STATUS_CODE: 0x20000004,
  ERR_ZAP_INVALID_METADATA: 0x20000005,
  ERR_WS_UNSPECIFIED: 0x30000000,
};

/**
 * A peer (or the ZAP handler) broke the protocol: the error of a `handshake:error:protocol`
 * event. The message says what was wrong; `code` names it as libzmq and zeromq.js do.
 *
 * @example
 * ```ts
 * sock.events.on("handshake:error:protocol", ({ error }) => {
 *   if (error instanceof ProtocolError && error.code === "ERR_ZMTP_MECHANISM_MISMATCH") {
 *     console.log("the peer speaks another security mechanism");
 *   }
 * });
 * ```
 */
export class ProtocolError extends Error {
  /** Always "ProtocolError". */
  override name = "ProtocolError";
  /** Builds one; `cause` is the codec's own error, where there is one. */
  constructor(readonly code: ProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}
