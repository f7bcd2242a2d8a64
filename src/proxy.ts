/**
 * zmq_proxy and zmq_proxy_steerable for async code: forward whole messages
 * between a frontend and a backend socket, in each direction where one can
 * receive and the other can send, optionally copying each to a capture
 * socket. ROUTER/DEALER makes a request-reply broker, XSUB/XPUB a pub-sub
 * forwarder (subscriptions travel back up), PULL/PUSH a pipeline streamer.
 *
 * @module
 */

import { zmqError } from "./errors.ts";
import type { Message } from "./pipe.ts";
import { Socket } from "./socket.ts";

const CANNOT_RECEIVE = new Set(["PUB", "PUSH"]);
const CANNOT_SEND = new Set(["SUB", "PULL"]);

/** Messages and bytes through one side of a proxy. */
export interface ProxySideStatistics {
  /** What the proxy received from this socket. */
  received: { messages: number; bytes: number };
  /** What the proxy sent through this socket. */
  sent: { messages: number; bytes: number };
}

/** What zmq_proxy_steerable's STATISTICS reports, per side. */
export interface ProxyStatistics {
  /** The frontend socket's counts. */
  frontEnd: ProxySideStatistics;
  /** The backend socket's counts. */
  backEnd: ProxySideStatistics;
}

const side = (): ProxySideStatistics => ({
  received: { messages: 0, bytes: 0 },
  sent: { messages: 0, bytes: 0 },
});
const size = (msg: Message) => msg.reduce((n, f) => n + f.length, 0);

/**
 * A steerable proxy (zeromq.js's `Proxy`, plus capture and statistics). It
 * stops, closing both sockets, on {@link terminate}, when either socket is
 * closed, or when their context is terminated.
 *
 * @example
 * ```ts
 * const proxy = new Proxy(new Router(), new Dealer());
 * await proxy.frontEnd.bind("tcp://*:5559");
 * await proxy.backEnd.bind("tcp://*:5560");
 * setTimeout(() => proxy.terminate(), 60_000);
 * await proxy.run();
 * ```
 */
export class Proxy<F extends Socket = Socket, B extends Socket = Socket> {
  /** Counters, updated as messages pass. */
  readonly statistics: ProxyStatistics = { frontEnd: side(), backEnd: side() };
  #paused: Promise<void> | undefined;
  #resume: (() => void) | undefined;
  #captureChain: Promise<void> = Promise.resolve();
  #running: Promise<void> | undefined;
  /** terminate() was called, or the proxy stopped by itself. */
  #stopped = false;

  /**
   * A socket that receives a copy of every message proxied, either way (zmq_proxy's capture; a
   * zmq-ts extension). Set it before {@link run}.
   */
  capture: Socket | undefined;

  /**
   * Makes a proxy; it starts with {@link run}. Exactly two arguments, as zeromq.js: a third is a
   * TypeError (the capture socket is the {@link capture} property).
   *
   * @param frontEnd the socket facing clients
   * @param backEnd the socket facing services
   */
  constructor(readonly frontEnd: F, readonly backEnd: B) {
    if (!(frontEnd instanceof Socket)) throw new TypeError("Front-end must be a socket object");
    if (!(backEnd instanceof Socket)) throw new TypeError("Back-end must be a socket object");
    if (arguments.length > 2) {
      throw new TypeError(`Expected 2 arguments but received ${arguments.length}`);
    }
  }

  /**
   * Proxies until terminated; resolves once both directions have stopped. Rejects at once
   * (EINVAL) when a side is closed or neither bound nor connected, as zeromq.js does.
   */
  run(): Promise<void> {
    if (this.#running !== undefined) return this.#running;
    if (this.capture !== undefined && !(this.capture instanceof Socket)) {
      return Promise.reject(new TypeError("Capture must be a socket object"));
    }
    for (const [s, name] of [[this.frontEnd, "Front-end"], [this.backEnd, "Back-end"]] as const) {
      if (s.closed || !s.hasEndpoints) {
        return Promise.reject(zmqError("EINVAL", `${name} socket must be bound or connected`));
      }
    }
    // Either socket closing stops the proxy, even a direction that is waiting on the other one.
    for (const s of [this.frontEnd, this.backEnd]) {
      const stop = s.onReadiness(() => {
        if (!s.closed) return;
        stop();
        this.#stop();
      });
    }
    this.#running = Promise.all([
      this.#pump(this.frontEnd, this.backEnd, this.statistics.frontEnd, this.statistics.backEnd),
      this.#pump(this.backEnd, this.frontEnd, this.statistics.backEnd, this.statistics.frontEnd),
    ]).then(() => {});
    return this.#running;
  }

  /** Stops forwarding; messages wait at the sockets (and their peers feel back-pressure). EBADF once stopped. */
  pause(): void {
    this.#assertRunning();
    this.#paused ??= new Promise((r) => (this.#resume = r));
  }

  /** Forwards again after {@link pause}. EBADF once stopped. */
  resume(): void {
    this.#assertRunning();
    this.#unpause();
  }

  /**
   * Stops the proxy and closes the frontend and backend sockets. As in zeromq.js, a proxy that
   * is not running (not started, or already stopped) throws EBADF.
   */
  terminate(): void {
    if (this.#running === undefined || this.#stopped) {
      throw zmqError("EBADF", "Proxy is not running");
    }
    this.#stop();
  }

  #assertRunning(): void {
    if (this.#stopped) throw zmqError("EBADF", "Proxy has stopped");
  }

  #unpause(): void {
    this.#resume?.();
    this.#paused = undefined;
    this.#resume = undefined;
  }

  #stop(): void {
    this.#stopped = true;
    this.#unpause();
    this.frontEnd.close();
    this.backEnd.close();
  }

  async #pump(
    from: Socket,
    to: Socket,
    fromStats: ProxySideStatistics,
    toStats: ProxySideStatistics,
  ): Promise<void> {
    if (CANNOT_RECEIVE.has(from.type) || CANNOT_SEND.has(to.type)) return; // no traffic this way
    try {
      while (!from.closed && !to.closed) {
        if (this.#paused !== undefined) await this.#paused;
        const msg = await from.receive();
        // Paused while this receive was pending: hold the message until resumed.
        if (this.#paused !== undefined) await this.#paused;
        if (to.closed) return;
        const bytes = size(msg);
        fromStats.received.messages++;
        fromStats.received.bytes += bytes;
        if (this.capture !== undefined) this.#copy(msg);
        await to.send(msg);
        toStats.sent.messages++;
        toStats.sent.bytes += bytes;
      }
    } catch (e) {
      if (!from.closed && !to.closed) throw e;
    } finally {
      // One direction stopping stops the proxy, as zmq_proxy returns.
      this.#stop();
    }
  }

  /** Capture sends are chained: both directions share the capture socket, which takes one send at a time. */
  #copy(msg: Message): void {
    const capture = this.capture!;
    this.#captureChain = this.#captureChain.then(() => capture.send(msg)).catch(() => {});
  }
}

/**
 * Runs a proxy between `frontEnd` and `backEnd` until either closes or the
 * context terminates (zmq_proxy).
 *
 * @example
 * ```ts
 * const frontend = new XSubscriber();
 * frontend.connect("tcp://weather-server:5556");
 * const backend = new XPublisher();
 * await backend.bind("tcp://*:8100");
 * await proxy(frontend, backend);
 * ```
 */
export function proxy(frontEnd: Socket, backEnd: Socket, capture?: Socket): Promise<void> {
  const p = new Proxy(frontEnd, backEnd);
  p.capture = capture;
  return p.run();
}
