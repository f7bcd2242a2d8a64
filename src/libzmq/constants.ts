/**
 * libzmq's numbers (zmq.h, 4.3): socket types, options, flags, events and
 * error codes, and how they map to zmq-ts names.
 *
 * @module
 */

import {
  type ErrorCode,
  PROTOCOL_ERROR_NUMBERS,
  ProtocolError,
  type ProtocolErrorCode,
} from "../errors.ts";
import type { EventType } from "../observer.ts";

/** Socket types by ZMTP name. */
export const SOCKET_TYPES: Record<string, number> = {
  PAIR: 0,
  PUB: 1,
  SUB: 2,
  REQ: 3,
  REP: 4,
  DEALER: 5,
  ROUTER: 6,
  PULL: 7,
  PUSH: 8,
  XPUB: 9,
  XSUB: 10,
};

export const DONTWAIT = 1;
export const SNDMORE = 2;
export const POLLIN = 1;
export const POLLOUT = 2;

export const OPT = {
  ROUTING_ID: 5,
  SUBSCRIBE: 6,
  UNSUBSCRIBE: 7,
  FD: 14,
  EVENTS: 15,
  LINGER: 17,
  RECONNECT_IVL: 18,
  RECONNECT_IVL_MAX: 21,
  MAXMSGSIZE: 22,
  SNDHWM: 23,
  RCVHWM: 24,
  LAST_ENDPOINT: 32,
  ROUTER_MANDATORY: 33,
  IMMEDIATE: 39,
  XPUB_VERBOSE: 40,
  PROBE_ROUTER: 51,
  REQ_CORRELATE: 52,
  REQ_RELAXED: 53,
  CONFLATE: 54,
  ROUTER_HANDOVER: 56,
  CONNECT_ROUTING_ID: 61,
  HANDSHAKE_IVL: 66,
  XPUB_NODROP: 69,
  XPUB_MANUAL: 71,
  XPUB_WELCOME_MSG: 72,
  INVERT_MATCHING: 74,
  HEARTBEAT_IVL: 75,
  HEARTBEAT_TTL: 76,
  HEARTBEAT_TIMEOUT: 77,
  XPUB_VERBOSER: 78,
  PLAIN_SERVER: 44,
  PLAIN_USERNAME: 45,
  PLAIN_PASSWORD: 46,
  CURVE_SERVER: 47,
  CURVE_PUBLICKEY: 48,
  CURVE_SECRETKEY: 49,
  CURVE_SERVERKEY: 50,
  ZAP_DOMAIN: 55,
  ZAP_ENFORCE_DOMAIN: 93,
} as const;

/** Our integer options and their libzmq numbers (timeouts stay in TypeScript: sends and receives never block in C). */
export const INT_OPTIONS: Record<string, number> = {
  sendHighWaterMark: OPT.SNDHWM,
  receiveHighWaterMark: OPT.RCVHWM,
  linger: OPT.LINGER,
  reconnectInterval: OPT.RECONNECT_IVL,
  reconnectMaxInterval: OPT.RECONNECT_IVL_MAX,
  handshakeInterval: OPT.HANDSHAKE_IVL,
  immediate: OPT.IMMEDIATE,
  conflate: OPT.CONFLATE,
  probeRouter: OPT.PROBE_ROUTER,
  invertMatching: OPT.INVERT_MATCHING,
  noDrop: OPT.XPUB_NODROP,
  manual: OPT.XPUB_MANUAL,
  mandatory: OPT.ROUTER_MANDATORY,
  handover: OPT.ROUTER_HANDOVER,
  correlate: OPT.REQ_CORRELATE,
  relaxed: OPT.REQ_RELAXED,
};

/** Monitor events (ZMQ_EVENT_*) and the names zmq-ts reports them by; the rest zmq-ts reports itself. */
export const EVENTS: Record<number, EventType> = {
  0x0001: "connect",
  0x0002: "connect:delay",
  0x0004: "connect:retry",
  0x0020: "accept",
  0x0040: "accept:error",
  0x0200: "disconnect",
  0x0800: "handshake:error:other",
  0x1000: "handshake",
  0x2000: "handshake:error:protocol",
  0x4000: "handshake:error:auth",
};
export const EVENT_ALL = 0xffff;

const PROTOCOL_ERROR_CODES = new Map<number, ProtocolErrorCode>(
  Object.entries(PROTOCOL_ERROR_NUMBERS).map(([code, n]) => [n, code as ProtocolErrorCode]),
);

/**
 * The error of a `handshake:error:protocol` monitor event, whose value is a ZMQ_PROTOCOL_ERROR_*:
 * libzmq says no more than the code, so the message is zeromq.js's ("ZMTP protocol error").
 */
export function nativeProtocolError(value: number): ProtocolError {
  const code = PROTOCOL_ERROR_CODES.get(value);
  if (code === undefined) {
    return new ProtocolError("ERR_ZMTP_UNSPECIFIED", `protocol error ${value} (unknown to zmq-ts)`);
  }
  return new ProtocolError(code, `${code.split("_")[1]} protocol error`);
}

const HAUSNUMERO = 156384712;
export const EAGAIN = 11;
/** A signal (a profiler's, a timer's) cut a call short; nothing was taken: call again. */
export const EINTR = 4;

/** libzmq's errno values on Linux, by the code zmq-ts reports. */
export const ERRNO: Record<number, ErrorCode> = {
  2: "ENOENT",
  24: "EMFILE",
  11: "EAGAIN",
  22: "EINVAL",
  88: "ENOTSOCK",
  90: "EMSGSIZE",
  93: "EPROTONOSUPPORT",
  95: "ENOTSUP",
  98: "EADDRINUSE",
  99: "EADDRNOTAVAIL",
  110: "ETIMEDOUT",
  111: "ECONNREFUSED",
  113: "EHOSTUNREACH",
  [HAUSNUMERO + 1]: "ENOTSUP",
  [HAUSNUMERO + 2]: "EPROTONOSUPPORT",
  [HAUSNUMERO + 51]: "EFSM",
  [HAUSNUMERO + 52]: "EPROTONOSUPPORT", // ENOCOMPATPROTO: the transport does not fit the socket type
  [HAUSNUMERO + 53]: "ETERM",
};
