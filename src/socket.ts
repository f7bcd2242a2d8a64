/**
 * The socket base: endpoints, options, waiting sends and receives, and the
 * life of pipes. A socket type extends it and supplies four hooks
 * (libzmq's xattach_pipe / xsend / xrecv / xpipe_terminated): it routes
 * whole messages between pipes and never sees a byte of the wire.
 *
 * @module
 */

import { type Endpoint, parseEndpoint } from "./endpoint.ts";
import { type ErrorCode, zmqError } from "./errors.ts";
import { combinedHwm, type Message, MessageQueue, type PeerInfo, Pipe } from "./pipe.ts";
import { asBytes, defaultOptions, type SocketOptions, validateOption } from "./options.ts";
import { Observer, type SocketEvent } from "./observer.ts";
import { compatible, sendsIdentity } from "./socket_types.ts";
import { Connecter } from "./connecter.ts";
import { Binding } from "./binding.ts";
import { type Context, defaultContext } from "./context.ts";
import type { EngineHost } from "./engine.ts";
import type { NativeSocket } from "./backend.ts";
import { setImmediate } from "node:timers";

/** What `send()` accepts: one frame, or an array of frames for a multipart message. */
export type MessageLike = string | Uint8Array | ArrayBuffer | ArrayBufferView | null;

/**
 * Options for a socket's constructor: any socket option, plus the context to join, plus (on the
 * libzmq backend only) raw libzmq options by number, for what only libzmq has: security
 * mechanisms (PLAIN, CURVE, GSSAPI), ZAP domains, and the like.
 */
export type SocketConstructorOptions<T = SocketOptions> = Partial<T> & {
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

const encoder = new TextEncoder();

/** How many sends may complete at once in a row before one lets the event loop run (see `#sent`). */
const SEND_BURST = 1024;

/** Socket types' own options (plain fields of their classes) that a backend is told about. */
const TYPE_OPTIONS = [
  "conflate",
  "probeRouter",
  "invertMatching",
  "noDrop",
  "manual",
  "verbosity",
  "welcomeMessage",
  "mandatory",
  "handover",
  "correlate",
  "relaxed",
];

/** What a send that completed at once returns: one settled promise serves them all. */
const DONE: Promise<void> = Promise.resolve();

function toFrame(part: MessageLike): Uint8Array {
  if (typeof part === "string") return encoder.encode(part);
  if (part instanceof Uint8Array) return part;
  if (part === null) return new Uint8Array(0);
  if (part instanceof ArrayBuffer) return new Uint8Array(part);
  if (ArrayBuffer.isView(part)) {
    return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  }
  throw new TypeError(`cannot send a ${typeof part}: use a string, Uint8Array or ArrayBuffer`);
}

/** Turns what the user passed to `send()` into frames. */
export function toMessage(msg: MessageLike | MessageLike[]): Message {
  if (Array.isArray(msg)) {
    if (msg.length === 0) throw new TypeError("a message needs at least one frame");
    return msg.map(toFrame);
  }
  return [toFrame(msg)];
}

interface PendingOp<T> {
  resolve: (v: T) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
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
export abstract class Socket implements SocketOptions {
  /** The ZMTP socket type name, e.g. "PUSH". */
  abstract readonly type: string;
  /** The context this socket belongs to. */
  readonly context: Context;
  /** Connection and error events. */
  readonly events: Observer = new Observer();
  #options: SocketOptions;
  #closed = false;
  #lastEndpoint: string | undefined;
  #bindings = new Map<string, Binding>();
  #connecters = new Map<string, Connecter>();
  #inproc = new Map<string, Pipe[]>();
  #pipes = new Set<Pipe>();
  #sendOp: (PendingOp<void> & { msg: Message }) | undefined;
  #recvOp: PendingOp<Message> | undefined;
  #terminated = false;
  #keepLinger = false;
  /** Sends completed at once since the event loop last had a turn. */
  #burst = 0;
  #burstWatched = false;
  #readiness = new Set<() => void>();
  /** Set when the context has a backend (libzmq): it routes and does the wire instead of the core. */
  #native: NativeSocket | undefined;
  /** Socket types' own options as last given to the backend. */
  #nativeTypeOptions = new Map<string, unknown>();

  /** For socket types: `type` is the ZMTP name; `options` sets any socket option and the context. */
  constructor(type: string, options: SocketConstructorOptions = {}) {
    this.#options = defaultOptions(type);
    const { context, nativeOptions, ...opts } = options;
    this.context = context ?? defaultContext();
    this.context.register(this);
    try {
      // Stored first, then given to the backend once, defaults and choices together.
      for (const [k, v] of Object.entries(opts)) this.#set(k as keyof SocketOptions, v);
      this.#native = this.context.native?.socket(type, {
        ready: (readable, writable) => {
          if (readable) this.#kickReceive();
          if (writable) this.#kickSend();
          this.#notifyReadiness();
        },
        event: (e) => this.#emit(e),
        terminated: () => this.terminate(),
      });
      if (nativeOptions !== undefined) {
        if (this.#native === undefined) {
          throw zmqError(
            "ENOTSUP",
            "nativeOptions are libzmq options: they need a Context with the libzmq backend",
          );
        }
        for (const [k, v] of Object.entries(nativeOptions)) this.#native.setRawOption(Number(k), v);
      }
      for (const [k, v] of Object.entries(this.#options)) this.#native?.setOption(k, v);
    } catch (e) {
      this.#native?.close(0);
      this.context.unregister(this);
      throw e;
    }
  }

  /** @internal The backend's socket, when the context has a backend. */
  protected get native(): NativeSocket | undefined {
    if (this.#native !== undefined && !this.#closed) this.#syncTypeOptions();
    return this.#native;
  }

  /**
   * Socket types keep their own options as plain fields; a backend gets the
   * ones that changed before each use of the socket.
   */
  #syncTypeOptions(): void {
    for (const name of TYPE_OPTIONS) {
      if (!(name in this)) continue;
      const value = (this as unknown as Record<string, unknown>)[name];
      if (this.#nativeTypeOptions.get(name) === value) continue;
      this.#native!.setOption(name, value);
      this.#nativeTypeOptions.set(name, value);
    }
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
    try {
      await this.#bind(address);
    } catch (e) {
      this.#emit({ type: "bind:error", address, error: e as Error });
      throw e;
    }
  }

  async #bind(address: string): Promise<void> {
    this.#assertOpen();
    if (this.#native !== undefined) {
      this.#lastEndpoint = this.native!.bind(address);
      this.#emit({ type: "bind", address: this.#lastEndpoint });
      return;
    }
    const ep = parseEndpoint(address);
    if (ep.transport === "inproc") {
      await this.context.inproc.bind(ep.name, this);
      if (this.#closed) {
        this.context.inproc.unbind(ep.name, this);
        throw zmqError("ETERM", "socket was closed during bind", { address });
      }
      this.#lastEndpoint = address;
      this.#emit({ type: "bind", address });
      return;
    }
    if (ep.transport === "tcp" && ep.port === 0 && address.endsWith(":0")) {
      throw zmqError("EINVAL", `cannot bind to port 0 in "${address}": use "*" for any port`, {
        address,
      });
    }
    const binding = await Binding.listen(this.#core, ep);
    if (this.#closed) {
      binding.close(0);
      throw zmqError("ETERM", "socket was closed during bind", { address });
    }
    this.#bindings.set(binding.address, binding);
    if (binding.address !== address) this.#bindings.set(address, binding);
    this.#lastEndpoint = binding.address;
    this.#emit({ type: "bind", address: binding.address });
  }

  /** Stops accepting on an endpoint and closes the connections accepted through it. */
  async unbind(address: string): Promise<void> {
    this.#assertOpen();
    if (this.#native !== undefined) return this.native!.unbind(address);
    const ep = parseEndpoint(address);
    if (ep.transport === "inproc") {
      if (!this.context.inproc.unbind(ep.name, this)) {
        throw zmqError("ENOENT", `not bound to "${address}"`, { address });
      }
      for (const p of this.#inproc.get(address) ?? []) this.#dropPipe(p, 0);
      this.#inproc.delete(address);
      return;
    }
    const binding = this.#bindings.get(address);
    if (binding === undefined) throw zmqError("ENOENT", `not bound to "${address}"`, { address });
    for (const [k, b] of this.#bindings) if (b === binding) this.#bindings.delete(k);
    await binding.close(0);
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
    if (this.#native !== undefined) return this.native!.connect(address, routingId);
    const ep = parseEndpoint(address);
    if (ep.transport === "inproc") {
      this.context.inproc.connect(ep.name, this);
      return;
    }
    if (ep.transport === "tcp" && ep.port === 0) {
      throw zmqError("EINVAL", `cannot connect to port ${ep.port} in "${address}"`, { address });
    }
    const c = new Connecter(this.#core, ep, this.context.transport);
    this.#connecters.set(address, c);
    c.start();
  }

  /** Stops connecting to an endpoint and drops its connection and queued messages. */
  disconnect(address: string): void {
    this.#assertOpen();
    if (this.#native !== undefined) return this.native!.disconnect(address);
    const ep = parseEndpoint(address);
    if (ep.transport === "inproc") {
      const pipes = this.#inproc.get(address);
      if (pipes === undefined) {
        throw zmqError("ENOENT", `not connected to "${address}"`, { address });
      }
      this.context.inproc.cancel(ep.name, this);
      for (const p of pipes) this.#dropPipe(p, 0);
      this.#inproc.delete(address);
      return;
    }
    const c = this.#connecters.get(address);
    if (c === undefined) throw zmqError("ENOENT", `not connected to "${address}"`, { address });
    this.#connecters.delete(address);
    const pipe = c.pipe;
    c.close(0);
    if (pipe !== undefined) this.#dropPipe(pipe, 0);
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
    if (this.#sendOp !== undefined) {
      return Promise.reject(
        zmqError("EBUSY", "Socket is busy writing; only one send may be in progress"),
      );
    }
    let frames: Message;
    try {
      frames = toMessage(msg);
      if (this.#trySend(frames)) return this.#sent();
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.#options.sendTimeout === 0) {
      return Promise.reject(
        zmqError("EAGAIN", "Socket is not ready to send (high-water mark or no peer)"),
      );
    }
    return new Promise((resolve, reject) => {
      const op = {
        msg: frames,
        resolve,
        reject,
        timer: undefined as ReturnType<typeof setTimeout> | undefined,
      };
      if (this.#options.sendTimeout > 0) {
        op.timer = setTimeout(() => {
          this.#sendOp = undefined;
          reject(zmqError("EAGAIN", `Send timed out after ${this.#options.sendTimeout} ms`));
        }, this.#options.sendTimeout);
      }
      this.#sendOp = op;
    });
  }

  /**
   * A send that completed at once. A loop of them (a PUB never waits) would
   * keep the event loop from ever running I/O, since each resolves as a
   * microtask: every SEND_BURST in a row, one waits for a turn of the loop.
   */
  #sent(): Promise<void> {
    if (++this.#burst >= SEND_BURST) {
      this.#burst = 0;
      return new Promise((resolve) => setImmediate(resolve));
    }
    if (!this.#burstWatched) {
      this.#burstWatched = true;
      setImmediate(() => {
        this.#burst = 0;
        this.#burstWatched = false;
      });
    }
    return DONE;
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
    if (this.#recvOp !== undefined) {
      return Promise.reject(
        zmqError("EBUSY", "Socket is busy reading; only one receive may be in progress"),
      );
    }
    try {
      const msg = this.#tryReceive();
      if (msg !== undefined) return Promise.resolve(msg);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.#options.receiveTimeout === 0) {
      return Promise.reject(zmqError("EAGAIN", "No message is waiting"));
    }
    return new Promise((resolve, reject) => {
      const op: PendingOp<Message> = { resolve, reject, timer: undefined };
      if (this.#options.receiveTimeout > 0) {
        op.timer = setTimeout(() => {
          this.#recvOp = undefined;
          reject(zmqError("EAGAIN", `Receive timed out after ${this.#options.receiveTimeout} ms`));
        }, this.#options.receiveTimeout);
      }
      this.#recvOp = op;
    });
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
        if (this.#closed) return;
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
    this.#closed = true;
    const linger = this.#terminated && !this.#keepLinger ? 0 : this.#options.linger;
    const code: ErrorCode = this.#terminated ? "ETERM" : "EAGAIN";
    const why = this.#terminated ? "Context was terminated" : "Socket was closed";
    this.#failPending(code, why);
    this.#native?.close(linger);
    for (const b of new Set(this.#bindings.values())) b.close(linger);
    this.#bindings.clear();
    for (const c of this.#connecters.values()) c.close(linger);
    this.#connecters.clear();
    this.context.inproc.forget(this, linger);
    for (const p of [...this.#pipes]) this.#dropPipe(p, linger);
    this.#inproc.clear();
    this.#emit({ type: "close", address: "" });
    this.#notifyReadiness();
    this.events.close();
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

  /** As in {@link SocketOptions.sendHighWaterMark}. */
  get sendHighWaterMark(): number {
    return this.#options.sendHighWaterMark;
  }
  set sendHighWaterMark(v: number) {
    this.#set("sendHighWaterMark", v);
  }
  /** As in {@link SocketOptions.receiveHighWaterMark}. */
  get receiveHighWaterMark(): number {
    return this.#options.receiveHighWaterMark;
  }
  set receiveHighWaterMark(v: number) {
    this.#set("receiveHighWaterMark", v);
  }
  /** As in {@link SocketOptions.linger}. */
  get linger(): number {
    return this.#options.linger;
  }
  set linger(v: number) {
    this.#set("linger", v);
  }
  /** As in {@link SocketOptions.sendTimeout}. */
  get sendTimeout(): number {
    return this.#options.sendTimeout;
  }
  set sendTimeout(v: number) {
    this.#set("sendTimeout", v);
  }
  /** As in {@link SocketOptions.receiveTimeout}. */
  get receiveTimeout(): number {
    return this.#options.receiveTimeout;
  }
  set receiveTimeout(v: number) {
    this.#set("receiveTimeout", v);
  }
  /** As in {@link SocketOptions.reconnectInterval}. */
  get reconnectInterval(): number {
    return this.#options.reconnectInterval;
  }
  set reconnectInterval(v: number) {
    this.#set("reconnectInterval", v);
  }
  /** As in {@link SocketOptions.reconnectMaxInterval}. */
  get reconnectMaxInterval(): number {
    return this.#options.reconnectMaxInterval;
  }
  set reconnectMaxInterval(v: number) {
    this.#set("reconnectMaxInterval", v);
  }
  /** As in {@link SocketOptions.handshakeInterval}. */
  get handshakeInterval(): number {
    return this.#options.handshakeInterval;
  }
  set handshakeInterval(v: number) {
    this.#set("handshakeInterval", v);
  }
  /** As in {@link SocketOptions.heartbeatInterval}. */
  get heartbeatInterval(): number {
    return this.#options.heartbeatInterval;
  }
  set heartbeatInterval(v: number) {
    this.#set("heartbeatInterval", v);
  }
  /** As in {@link SocketOptions.heartbeatTimeout}. */
  get heartbeatTimeout(): number {
    return this.#options.heartbeatTimeout;
  }
  set heartbeatTimeout(v: number) {
    this.#set("heartbeatTimeout", v);
  }
  /** As in {@link SocketOptions.heartbeatTimeToLive}. */
  get heartbeatTimeToLive(): number {
    return this.#options.heartbeatTimeToLive;
  }
  set heartbeatTimeToLive(v: number) {
    this.#set("heartbeatTimeToLive", v);
  }
  /** As in {@link SocketOptions.maxMessageSize}. */
  get maxMessageSize(): number {
    return this.#options.maxMessageSize;
  }
  set maxMessageSize(v: number) {
    this.#set("maxMessageSize", v);
  }
  /** As in {@link SocketOptions.immediate}. */
  get immediate(): boolean {
    return this.#options.immediate;
  }
  set immediate(v: boolean) {
    this.#set("immediate", v);
  }
  /** As in {@link SocketOptions.routingId}. */
  get routingId(): string | Uint8Array | undefined {
    return this.#options.routingId;
  }
  set routingId(v: string | Uint8Array | undefined) {
    this.#set("routingId", v);
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

  #set(name: keyof SocketOptions, value: unknown): void {
    if (!(name in this.#options)) throw new TypeError(`unknown socket option "${name}"`);
    validateOption(name, value);
    this.#native?.setOption(name, value);
    (this.#options as unknown as Record<string, unknown>)[name] = value;
    if (name === "sendHighWaterMark" || name === "receiveHighWaterMark") {
      const { sendHighWaterMark: snd, receiveHighWaterMark: rcv } = this.#options;
      for (const p of this.#pipes) {
        const far = p.farMarks;
        if (name === "sendHighWaterMark") {
          p.outbound.hwm = far === undefined ? snd : combinedHwm(snd, far.receive);
        } else p.inbound.hwm = far === undefined ? rcv : combinedHwm(far.send, rcv);
      }
    }
  }

  // --- pipes and the internal interface ----------------------------------

  /** What connecters, bindings and the inproc registry see of this socket. */
  readonly #core: SocketCore = {
    socket: this,
    get type() {
      return this.socket.type;
    },
    options: () => this.#options,
    get immediate() {
      return this.socket.immediate;
    },
    identity: (): Uint8Array | undefined => {
      if (!sendsIdentity(this.type)) return undefined;
      const id = this.#options.routingId;
      return id === undefined ? new Uint8Array(0) : asBytes(id);
    },
    accepts: (peerType: string) => compatible(this.type, peerType),
    newPipe: (endpoint: string, peer: PeerInfo, inprocAddress?: string): Pipe | undefined => {
      if (!this.acceptsPipe(peer)) return undefined;
      const pipe = new Pipe(
        new MessageQueue(this.#options.receiveHighWaterMark, this.conflates()),
        new MessageQueue(this.#options.sendHighWaterMark, this.conflates()),
        peer,
        endpoint,
      );
      this.addPipe(pipe, inprocAddress);
      return pipe;
    },
    emit: (e: SocketEvent) => this.#emit(e),
    identified: (pipe: Pipe) => this.peerIdentified(pipe),
    hiccuped: (pipe: Pipe) => this.pipeHiccuped(pipe),
    get conflate() {
      return this.socket.conflates();
    },
    linger: (cancel: () => void) => this.context.linger(cancel),
  };

  /** @internal The inproc registry's view of this socket. */
  get core(): SocketCore {
    return this.#core;
  }

  /** @internal Starts serving a peer's pipe: doorbells, routing, and waiting calls. */
  addPipe(pipe: Pipe, inprocAddress?: string): void {
    if (inprocAddress !== undefined && !this.acceptsPipe(pipe.peer)) {
      pipe.close(0);
      return;
    }
    this.#pipes.add(pipe);
    if (inprocAddress !== undefined) {
      const list = this.#inproc.get(inprocAddress) ?? [];
      list.push(pipe);
      this.#inproc.set(inprocAddress, list);
    }
    pipe.inbound.onReadable = () => {
      this.pipeReadable(pipe);
      this.#kickReceive();
      this.#notifyReadiness();
    };
    pipe.outbound.onWritable = () => {
      this.#kickSend();
      this.#notifyReadiness();
    };
    pipe.onEnded = (p) => {
      this.#pipes.delete(p);
      this.detachPipe(p);
      this.#kickSend();
      this.#kickReceive(); // XPUB reports the subscriptions that left with the peer
      this.#notifyReadiness();
    };
    this.attachPipe(pipe);
    if (pipe.inbound.size > 0) pipe.inbound.onReadable();
    this.#kickSend();
    this.#notifyReadiness();
  }

  /**
   * @internal Calls `listener` whenever the socket may have become readable
   * or writable (a Poller re-checks then). Returns a function that stops it.
   */
  onReadiness(listener: () => void): () => void {
    this.#readiness.add(listener);
    return () => this.#readiness.delete(listener);
  }

  #notifyReadiness(): void {
    for (const l of [...this.#readiness]) l();
  }

  #dropPipe(pipe: Pipe, linger: number): void {
    this.#pipes.delete(pipe);
    pipe.close(linger); // first, so the type sees a dead, empty pipe and forgets it
    this.detachPipe(pipe);
  }

  #kickSend(): void {
    const op = this.#sendOp;
    if (op === undefined) return;
    try {
      if (!this.#trySend(op.msg)) return;
      this.#sendOp = undefined;
      clearTimeout(op.timer);
      op.resolve();
    } catch (e) {
      this.#sendOp = undefined;
      clearTimeout(op.timer);
      op.reject(e as Error);
    }
  }

  #kickReceive(): void {
    const op = this.#recvOp;
    if (op === undefined) return;
    try {
      const msg = this.#tryReceive();
      if (msg === undefined) return;
      this.#recvOp = undefined;
      clearTimeout(op.timer);
      op.resolve(msg);
    } catch (e) {
      this.#recvOp = undefined;
      clearTimeout(op.timer);
      op.reject(e as Error);
    }
  }

  #trySend(msg: Message): boolean {
    return this.#native === undefined ? this.trySend(msg) : this.native!.trySend(msg);
  }

  #tryReceive(): Message | undefined {
    return this.#native === undefined ? this.tryReceive() : this.native!.tryReceive();
  }

  #failPending(code: ErrorCode, why: string): void {
    for (const op of [this.#sendOp, this.#recvOp]) {
      if (op === undefined) continue;
      clearTimeout(op.timer);
      op.reject(zmqError(code, why));
    }
    this.#sendOp = undefined;
    this.#recvOp = undefined;
  }

  #rejectClosed<T>(): Promise<T> {
    return this.#terminated
      ? Promise.reject(zmqError("ETERM", "Context was terminated"))
      : Promise.reject(zmqError("ENOTSOCK", "Socket is closed"));
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw zmqError(
        this.#terminated ? "ETERM" : "ENOTSOCK",
        this.#terminated ? "Context was terminated" : "Socket is closed",
      );
    }
  }

  #emit(e: SocketEvent): void {
    this.events.emit(e);
  }
}

/** @internal What the connection machinery sees of a socket. */
export interface SocketCore {
  readonly socket: Socket;
  readonly type: string;
  readonly immediate: boolean;
  options(): SocketOptions;
  identity(): Uint8Array | undefined;
  accepts(peerType: string): boolean;
  /**
   * Makes and attaches a pipe with this socket's high-water marks; undefined
   * if the type refuses the peer. An inproc pipe names its address, so that
   * unbind and disconnect find it.
   */
  newPipe(endpoint: string, peer: PeerInfo, inprocAddress?: string): Pipe | undefined;
  emit(e: SocketEvent): void;
  /** A pipe made before its handshake now knows its peer; false turns the peer away. */
  identified(pipe: Pipe): boolean;
  /** A pipe made at connect() lost its connection and waits for the next one. */
  hiccuped(pipe: Pipe): void;
  /** Whether this socket's queues keep only the newest message. */
  readonly conflate: boolean;
  /** Registers work that lingers after close; the context cancels it on terminate. Returns an unregister function. */
  linger(cancel: () => void): () => void;
}

/**
 * @internal The engine's view of a socket, with connection-specific attach
 * and detach. `heartbeats: false` for inproc, where libzmq has none.
 */
export function engineHost(
  core: SocketCore,
  attach: EngineHost["attach"],
  detach: EngineHost["detach"],
  heartbeats = true,
): EngineHost {
  return {
    get socketType() {
      return core.type;
    },
    get identity() {
      return core.identity();
    },
    get options() {
      const o = core.options();
      return heartbeats
        ? o
        : { ...o, heartbeatInterval: 0, heartbeatTimeout: 0, heartbeatTimeToLive: 0 };
    },
    accepts: (peerType) => core.accepts(peerType),
    attach,
    detach,
  };
}

export type { Endpoint };
