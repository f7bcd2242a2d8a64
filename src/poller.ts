/**
 * zmq_poll for async code: wait until any of several sockets can receive
 * (or send), with a timeout.
 *
 * @module
 */

import { zmqError } from "./errors.ts";
import type { Socket } from "./socket.ts";

/** What to wait for on a socket. */
export interface PollEvents {
  /** Wait until a receive would complete at once. */
  readable?: boolean;
  /** Wait until a send would complete at once. */
  writable?: boolean;
}

/** A socket that is ready, and for what. */
export interface PollItem {
  /** The socket. */
  socket: Socket;
  /** A receive would complete at once. */
  readable: boolean;
  /** A send would complete at once. */
  writable: boolean;
}

/**
 * Waits until any of several sockets can receive or send (zmq_poll).
 *
 * @example
 * ```ts
 * const poller = new Poller();
 * poller.add(receiver);
 * poller.add(subscriber);
 * for (;;) {
 *   for (const { socket } of await poller.poll()) {
 *     const msg = await socket.receive(); // will not wait
 *   }
 * }
 * ```
 */
export class Poller {
  #items = new Map<Socket, PollEvents>();
  #turn = 0;

  /** Watches `socket` (by default for readability); adding it again replaces what is watched. */
  add(socket: Socket, events: PollEvents = { readable: true }): this {
    this.#items.set(socket, {
      readable: events.readable ?? false,
      writable: events.writable ?? false,
    });
    return this;
  }

  /** Stops watching `socket`. */
  remove(socket: Socket): this {
    this.#items.delete(socket);
    return this;
  }

  /** The sockets ready now, starting from a different one each time so none is always served last. */
  ready(): PollItem[] {
    const entries = [...this.#items];
    const out: PollItem[] = [];
    for (let i = 0; i < entries.length; i++) {
      const [socket, want] = entries[(this.#turn + i) % entries.length]!;
      if (socket.closed) throw zmqError("ENOTSOCK", "a polled socket is closed");
      const readable = want.readable === true && socket.readable;
      const writable = want.writable === true && socket.writable;
      if (readable || writable) out.push({ socket, readable, writable });
    }
    if (entries.length > 0) this.#turn = (this.#turn + 1) % entries.length;
    return out;
  }

  /**
   * Resolves with the ready sockets as soon as there is at least one, or
   * with none after `timeoutMs` (-1: no limit; 0: look once).
   */
  poll(timeoutMs = -1): Promise<PollItem[]> {
    let now: PollItem[];
    try {
      now = this.ready();
    } catch (e) {
      return Promise.reject(e);
    }
    if (now.length > 0 || timeoutMs === 0) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const stops: (() => void)[] = [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (items: PollItem[] | Error) => {
        for (const stop of stops) stop();
        clearTimeout(timer);
        if (items instanceof Error) reject(items);
        else resolve(items);
      };
      const check = () => {
        try {
          const items = this.ready();
          if (items.length > 0) finish(items);
        } catch (e) {
          finish(e as Error);
        }
      };
      // A readiness change is announced from inside the socket's own work: look once that is done.
      for (const socket of this.#items.keys()) {
        stops.push(socket.onReadiness(() => queueMicrotask(check)));
      }
      if (timeoutMs > 0) timer = setTimeout(() => finish([]), timeoutMs);
    });
  }
}
