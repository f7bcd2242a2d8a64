/**
 * The socket base: the public API every socket type shares. It ties together
 * the pieces that live in their own files: endpoints (socket_endpoints.ts),
 * waiting calls (socket_pending.ts), the life of pipes (socket_pipes.ts),
 * and, for a context with a backend, the backend's socket. A socket type
 * extends it and supplies the routing hooks (libzmq's xattach_pipe / xsend /
 * xrecv / xpipe_terminated): it routes whole messages between pipes and never
 * sees a byte of the wire.
 *
 * @module
 */

import { type ErrorCode, zmqError } from "./errors.ts";
import {
  type CompatOptions,
  installRawAccessors,
  type RawOptionAccessors,
} from "./options_compat.ts";
import { type Message, MessageQueue, type PeerInfo, Pipe } from "./pipe.ts";
import { asBytes, type SocketOptions } from "./options.ts";
import type { SecurityMechanism, SecurityOptions } from "./security/options.ts";
import { type ZapContext, zapGateway } from "./mechanisms/zap_client.ts";
import { SocketLimits } from "./limits.ts";
import { Observer, type SocketEvent } from "./observer.ts";
import { compatible, sendsIdentity } from "./socket_types.ts";
import { Context, defaultContext } from "./context.ts";
import type { NativeSocket } from "./backend.ts";
import type { SocketCore } from "./socket_core.ts";
import { type MessageLike, toMessage } from "./socket_message.ts";
import { PendingCalls } from "./socket_pending.ts";
import { SocketPipes } from "./socket_pipes.ts";
import { type ServeStreams, SocketEndpoints } from "./socket_endpoints.ts";
import { OPTION_NAMES, SocketOptionRecord } from "./socket_options.ts";
import { openNative, TypeOptionSync } from "./socket_native.ts";

export { type MessageLike, toMessage };

/**
 * Options for a socket's constructor: any socket option, plus the context to join, plus (on the
 * libzmq backend only) raw libzmq options by number, for what only libzmq has: security
 * mechanisms (PLAIN, CURVE, GSSAPI), ZAP domains, and the like.
 */
export type SocketConstructorOptions<T = SocketOptions> =
  & Partial<T>
  & Partial<CompatOptions>
  & Partial<SecurityOptions>
  & {
    context?: Context;
    /**
     * libzmq socket options set as they are, by their ZMQ_* number: a number for an int option,
     * text or bytes for the rest. Only a Context with the libzmq backend takes them (ENOTSUP otherwise).
     *
     * @example
     * ```ts
     * const ZMQ_PLAIN_SERVER = 44;
     * const rep = new Reply({ context, nativeOptions: { [ZMQ_PLAIN_SERVER]: 1 } });
     * ```
     */
    nativeOptions?: Record<number, number | string | Uint8Array>;
  };

/** libzmq's number for DEALER: the ZAP client's socket is made by number (see {@link registerSocketType}). */
const ZMQ_DEALER = 5;

/** A concrete socket class, as registered by its libzmq type number for `new Socket(type)`. */
type SocketClass = new (options?: SocketConstructorOptions) => Socket;
const BY_NUMBER = new Map<number, SocketClass>();

/** @internal Makes `new Socket(number, options)` build the socket type with that libzmq number. */
export function registerSocketType(type: number, cls: SocketClass): void {
  BY_NUMBER.set(type, cls);
}

/**
 * The base of every socket type. Use a concrete type (Push, Pull, Pair...).
 *
 * The Uint8Arrays given to `send()` are not copied: do not change them after sending.
 *
 * @example
 * ```ts
 * const pull = new Pull();
 * await pull.bind("tcp://127.0.0.1:*");
 * console.log(pull.lastEndpoint);
 * pull.close();
 * ```
 */
export abstract class Socket implements SocketOptions, CompatOptions, SecurityOptions {
  /** The ZMTP socket type name, e.g. "PUSH". */
  abstract readonly type: string;
  /** The context this socket belongs to. */
  readonly context!: Context; // `!`: new Socket(number) returns another object instead
  #observer: Observer | undefined;
  #record!: SocketOptionRecord;
  /** The record's own options (`#record.options`), read on every send and receive. */
  #options!: SocketOptions;
  #closed = false;
  /** A bind or unbind is under way (zeromq.js's "blocked" state): another one fails with EBUSY. */
  #blocked = false;
  /** close() was called during a bind or unbind: the socket closes once that settles. */
  #closeRequested = false;
  /** Bound and connected endpoints, as zeromq.js counts them (a Proxy needs one on each side). */
  #endpointCount = 0;
  #lastEndpoint: string | undefined;
  #terminated = false;
  #keepLinger = false;
  #calls!: PendingCalls;
  #pipes!: SocketPipes;
  #endpoints!: SocketEndpoints;
  /** Set when the context has a backend (libzmq): it routes and does the wire instead of the core. */
  #native: NativeSocket | undefined;
  #typeOptions = new TypeOptionSync();

  /**
   * For socket types: `type` is the ZMTP name; `options` sets any socket option and the context.
   * As in zeromq.js, `type` may also be libzmq's number for a socket type (`new Socket(8)` is a
   * Push): the socket of that type is made.
   */
  constructor(type: string | number, options: SocketConstructorOptions = {}) {
    if (typeof type !== "string" || new.target === Socket) {
      return Socket.#ofType(type, options, arguments.length);
    }
    this.#record = new SocketOptionRecord(type);
    this.#options = this.#record.options;
    const { context, nativeOptions, ...opts } = options;
    if (context !== undefined && !(context instanceof Context)) {
      throw new TypeError("context must be a Context");
    }
    this.context = context ?? defaultContext();
    if (!this.context.blocky) this.#options.linger = 0;
    this.#calls = new PendingCalls({
      trySend: (msg) => this.#native === undefined ? this.trySend(msg) : this.native!.trySend(msg),
      tryReceive: () => this.#native === undefined ? this.tryReceive() : this.native!.tryReceive(),
      sendTimeout: () => this.#options.sendTimeout,
      receiveTimeout: () => this.#options.receiveTimeout,
    });
    this.#pipes = new SocketPipes({
      accepts: (peer) => this.acceptsPipe(peer),
      attach: (pipe) => this.attachPipe(pipe),
      detach: (pipe) => this.detachPipe(pipe),
      readable: (pipe) => this.pipeReadable(pipe),
      retrySend: () => this.#calls.retrySend(),
      retryReceive: () => this.#calls.retryReceive(),
    });
    this.#endpoints = new SocketEndpoints(
      this.#core,
      this.context,
      (pipe, linger) => this.#pipes.drop(pipe, linger),
    );
    this.context.register(this);
    try {
      // Stored first, then given to the backend once, defaults and choices together.
      for (const [k, v] of Object.entries(opts)) this.#set(k, v);
      if (this.context.native !== undefined) {
        this.#native = openNative(
          this.context.native,
          type,
          {
            ready: (readable, writable) => {
              if (readable) this.#calls.retryReceive();
              if (writable) this.#calls.retrySend();
              this.#pipes.notify();
            },
            event: (e) => this.#emit(e),
            terminated: () => this.terminate(),
          },
          this.#record,
          nativeOptions,
        );
      } else if (nativeOptions !== undefined) {
        throw zmqError(
          "ENOTSUP",
          "nativeOptions are libzmq options: they need a Context with the libzmq backend",
        );
      }
    } catch (e) {
      this.#native?.close(0);
      this.context.unregister(this);
      throw e;
    }
  }

  /** `new Socket(number, options)`: the socket type with that libzmq number. */
  static #ofType(type: unknown, options: unknown, args: number): Socket {
    if (typeof type !== "number") throw new TypeError("Socket type must be a number");
    if (args > 2) throw new TypeError("Expected 2 arguments");
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError("Options must be an object");
    }
    const cls = BY_NUMBER.get(type);
    if (cls === undefined) throw zmqError("EINVAL", `no socket type has the number ${type}`);
    return new cls(options as SocketConstructorOptions);
  }

  /**
   * @internal The backend's socket, when the context has a backend; the socket type's own
   * options that changed are given to it first.
   */
  protected get native(): NativeSocket | undefined {
    if (this.#native !== undefined && !this.#closed) this.#typeOptions.sync(this, this.#native);
    return this.#native;
  }

  // --- routing hooks for socket types -------------------------------------

  /** @internal A new peer's pipe is ready. */
  protected abstract attachPipe(pipe: Pipe): void;
  /** @internal A pipe is gone (its far end ended, or the socket dropped it). */
  protected abstract detachPipe(pipe: Pipe): void;
  /** @internal Queue a message for sending; false when it must wait. Throws a ZmqError for EFSM etc. */
  protected abstract trySend(msg: Message): boolean;
  /** @internal Take the next message, if one is waiting. */
  protected abstract tryReceive(): Message | undefined;

  /** @internal Whether a peer's pipe may be attached (PAIR takes only one). */
  protected acceptsPipe(_peer: PeerInfo): boolean {
    return true;
  }

  /**
   * @internal A pipe made at `connect()` has completed a handshake (again): its peer
   * info is now known. Returns false to turn the peer away.
   */
  protected peerIdentified(_pipe: Pipe): boolean {
    return true;
  }

  /**
   * @internal A pipe has messages to read. Types that must act on what arrives before
   * the application asks (a publisher applying subscriptions) read it here.
   */
  protected pipeReadable(_pipe: Pipe): void {}

  /**
   * @internal A pipe made at `connect()` lost its connection and will be reconnected;
   * what it had queued but not yet written may be lost (libzmq's hiccup).
   * Subscribers resend their subscriptions here.
   */
  protected pipeHiccuped(_pipe: Pipe): void {}

  /** @internal Whether this socket's queues keep only the newest message (`conflate`, for the types that have it). */
  protected conflates(): boolean {
    return false;
  }

  // --- the public API ------------------------------------------------------

  /**
   * Connection and error events (libzmq's monitor). As in zeromq.js, a socket starts reporting
   * them when this is first read, and keeps them (up to 1000) until they are received.
   */
  get events(): Observer {
    if (this.#observer === undefined) {
      this.#observer = new Observer();
      if (this.#closed) this.#observer.end();
    }
    return this.#observer;
  }

  /** True once `close()` was called or the context terminated. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The endpoint of the last successful bind, with the port it chose. */
  get lastEndpoint(): string | undefined {
    return this.#lastEndpoint;
  }

  /**
   * Starts accepting connections. `tcp://host:*` picks a free port, reported
   * by {@link lastEndpoint}.
   *
   * @example
   * ```ts
   * await push.bind("tcp://*:5557");
   * await push.bind("ipc:///tmp/feed.sock");
   * await push.bind("inproc://feed");
   * ```
   */
  async bind(address: string): Promise<void> {
    this.#block();
    const inproc = address.startsWith("inproc:");
    try {
      this.#lastEndpoint = this.#native !== undefined
        ? this.native!.bind(address)
        : await this.#endpoints.bind(address);
      this.#endpointCount++;
      // libzmq reports no bind events for inproc.
      if (!inproc) this.#emit({ type: "bind", address: this.#lastEndpoint });
    } catch (e) {
      // libzmq reports a failed tcp or ipc bind's address without its scheme.
      const at = address.replace(/^(tcp|ipc):\/\//, "");
      if (!inproc) this.#emit({ type: "bind:error", address: at, error: e as Error });
      throw e;
    } finally {
      await this.#unblock();
    }
  }

  /**
   * @internal bind(), for an endpoint whose connections come from the application's own HTTP
   * server (src/ws_attach.ts) rather than a listener of ours.
   */
  async bindServed(address: string, serve: ServeStreams): Promise<void> {
    try {
      this.#assertOpen();
      if (this.#native !== undefined) {
        throw zmqError("ENOTSUP", "the libzmq backend cannot serve on another HTTP server", {
          address,
        });
      }
      this.#lastEndpoint = await this.#endpoints.bind(address, serve);
      this.#emit({ type: "bind", address: this.#lastEndpoint });
    } catch (e) {
      this.#emit({ type: "bind:error", address, error: e as Error });
      throw e;
    }
  }

  /** Stops accepting on an endpoint and closes the connections accepted through it. */
  async unbind(address: string): Promise<void> {
    this.#block();
    try {
      if (this.#native !== undefined) this.native!.unbind(address);
      else await this.#endpoints.unbind(address);
      this.#endpointCount--;
      if (!address.startsWith("inproc:")) this.#emit({ type: "close", address });
    } finally {
      await this.#unblock();
    }
  }

  /**
   * A bind or unbind has settled: a close() asked for meanwhile happens now, and the bind or
   * unbind resolves once the addresses it closed are free again.
   */
  async #unblock(): Promise<void> {
    this.#blocked = false;
    if (!this.#closeRequested) return;
    this.close();
    await this.#endpoints.released();
  }

  /**
   * Connects to an endpoint. Returns at once; the connection is made (and
   * remade after a loss) in the background.
   *
   * @example
   * ```ts
   * pull.connect("tcp://127.0.0.1:5557");
   * ```
   */
  connect(address: string): void {
    this.connectTo(address);
  }

  /** @internal connect(), with the routing id a ROUTER gives the peer (backend sockets only). */
  protected connectTo(address: string, routingId?: Uint8Array): void {
    this.#assertOpen();
    if (this.#native !== undefined) this.native!.connect(address, routingId);
    else this.#endpoints.connect(address);
    this.#endpointCount++;
  }

  /**
   * Stops connecting to an endpoint and drops its connection and queued
   * messages. An address connected more than once has a connection per
   * `connect()` (as in libzmq); disconnecting it ends all of them.
   *
   * @example
   * ```ts
   * dealer.disconnect("tcp://127.0.0.1:5555");
   * ```
   */
  disconnect(address: string): void {
    this.#assertOpen();
    if (this.#native !== undefined) this.native!.disconnect(address);
    else this.#endpoints.disconnect(address);
    this.#endpointCount--;
  }

  /**
   * Sends a message: a string, Uint8Array or ArrayBuffer, or an array of them
   * for a multipart message. Resolves once the message is queued; waits while
   * every peer is at its high-water mark (up to `sendTimeout`).
   *
   * @example
   * ```ts
   * await push.send("hello");
   * await push.send(["topic", new Uint8Array([1, 2, 3])]);
   * ```
   */
  send(msg: MessageLike | MessageLike[]): Promise<void> {
    if (this.#closed) return this.#rejectClosed();
    let frames: Message;
    try {
      frames = toMessage(msg);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#calls.send(frames);
  }

  /**
   * Receives the next message as its frames. Waits up to `receiveTimeout`.
   *
   * @example
   * ```ts
   * const [first, ...rest] = await pull.receive();
   * ```
   */
  receive(): Promise<Message> {
    if (this.#closed) return this.#rejectClosed();
    return this.#calls.receive();
  }

  /**
   * Receives messages until the socket is closed.
   *
   * @example
   * ```ts
   * for await (const [msg] of pull) console.log(new TextDecoder().decode(msg));
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Message, void, undefined> {
    while (!this.#closed) {
      try {
        yield await this.receive();
      } catch (e) {
        // Only the receive that close() (EAGAIN, zeromq.js's rule) or the context's end (ETERM)
        // cut short ends the loop quietly: any other error is thrown.
        const code = (e as { code?: string }).code;
        if (this.#closed && (code === "EAGAIN" || code === "ETERM")) return;
        throw e;
      }
    }
  }

  /**
   * Closes the socket. Pending calls fail; queued outbound messages are still
   * delivered for up to `linger` ms (-1: until delivered).
   */
  close(): void {
    if (this.#closed) return;
    if (this.#blocked && !this.#terminated) {
      // As in zeromq.js: the socket closes once the bind or unbind under way has settled (but a
      // context's end closes it at once, and the bind fails with ETERM).
      this.#closeRequested = true;
      return;
    }
    this.#closed = true;
    this.#endpointCount = 0;
    const linger = this.#terminated && !this.#keepLinger ? 0 : this.#options.linger;
    const code: ErrorCode = this.#terminated ? "ETERM" : "EAGAIN";
    const why = this.#terminated ? "Context was terminated" : "Socket was closed";
    this.#calls.failAll(code, why);
    if (linger === 0) this.#record.security.wipe(); // nothing lingers that could reconnect with the keys
    this.#native?.close(linger);
    for (const address of this.#endpoints.close(linger)) this.#emit({ type: "close", address });
    this.#pipes.dropAll(linger);
    this.#pipes.notify();
    this.#observer?.end();
    this.context.unregister(this);
  }

  /** `await using sock = new Push()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /**
   * @internal The context is ending: fail pending calls with ETERM and close,
   * without lingering unless `keepLinger` (a graceful shutdown).
   */
  terminate(keepLinger = false): void {
    this.#terminated = true;
    this.#keepLinger = keepLinger;
    this.close();
  }

  // --- options --------------------------------------------------------------
  // Each is a property backed by the socket's option record (accessors made below, in `static`).

  /** As in {@link SocketOptions.sendHighWaterMark}. */
  declare sendHighWaterMark: number;
  /** As in {@link SocketOptions.receiveHighWaterMark}. */
  declare receiveHighWaterMark: number;
  /** As in {@link SocketOptions.linger}. */
  declare linger: number;
  /** As in {@link SocketOptions.sendTimeout}. */
  declare sendTimeout: number;
  /** As in {@link SocketOptions.receiveTimeout}. */
  declare receiveTimeout: number;
  /** As in {@link SocketOptions.reconnectInterval}. */
  declare reconnectInterval: number;
  /** As in {@link SocketOptions.reconnectMaxInterval}. */
  declare reconnectMaxInterval: number;
  /** As in {@link SocketOptions.handshakeInterval}. */
  declare handshakeInterval: number;
  /** As in {@link SocketOptions.heartbeatInterval}. */
  declare heartbeatInterval: number;
  /** As in {@link SocketOptions.heartbeatTimeout}. */
  declare heartbeatTimeout: number;
  /** As in {@link SocketOptions.heartbeatTimeToLive}. */
  declare heartbeatTimeToLive: number;
  /** As in {@link SocketOptions.maxMessageSize}. */
  declare maxMessageSize: number;
  /** As in {@link SocketOptions.maxConnections}. */
  declare maxConnections: number;
  /** As in {@link SocketOptions.maxUndecodedBytes}. */
  declare maxUndecodedBytes: number;
  /** As in {@link SocketOptions.immediate}. */
  declare immediate: boolean;
  /** As in {@link SocketOptions.routingId}. */
  declare routingId: string | Uint8Array | undefined;
  // Security options (src/security/options.ts: combined by libzmq's rules); keys read as Z85.
  /** As in {@link SecurityOptions.plainServer}. */
  declare plainServer: boolean;
  /** As in {@link SecurityOptions.plainUsername}. */
  declare plainUsername: string | null;
  /** As in {@link SecurityOptions.plainPassword}. */
  declare plainPassword: string | null;
  /** As in {@link SecurityOptions.curveServer}. */
  declare curveServer: boolean;
  /** As in {@link SecurityOptions.curvePublicKey}: Z85 text or 32 bytes; reads as Z85. */
  declare curvePublicKey: string | null;
  /** As in {@link SecurityOptions.curveSecretKey}: Z85 text or 32 bytes; reads as Z85. */
  declare curveSecretKey: string | null;
  /** As in {@link SecurityOptions.curveServerKey}: Z85 text or 32 bytes; reads as Z85. */
  declare curveServerKey: string | null;
  /** As in {@link SecurityOptions.zapDomain}. */
  declare zapDomain: string;
  /** As in {@link SecurityOptions.zapEnforceDomain}. */
  declare zapEnforceDomain: boolean;

  static {
    for (const name of OPTION_NAMES) {
      Object.defineProperty(Socket.prototype, name, {
        get(this: Socket) {
          return this.#record.get(name);
        },
        set(this: Socket, value: unknown) {
          this.#set(name, value);
        },
        configurable: true,
      });
    }
  }

  /** Whether a receive would complete now. */
  get readable(): boolean {
    if (this.#native !== undefined) return this.#native.readable;
    return this.hasReadable();
  }

  /** Whether a send would complete now. */
  get writable(): boolean {
    if (this.#native !== undefined) return this.#native.writable;
    return this.hasWritable();
  }

  /** @internal For {@link readable}: the socket type knows. */
  protected abstract hasReadable(): boolean;
  /** @internal For {@link writable}: the socket type knows. */
  protected abstract hasWritable(): boolean;

  #set(name: string, value: unknown): void {
    const late = this.#endpointCount > 0 || this.#blocked;
    this.#record.set(name, value, late, (kind) => {
      if (kind === "socket") this.#native?.setOption(name, value);
      if (kind === "security") {
        this.#native?.setOption("security", this.#record.security.settings());
      }
    });
    if (name === "sendHighWaterMark" || name === "receiveHighWaterMark") {
      this.#pipes.applyMarks(this.#options);
    }
  }

  /**
   * The security mechanism in use, from the security options: null (NULL), "plain" or
   * "curve" (zeromq.js's ZMQ_MECHANISM).
   */
  get securityMechanism(): SecurityMechanism {
    return this.#record.security.mechanism;
  }

  /** Whether the socket may be used from several threads: never (zeromq.js's ZMQ_THREAD_SAFE). */
  get threadSafe(): boolean {
    return false;
  }

  // --- the internal interface ---------------------------------------------

  /** What connecters, bindings and the inproc registry see of this socket. */
  readonly #core: SocketCore = this.#makeCore();

  /** The socket's context as the ZAP client uses it: the handler's registry, and a DEALER in it. */
  #zapContext(): ZapContext {
    const context = this.context;
    return {
      endpoints: context.inproc,
      dealer: (options) => Socket.#ofType(ZMQ_DEALER, { context, ...options }, 2),
    };
  }

  #makeCore(): SocketCore {
    const type = () => this.type;
    const closed = () => this.#closed;
    const options = () => this.#options;
    const conflate = () => this.conflates();
    const routingId = () => {
      const id = this.#options.routingId;
      return id === undefined ? new Uint8Array(0) : asBytes(id);
    };
    return {
      get type() {
        return type();
      },
      get closed() {
        return closed();
      },
      get immediate() {
        return options().immediate;
      },
      get conflate() {
        return conflate();
      },
      options,
      routingId,
      identity: () => sendsIdentity(type()) ? routingId() : undefined,
      accepts: (peerType: string) => compatible(type(), peerType),
      security: () => this.#record.security.settings(),
      zap: (remoteAddress: string) => {
        const { zapDomain, zapEnforceDomain } = this.#record.security.settings();
        return zapGateway(this.#zapContext(), {
          domain: zapDomain,
          enforceDomain: zapEnforceDomain,
          routingId: routingId(),
          remoteAddress,
        });
      },
      newPipe: (endpoint: string, peer: PeerInfo, inprocAddress?: string): Pipe | undefined => {
        if (!this.acceptsPipe(peer)) return undefined;
        const pipe = new Pipe(
          new MessageQueue(this.#options.receiveHighWaterMark, this.conflates()),
          new MessageQueue(this.#options.sendHighWaterMark, this.conflates()),
          peer,
          endpoint,
        );
        this.#pipes.add(pipe);
        if (inprocAddress !== undefined) this.#endpoints.trackInproc(inprocAddress, pipe);
        return pipe;
      },
      addPipe: (pipe: Pipe, inprocAddress: string) => {
        if (this.#pipes.add(pipe, true)) this.#endpoints.trackInproc(inprocAddress, pipe);
      },
      emit: (e: SocketEvent) => this.#emit(e),
      limits: new SocketLimits(options),
      identified: (pipe: Pipe) => this.peerIdentified(pipe),
      socksProxy: () => this.#record.compat.socksProxy,
      hiccuped: (pipe: Pipe) => this.pipeHiccuped(pipe),
      linger: (cancel: () => void) => this.context.linger(cancel),
    };
  }

  /** @internal What the layers below (connecters, bindings, inproc) see of this socket. */
  get core(): SocketCore {
    return this.#core;
  }

  /**
   * @internal Calls `listener` whenever the socket may have become readable
   * or writable (a Poller re-checks then). Returns a function that stops it.
   */
  onReadiness(listener: () => void): () => void {
    return this.#pipes.onReadiness(listener);
  }

  #rejectClosed<T>(): Promise<T> {
    return this.#terminated
      ? Promise.reject(zmqError("ETERM", "Context was terminated"))
      : Promise.reject(zmqError("EBADF", "Socket is closed"));
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw zmqError(
        this.#terminated ? "ETERM" : "EBADF",
        this.#terminated ? "Context was terminated" : "Socket is closed",
      );
    }
  }

  /** Only one bind or unbind at a time (zeromq.js's rule). */
  #block(): void {
    this.#assertOpen();
    if (this.#blocked) {
      throw zmqError("EBUSY", "Socket is blocked by a bind or unbind operation");
    }
    this.#blocked = true;
  }

  /** @internal Whether the socket is bound or connected anywhere (a Proxy needs both sides so). */
  get hasEndpoints(): boolean {
    return this.#endpointCount > 0;
  }

  #emit(e: SocketEvent): void {
    this.#observer?.emit(e);
  }
}

/** zeromq.js's options that zmq-ts keeps for compatibility, and raw access by option number (src/options_compat.ts). */
export interface Socket extends CompatOptions, RawOptionAccessors {}
installRawAccessors(Socket.prototype);
