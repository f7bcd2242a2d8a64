/**
 * zeromq.js's socket options beyond zmq-ts's own, so that code written for zeromq.js keeps
 * working: each is accepted with what libzmq does with it on tcp, ipc and inproc (the multicast,
 * vmci and thread-affinity options change nothing there, in libzmq too; `socksProxy` is honoured,
 * see socks.ts), or refused with ENOTSUP when a value asks for something zmq-ts does not do (a
 * device binding, TCP keepalive tuning...). And the raw accessors by libzmq option number
 * (`getInt32Option(19)`), which zeromq.js's own option properties are built on.
 *
 * @module
 */

import { emitWarning } from "./host.ts";
import { zmqError } from "./errors.ts";

/** zeromq.js's options that libzmq 4.3 has and zmq-ts keeps for compatibility. */
export interface CompatOptions {
  /** ZMQ_AFFINITY: I/O thread affinity; there are no I/O threads here, so any value is kept and ignored (as libzmq with one I/O thread). */
  affinity: number;
  /** ZMQ_RATE: multicast (pgm) data rate; kept, unused: no pgm transport. */
  rate: number;
  /** ZMQ_RECOVERY_IVL: multicast recovery interval; kept, unused: no pgm transport. */
  recoveryInterval: number;
  /** ZMQ_MULTICAST_HOPS: kept, unused: no multicast transport. */
  multicastHops: number;
  /** ZMQ_MULTICAST_MAXTPDU: kept, unused: no multicast transport. */
  multicastMaxTransportDataUnit: number;
  /** ZMQ_BACKLOG: listen queue length; kept and reported, the runtime's own listen queue is used. */
  backlog: number;
  /** ZMQ_SNDBUF: kernel send buffer; kept and reported, the OS default is used. */
  sendBufferSize: number;
  /** ZMQ_RCVBUF: kernel receive buffer; kept and reported, the OS default is used. */
  receiveBufferSize: number;
  /** ZMQ_IPV6: kept; tcp endpoints given as IPv6 addresses work either way. */
  ipv6: boolean;
  /** ZMQ_LOOPBACK_FASTPATH: Windows only in libzmq; kept, unused. */
  loopbackFastPath: boolean;
  /** ZMQ_VMCI_BUFFER_SIZE: kept, unused: no vmci transport. */
  vmciBufferSize: number;
  /** ZMQ_VMCI_BUFFER_MIN_SIZE: kept, unused: no vmci transport. */
  vmciBufferMinSize: number;
  /** ZMQ_VMCI_BUFFER_MAX_SIZE: kept, unused: no vmci transport. */
  vmciBufferMaxSize: number;
  /** ZMQ_VMCI_CONNECT_TIMEOUT: kept, unused: no vmci transport. */
  vmciConnectTimeout: number;
  /** ZMQ_TCP_KEEPALIVE: only -1 (the OS default): ENOTSUP otherwise. */
  tcpKeepalive: number;
  /** ZMQ_TCP_KEEPALIVE_CNT: only -1 (the OS default): ENOTSUP otherwise. */
  tcpKeepaliveCount: number;
  /** ZMQ_TCP_KEEPALIVE_IDLE: only -1 (the OS default): ENOTSUP otherwise. */
  tcpKeepaliveIdle: number;
  /** ZMQ_TCP_KEEPALIVE_INTVL: only -1 (the OS default): ENOTSUP otherwise. */
  tcpKeepaliveInterval: number;
  /** ZMQ_TCP_MAXRT: only 0 (the OS default): ENOTSUP otherwise. */
  tcpMaxRetransmitTimeout: number;
  /** ZMQ_CONNECT_TIMEOUT: only 0 (the OS's connect timeout): ENOTSUP otherwise. */
  connectTimeout: number;
  /** ZMQ_TOS: only 0: ENOTSUP otherwise. */
  typeOfService: number;
  /** ZMQ_TCP_ACCEPT_FILTER: only null: ENOTSUP otherwise (an ignored filter would let everyone in). */
  tcpAcceptFilter: string | null;
  /** ZMQ_SOCKS_PROXY: tcp connections go through this SOCKS5 proxy ("host:port"; no authentication). */
  socksProxy: string | null;
  /** ZMQ_BINDTODEVICE: only null: ENOTSUP otherwise. */
  interface: string | null;
}

/** libzmq's defaults (4.3). */
export function compatDefaults(): CompatOptions {
  return {
    affinity: 0,
    rate: 100,
    recoveryInterval: 10000,
    multicastHops: 1,
    multicastMaxTransportDataUnit: 1500,
    backlog: 100,
    sendBufferSize: -1,
    receiveBufferSize: -1,
    ipv6: false,
    loopbackFastPath: false,
    vmciBufferSize: 0,
    vmciBufferMinSize: 0,
    vmciBufferMaxSize: 0,
    vmciConnectTimeout: -1,
    tcpKeepalive: -1,
    tcpKeepaliveCount: -1,
    tcpKeepaliveIdle: -1,
    tcpKeepaliveInterval: -1,
    tcpMaxRetransmitTimeout: 0,
    connectTimeout: 0,
    typeOfService: 0,
    tcpAcceptFilter: null,
    socksProxy: null,
    interface: null,
  };
}

/** Options whose only value zmq-ts can honour is the default: another would change behaviour. */
const DEFAULT_ONLY: ReadonlySet<keyof CompatOptions> = new Set([
  "tcpKeepalive",
  "tcpKeepaliveCount",
  "tcpKeepaliveIdle",
  "tcpKeepaliveInterval",
  "tcpMaxRetransmitTimeout",
  "connectTimeout",
  "typeOfService",
  "tcpAcceptFilter",
  "interface",
]);
const DEFAULTS = compatDefaults();

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Checks a compatibility option's value: TypeError for the wrong type, ENOTSUP for what we cannot do. */
export function validateCompatOption(name: keyof CompatOptions, value: unknown): unknown {
  const only = DEFAULT_ONLY.has(name) ? DEFAULTS[name] : undefined;
  if (name === "socksProxy") {
    if (value === null || value === undefined) return null;
    const text = value instanceof Uint8Array ? new TextDecoder().decode(value) : value;
    if (typeof text !== "string") throw new TypeError("socksProxy must be a string or null");
    return text; // as libzmq: checked when connecting (a bad one fails each attempt: connect:delay)
  }
  if (name === "ipv6" || name === "loopbackFastPath") {
    if (typeof value !== "boolean") throw new TypeError(`${name} must be a boolean`);
    return value;
  }
  if (only === null) {
    if (value === null || value === undefined) return null;
    if (typeof value !== "string" && !(value instanceof Uint8Array)) {
      throw new TypeError(`${name} must be a string or null`);
    }
    throw zmqError("ENOTSUP", `${name} is not supported by zmq-ts (only null)`);
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`${name} must be a number, got ${String(value)}`);
  }
  if (only !== undefined && value !== only) {
    throw zmqError("ENOTSUP", `${name} is not supported by zmq-ts (only ${only}, the OS default)`);
  }
  if (name === "affinity" && value > MAX_SAFE) {
    emitWarning(
      "Value is larger than Number.MAX_SAFE_INTEGER and may have been rounded inaccurately.",
    );
  }
  return value;
}

type Kind = "Bool" | "Int32" | "Uint32" | "Int64" | "Uint64" | "String";

/** Socket options by libzmq number (zmq.h), with zeromq.js's names. */
export const OPTION_NUMBERS: Readonly<Record<number, readonly [string, Kind]>> = {
  4: ["affinity", "Uint64"],
  5: ["routingId", "String"],
  8: ["rate", "Int32"],
  9: ["recoveryInterval", "Int32"],
  11: ["sendBufferSize", "Int32"],
  12: ["receiveBufferSize", "Int32"],
  16: ["type", "Int32"],
  17: ["linger", "Int32"],
  18: ["reconnectInterval", "Int32"],
  19: ["backlog", "Int32"],
  21: ["reconnectMaxInterval", "Int32"],
  22: ["maxMessageSize", "Int64"],
  23: ["sendHighWaterMark", "Int32"],
  24: ["receiveHighWaterMark", "Int32"],
  25: ["multicastHops", "Int32"],
  27: ["receiveTimeout", "Int32"],
  28: ["sendTimeout", "Int32"],
  32: ["lastEndpoint", "String"],
  33: ["mandatory", "Bool"],
  34: ["tcpKeepalive", "Int32"],
  35: ["tcpKeepaliveCount", "Int32"],
  36: ["tcpKeepaliveIdle", "Int32"],
  37: ["tcpKeepaliveInterval", "Int32"],
  38: ["tcpAcceptFilter", "String"],
  39: ["immediate", "Bool"],
  42: ["ipv6", "Bool"],
  43: ["securityMechanism", "Int32"],
  44: ["plainServer", "Bool"],
  45: ["plainUsername", "String"],
  46: ["plainPassword", "String"],
  47: ["curveServer", "Bool"],
  48: ["curvePublicKey", "String"],
  49: ["curveSecretKey", "String"],
  50: ["curveServerKey", "String"],
  51: ["probeRouter", "Bool"],
  52: ["correlate", "Bool"],
  53: ["relaxed", "Bool"],
  54: ["conflate", "Bool"],
  55: ["zapDomain", "String"],
  56: ["handover", "Bool"],
  57: ["typeOfService", "Uint32"],
  66: ["handshakeInterval", "Int32"],
  68: ["socksProxy", "String"],
  69: ["noDrop", "Bool"],
  71: ["manual", "Bool"],
  72: ["welcomeMessage", "String"],
  73: ["notify", "Bool"],
  74: ["invertMatching", "Bool"],
  75: ["heartbeatInterval", "Int32"],
  76: ["heartbeatTimeToLive", "Int32"],
  77: ["heartbeatTimeout", "Int32"],
  79: ["connectTimeout", "Int32"],
  80: ["tcpMaxRetransmitTimeout", "Int32"],
  81: ["threadSafe", "Bool"],
  84: ["multicastMaxTransportDataUnit", "Int32"],
  85: ["vmciBufferSize", "Uint64"],
  86: ["vmciBufferMinSize", "Uint64"],
  87: ["vmciBufferMaxSize", "Uint64"],
  88: ["vmciConnectTimeout", "Int32"],
  92: ["interface", "String"],
  93: ["zapEnforceDomain", "Bool"],
  94: ["loopbackFastPath", "Bool"],
};

/** The option name behind a libzmq option number, if this socket has that option. */
export function optionByNumber(target: object, option: number): string {
  const name = OPTION_NUMBERS[option]?.[0];
  if (name === undefined || !(name in target)) {
    throw zmqError("EINVAL", `socket option ${option} is not known to this socket`);
  }
  return name;
}

const decoder = new TextDecoder();

/** A string option's value as zeromq.js returns it: text, or null when unset. */
export function asText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Uint8Array) return decoder.decode(value);
  return String(value);
}

/**
 * Options that take effect when set on a bound or connected socket (zeromq.js warns about the
 * others: they apply to the next bind or connect).
 */
export const IMMEDIATE_OPTIONS: ReadonlySet<string> = new Set([
  "linger",
  "sendHighWaterMark",
  "receiveHighWaterMark",
  "sendTimeout",
  "receiveTimeout",
]);

/** zeromq.js's warning for an option set on a socket that is already bound or connected. */
export function warnNextConnect(): void {
  emitWarning("Socket option will not take effect until next connect/bind.");
}

/**
 * Raw access to options by libzmq number, as zeromq.js's option properties are built: each reads
 * or writes the property of that name (`getInt32Option(17)` is `linger`); an option the socket
 * does not have is EINVAL. Text options read back as text, or null when unset.
 */
export interface RawOptionAccessors {
  /** The boolean option with this libzmq number, e.g. `getBoolOption(39)` is `immediate`. */
  getBoolOption(option: number): boolean;
  /** Sets the boolean option with this libzmq number. */
  setBoolOption(option: number, value: boolean): void;
  /** The 32-bit integer option with this libzmq number, e.g. `getInt32Option(17)` is `linger`. */
  getInt32Option(option: number): number;
  /** Sets the 32-bit integer option with this libzmq number. */
  setInt32Option(option: number, value: number): void;
  /** The unsigned 32-bit option with this libzmq number. */
  getUint32Option(option: number): number;
  /** Sets the unsigned 32-bit option with this libzmq number. */
  setUint32Option(option: number, value: number): void;
  /** The 64-bit integer option with this libzmq number, e.g. `getInt64Option(22)` is `maxMessageSize`. */
  getInt64Option(option: number): number;
  /** Sets the 64-bit integer option with this libzmq number. */
  setInt64Option(option: number, value: number): void;
  /** The unsigned 64-bit option with this libzmq number. */
  getUint64Option(option: number): number;
  /** Sets the unsigned 64-bit option with this libzmq number. */
  setUint64Option(option: number, value: number): void;
  /** The text option with this libzmq number (null when unset), e.g. `getStringOption(5)` is `routingId`. */
  getStringOption(option: number): string | null;
  /** Sets the text option with this libzmq number (text, bytes, or null to unset). */
  setStringOption(option: number, value: string | Uint8Array | null): void;
}

/** Defines the {@link RawOptionAccessors} on a socket class's prototype. */
export function installRawAccessors(proto: object): void {
  const props = (s: object) => s as Record<string, unknown>;
  const methods: Record<string, (this: object, option: number, value?: unknown) => unknown> = {};
  for (const kind of ["Bool", "Int32", "Uint32", "Int64", "Uint64"]) {
    methods[`get${kind}Option`] = function (option) {
      return props(this)[optionByNumber(this, option)];
    };
    methods[`set${kind}Option`] = function (option, value) {
      props(this)[optionByNumber(this, option)] = value;
    };
  }
  methods.getStringOption = function (option) {
    return asText(props(this)[optionByNumber(this, option)]);
  };
  methods.setStringOption = function (option, value) {
    const name = optionByNumber(this, option);
    // An unset routing id is undefined in zmq-ts; the other text options use null.
    props(this)[name] = value === null && name === "routingId" ? undefined : value;
  };
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  }
}
