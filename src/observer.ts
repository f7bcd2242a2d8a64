/**
 * Socket events, with zeromq.js's names: a socket's `events` property.
 *
 * @module
 */

/** The events a socket reports. */
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
  | "handshake:error:other"
  | "end";

/** One event. `address` is the endpoint involved; `error` says why, for errors. */
export interface SocketEvent {
  /** What happened. */
  type: EventType;
  /** The endpoint it concerns ("" for the socket itself). */
  address: string;
  /** For `connect:retry`: the delay (ms) before the next attempt. */
  interval?: number;
  /** Why, for error and disconnect events. */
  error?: Error;
}

const BACKLOG = 1000;

/**
 * Delivers a socket's events to listeners and to `for await` loops.
 *
 * Events are kept for `receive()`/`for await` only once one of those has
 * been used, and then at most the newest 1000, so an unwatched socket
 * never accumulates them.
 *
 * @example
 * ```ts
 * sock.events.on("handshake:error:protocol", (e) => console.log(e.address, e.error?.message));
 * for await (const event of sock.events) console.log(event.type, event.address);
 * ```
 */
export class Observer {
  #listeners = new Map<EventType, Set<(e: SocketEvent) => void>>();
  #queue: SocketEvent[] | undefined;
  #waiters: ((e: SocketEvent | undefined) => void)[] = [];
  #closed = false;

  /** Calls `listener` for every event of this type. */
  on(type: EventType, listener: (e: SocketEvent) => void): this {
    let set = this.#listeners.get(type);
    if (set === undefined) this.#listeners.set(type, set = new Set());
    set.add(listener);
    return this;
  }

  /** Stops calling `listener`. */
  off(type: EventType, listener: (e: SocketEvent) => void): this {
    this.#listeners.get(type)?.delete(listener);
    return this;
  }

  /** Resolves with the next event, or `undefined` once the socket is closed. */
  receive(): Promise<SocketEvent | undefined> {
    this.#queue ??= [];
    const next = this.#queue.shift();
    if (next !== undefined || this.#closed) return Promise.resolve(next);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Events as they come, until the socket is closed. */
  async *[Symbol.asyncIterator](): AsyncGenerator<SocketEvent> {
    for (;;) {
      const e = await this.receive();
      if (e === undefined) return;
      yield e;
    }
  }

  /** @internal Reports an event. */
  emit(event: SocketEvent): void {
    if (this.#closed) return;
    for (const l of this.#listeners.get(event.type) ?? []) l(event);
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter(event);
    else if (this.#queue !== undefined) {
      this.#queue.push(event);
      if (this.#queue.length > BACKLOG) this.#queue.shift();
    }
  }

  /** @internal The socket is closed: pending receives end. */
  close(): void {
    if (this.#closed) return;
    this.emit({ type: "end", address: "" });
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w(undefined);
  }
}
