/**
 * The seam for a socket implementation outside the TypeScript core: the
 * libzmq backend (src/libzmq) implements these interfaces, and the core
 * only ever sees them, never the library. A Context made with a backend
 * gives each of its sockets a {@link NativeSocket}; the socket classes keep
 * their API (pending sends and receives, timeouts, events, async iteration)
 * and hand routing and the wire to the native socket.
 *
 * @module
 */

import type { Message } from "./pipe.ts";
import type { SocketEvent } from "./observer.ts";

/**
 * A socket implementation chosen per Context, e.g. `await libzmq()`.
 *
 * @example
 * ```ts
 * const context = new Context({ backend: await libzmq() });
 * ```
 */
export interface Backend {
  /** "libzmq". */
  readonly name: string;
  /** A new native context, or (in another thread) the one `shared` describes. */
  open(shared?: SharedNativeContext): NativeContext;
}

/** What a thread passes to another so that both use one native context (structured-cloneable). */
export interface SharedNativeContext {
  /** The backend's name ("libzmq"). */
  backend: string;
  /** Where the library was loaded from. */
  path: string;
  /** The native context's address in this process. */
  address: bigint;
}

/** One native context. */
export interface NativeContext {
  /** Makes a socket of a ZMTP type; `listener` hears of readiness and events. */
  socket(type: string, listener: NativeSocketListener): NativeSocket;
  /** For another thread's {@link Backend.open}. */
  share(): SharedNativeContext;
  /** Every socket of the context, in every thread, fails from now on with ETERM (zmq_ctx_shutdown). */
  shutdown(): void;
  /** Resolves once what the closed sockets left to deliver is gone (their lingering is over). */
  ended(): Promise<void>;
}

/** How a native socket tells its socket object that something changed. */
export interface NativeSocketListener {
  /** The socket may have become readable or writable. */
  ready(readable: boolean, writable: boolean): void;
  /** A connection event (connect, accept, handshake, disconnect...). */
  event(e: SocketEvent): void;
  /** The context was shut down (maybe by another thread): the socket must close. */
  terminated(): void;
}

/** A socket implemented by a backend. Errors are thrown as ZmqErrors. */
export interface NativeSocket {
  /** Binds; resolves with the endpoint bound (a wildcard port resolved). */
  bind(address: string): string;
  /** Stops listening on an endpoint bound before. */
  unbind(address: string): void;
  /** Connects; `routingId` is the peer's id for a ROUTER (ZMQ_CONNECT_ROUTING_ID). */
  connect(address: string, routingId?: Uint8Array): void;
  /** Stops connecting to an endpoint. */
  disconnect(address: string): void;
  /** Queues a whole message; false if it would have to wait (EAGAIN). */
  trySend(msg: Message): boolean;
  /** The next message, if one is waiting. */
  tryReceive(): Message | undefined;
  /** Whether a receive would complete now. */
  readonly readable: boolean;
  /** Whether a send would complete now. */
  readonly writable: boolean;
  /** Sets an option by its zmq-ts name (socket options and socket types' own). */
  setOption(name: string, value: unknown): void;
  /** Sets an option by its native number (an int option from a number, the rest from text or bytes). */
  setRawOption(option: number, value: number | string | Uint8Array): void;
  /** SUB: subscribe or unsubscribe; XPUB (manual): the same for the last subscriber heard. */
  subscription(subscribe: boolean, topic: Uint8Array): void;
  /** Closes, keeping unsent messages for `linger` ms (-1: until delivered). */
  close(linger: number): void;
}
