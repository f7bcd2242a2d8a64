/**
 * Socket options: zeromq.js names, libzmq defaults (zmtp.md §5.1).
 *
 * @module
 */

/**
 * Options every socket has. Pass any of them to a socket's constructor, or set them as properties.
 * A change applies at once to the high-water marks (existing pipes too), timeouts and linger; from
 * the next reconnect attempt to the reconnect intervals; to connections made afterwards (accepted
 * or connected) for the handshake and heartbeat timings, `maxMessageSize` and `routingId`; and to
 * later `connect()` calls for `immediate`. (libzmq takes the last group when `bind()` or `connect()`
 * is called; here a bound socket's later connections get the new values too.)
 */
export interface SocketOptions {
  /** Messages queued per peer for sending before the socket waits or drops (0 = no limit). Default 1000. */
  sendHighWaterMark: number;
  /** Messages queued per peer for receiving before reading from the network stops (0 = no limit). Default 1000. */
  receiveHighWaterMark: number;
  /** How long (ms) a closed socket keeps delivering queued messages; -1 = until delivered, 0 = drop them. */
  linger: number;
  /** How long (ms) a send may wait; -1 = forever, 0 = fail with EAGAIN at once. */
  sendTimeout: number;
  /** How long (ms) a receive may wait; -1 = forever, 0 = fail with EAGAIN at once. */
  receiveTimeout: number;
  /** First delay (ms) before reconnecting a lost or refused connection; -1 = never reconnect. Default 100. */
  reconnectInterval: number;
  /** Upper bound (ms) for exponential reconnect backoff; 0 = no backoff. */
  reconnectMaxInterval: number;
  /** Time (ms) allowed for the ZMTP handshake; 0 = unlimited. Default 30000. */
  handshakeInterval: number;
  /** Send a PING every this many ms (0 = off). */
  heartbeatInterval: number;
  /** Drop a connection that is silent this long (ms) after a PING; 0 = the heartbeat interval. */
  heartbeatTimeout: number;
  /** Ask the peer to drop us if it hears nothing for this long (ms; sent in deciseconds). */
  heartbeatTimeToLive: number;
  /** Largest inbound frame (bytes) accepted; a larger one drops the connection. -1 = no limit. */
  maxMessageSize: number;
  /**
   * Most connections this socket holds accepted at once, over all its bound endpoints, counted
   * from accept (handshakes included) to close; 0 = no limit (the default). One more is closed at
   * once and reported as `accept:error` (ECONNREFUSED). A zmq-ts extension: libzmq has no such
   * option (the libzmq backend refuses a non-zero value with ENOTSUP).
   */
  maxConnections: number;
  /**
   * Most bytes this socket's connections may hold between them received but not yet made into
   * whole messages (partial frames, frames of an unfinished multipart message, bytes waiting for
   * room in a full queue); 0 = no limit (the default). At the cap, connections holding such bytes
   * stop reading (their peers then feel TCP back-pressure) until the sum falls to half of it, one
   * of them reading on meanwhile so that a message always completes. A message larger than the
   * cap drops its connection, as one above maxMessageSize does. A zmq-ts extension: libzmq has no
   * such option (the libzmq backend refuses a non-zero value with ENOTSUP).
   */
  maxUndecodedBytes: number;
  /** Queue messages only to peers whose handshake is complete. */
  immediate: boolean;
  /** Our routing id (Identity), 1-255 bytes, sent to routing peers. */
  routingId: string | Uint8Array | undefined;
}

const encoder = new TextEncoder();

/** A routing id, topic or welcome message given as text or bytes, as bytes (text in UTF-8). */
export function asBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? encoder.encode(value) : value;
}

/** Defaults as libzmq has them. */
export function defaultOptions(socketType: string): SocketOptions {
  return {
    sendHighWaterMark: 1000,
    receiveHighWaterMark: 1000,
    linger: socketType === "SUB" || socketType === "XSUB" ? 0 : -1,
    sendTimeout: -1,
    receiveTimeout: -1,
    reconnectInterval: 100,
    reconnectMaxInterval: 0,
    handshakeInterval: 30000,
    heartbeatInterval: 0,
    heartbeatTimeout: 0,
    heartbeatTimeToLive: 0,
    maxMessageSize: -1,
    maxConnections: 0,
    maxUndecodedBytes: 0,
    immediate: false,
    routingId: undefined,
  };
}

/** Checks one option's value; throws TypeError/RangeError naming the option. */
export function validateOption(name: keyof SocketOptions, value: unknown): void {
  switch (name) {
    case "immediate":
      if (typeof value !== "boolean") {
        throw new TypeError(`${name} must be a boolean, got ${String(value)}`);
      }
      return;
    case "routingId":
      if (value === undefined) return;
      if (typeof value !== "string" && !(value instanceof Uint8Array)) {
        throw new TypeError(`routingId must be a string or Uint8Array`);
      }
      {
        const len = asBytes(value).length;
        if (len < 1 || len > 255) throw new RangeError(`routingId must be 1-255 bytes, got ${len}`);
      }
      return;
    default: {
      if (typeof value !== "number" || !Number.isInteger(value)) {
        throw new TypeError(`${name} must be an integer, got ${String(value)}`);
      }
      const min = name.endsWith("HighWaterMark") || name.startsWith("heartbeat") ||
          name === "handshakeInterval" || name === "reconnectMaxInterval" ||
          name === "maxConnections" || name === "maxUndecodedBytes"
        ? 0
        : -1;
      if (value < min) throw new RangeError(`${name} must be >= ${min}, got ${value}`);
    }
  }
}
