/**
 * Socket events, with zeromq.js's names: a socket's `events` property.
 *
 * @module
 */

import { zmqError } from "./errors.ts";
import { holdAlive } from "./liveness.ts";

/**
 * The events a socket reports.
 *
 * `handshake:error:protocol`: a peer, or the local ZAP handler, broke the protocol; the connection
 * is closed. Its `error` is a {@link ProtocolError} whose message says what was wrong and whose
 * `code` names it as libzmq's ZMQ_PROTOCOL_ERROR_* (and zeromq.js) do, given where libzmq gives it:
 *
 * - `ERR_ZMTP_MECHANISM_MISMATCH`: the peer's greeting names another security mechanism.
 * - `ERR_ZMTP_UNEXPECTED_COMMAND`: a command (or a message frame) with no place at that point of
 *   the handshake; under CURVE, a frame that is not a MESSAGE.
 * - `ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED`: a command whose name is cut short;
 *   `..._HELLO`, `..._INITIATE`, `..._READY`, `..._WELCOME`, `..._ERROR`, `..._MESSAGE`: that
 *   command, of the wrong size or with fields that do not add up.
 * - `ERR_ZMTP_INVALID_METADATA`: malformed properties, or a Socket-Type that may not talk to us.
 * - `ERR_ZMTP_CRYPTOGRAPHIC`: a CURVE box that does not open (a wrong server key, tampering);
 *   `ERR_ZMTP_KEY_EXCHANGE`: a CURVE vouch for another key; `ERR_ZMTP_INVALID_SEQUENCE`: a
 *   CURVE MESSAGE nonce not above the last one.
 * - `ERR_ZAP_MALFORMED_REPLY` (not 7 frames), `ERR_ZAP_BAD_VERSION` (not "1.0"),
 *   `ERR_ZAP_BAD_REQUEST_ID`, `ERR_ZAP_INVALID_STATUS_CODE` (not 200, 300, 400 or 500),
 *   `ERR_ZAP_INVALID_METADATA`, `ERR_ZAP_UNSPECIFIED` (no empty delimiter): the ZAP handler's
 *   reply; that handshake fails at once.
 * - `ERR_WS_UNSPECIFIED`: a ws/wss peer broke the WebSocket framing or upgrade.
 * - `ERR_ZMTP_UNSPECIFIED`: anything else (a malformed greeting or frame, an oversized message, an
 *   ERROR command that is not a ZAP status); libzmq closes without an event for most of these.
 *
 * @example
 * ```ts
 * sock.events.on("handshake:error:protocol", ({ address, error }) => {
 *   const code = error instanceof ProtocolError ? error.code : "?";
 *   if (code === "ERR_ZMTP_MECHANISM_MISMATCH") console.log(`${address}: check its security`);
 *   else console.log(`${address}: ${code}: ${error?.message}`);
 * });
 * ```
 */
export type EventType =
  | "bind"
  | "bind:error"
  | "accept"
  // A connection could not be accepted (e.g. out of file descriptors). Bun does not report it.
  | "accept:error"
  | "connect"
  | "connect:delay"
  | "connect:retry"
  | "disconnect"
  | "close"
  | "handshake"
  | "handshake:error:protocol"
  | "handshake:error:auth"
  | "handshake:error:other"
  | "end";

/** One event. `address` is the endpoint involved (absent on `end`); `error` says why, for errors. */
export type SocketEvent = EndpointEvent | EndEvent;

/** An event about an endpoint. */
export interface EndpointEvent {
  /** What happened. */
  type: Exclude<EventType, "end">;
  /**
   * The endpoint it concerns. For `bind:error` on tcp and ipc, libzmq (and so zeromq.js) gives
   * it without the scheme ("127.0.0.1:5555"), and so does zmq-ts.
   */
  address: string;
  /** For `connect:retry`: the delay (ms) before the next attempt. */
  interval?: number;
  /**
   * Why, for error and disconnect events; for `handshake:error:protocol`, a
   * {@link ProtocolError} whose `code` is one of those {@link EventType} lists.
   */
  error?: Error;
  /** For `handshake:error:auth`: the ZAP status (300, 400 or 500), as libzmq reports it. */
  status?: number;
  /** For `handshake`: the User-Id the ZAP handler gave the peer, when one was asked. */
  userId?: string;
}

/** The last event: the socket is closed and reports nothing more. */
export interface EndEvent {
  /** Always "end". */
  type: "end";
  /** Never set: `end` concerns no endpoint. */
  address?: undefined;
  /** Never set. */
  interval?: undefined;
  /** Never set. */
  error?: undefined;
}

/** The events of one type, for a listener of that type. */
export type EventOfType<T extends EventType> = T extends "end" ? EndEvent
  : EndpointEvent & { type: T };

const BACKLOG = 1000;

/**
 * Delivers a socket's events, as zeromq.js's Observer: either read them one by one with
 * `receive()` or `for await`, or listen with `on()`, which switches the observer to emitter mode
 * for good (then `receive()` throws). Events are kept from when `socket.events` was first read
 * until received (the newest 1000); the last is `end`, after which the observer is `closed`.
 *
 * @example
 * ```ts
 * sock.events.on("handshake:error:protocol", (e) => console.log(e.address, e.error?.message));
 * for await (const event of other.events) console.log(event.type, event.address);
 * ```
 */
export class Observer {
  #listeners = new Map<EventType, Set<(e: SocketEvent) => void>>();
  #queue: SocketEvent[] = [];
  #waiter: ((e: SocketEvent | undefined) => void) | undefined;
  #emitter = false;
  /** The socket ended: `end` is the last event. */
  #ended = false;
  /** Nothing more to receive: `end` was received, or {@link close} was called. */
  #closed = false;

  /** True once the `end` event was received, or {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Calls `listener` for every event of this type, and switches to emitter mode: events kept
   * so far go to the listeners registered by the end of this turn of the event loop.
   */
  on<T extends EventType>(type: T, listener: (e: EventOfType<T>) => void): this {
    let set = this.#listeners.get(type);
    if (set === undefined) this.#listeners.set(type, set = new Set());
    set.add(listener as (e: SocketEvent) => void);
    if (!this.#emitter) {
      this.#emitter = true;
      const kept = this.#queue.splice(0);
      if (kept.length > 0) queueMicrotask(() => kept.forEach((e) => this.#dispatch(e)));
    }
    return this;
  }

  /** Stops calling `listener`. */
  off<T extends EventType>(type: T, listener: (e: EventOfType<T>) => void): this {
    this.#listeners.get(type)?.delete(listener as (e: SocketEvent) => void);
    return this;
  }

  /**
   * Resolves with the next event (`undefined` if {@link close} is called meanwhile). Throws in
   * emitter mode, EBUSY while another receive waits, EBADF once closed.
   */
  receive(): Promise<SocketEvent | undefined> {
    if (this.#emitter) {
      throw new Error(
        "Observer is in event emitter mode. After a call to events.on() it is not possible " +
          "to read events with events.receive().",
      );
    }
    if (this.#closed) return Promise.reject(zmqError("EBADF", "Observer is closed"));
    if (this.#waiter !== undefined) {
      throw zmqError("EBUSY", "Observer is busy reading; only one receive may be in progress");
    }
    const next = this.#queue.shift();
    if (next !== undefined) return Promise.resolve(this.#taken(next));
    // A waiting read keeps the process alive, as a waiting receive does (liveness.ts).
    const release = holdAlive();
    return new Promise((resolve) => {
      this.#waiter = (e) => {
        release();
        resolve(e);
      };
    });
  }

  /** Events as they come, the last being `end`. */
  async *[Symbol.asyncIterator](): AsyncGenerator<SocketEvent> {
    while (!this.#closed) {
      const e = await this.receive();
      if (e === undefined) return;
      yield e;
    }
  }

  /** Stops observing: kept events are dropped and a waiting receive resolves with `undefined`. */
  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.(undefined);
  }

  /** @internal Reports an event. */
  emit(event: SocketEvent): void {
    if (this.#ended || this.#closed) return;
    if (this.#emitter) return this.#dispatch(event);
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      w(this.#taken(event));
      return;
    }
    this.#queue.push(event);
    if (this.#queue.length > BACKLOG) this.#queue.shift();
  }

  /** @internal The socket is closed: `end` is the last event. */
  end(): void {
    if (this.#ended) return;
    this.emit({ type: "end" });
    this.#ended = true;
  }

  #dispatch(e: SocketEvent): void {
    for (const l of this.#listeners.get(e.type) ?? []) l(e);
  }

  /** An event handed to a reader; once `end` is, the observer is closed. */
  #taken(e: SocketEvent): SocketEvent {
    if (e.type === "end") this.#closed = true;
    return e;
  }
}
