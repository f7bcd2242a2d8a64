/**
 * STREAM (libzmq's ZMQ_STREAM): talks to peers that do not speak ZMTP, over tcp. Each message
 * in and out is `[routingId, data]`; the routing id names the TCP connection. An empty `data`
 * received means the peer connected or disconnected; sending an empty `data` closes that
 * connection. Lets a zmq-ts program serve or speak HTTP or any line protocol, and interoperates
 * with libzmq's STREAM sockets.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message, Pipe } from "../pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { registerSocketType, Socket, type SocketConstructorOptions } from "../socket.ts";
import { connectRoutingId, key } from "./router.ts";

/** STREAM's own options. */
export interface StreamOptions {
  /** Deliver an empty message when a peer connects or disconnects (ZMQ_STREAM_NOTIFY). Default true. */
  notify: boolean;
}

/** Options for one {@link Stream.connect}. */
export interface StreamConnectOptions {
  /** The routing id to know this connection by, instead of a generated one. */
  routingId?: string | Uint8Array;
}

/**
 * A raw TCP socket (STREAM): every message is `[routingId, data]`.
 *
 * @example
 * ```ts
 * const http = new Stream();
 * await http.bind("tcp://127.0.0.1:8080");
 * for await (const [id, data] of http) {
 *   if (data!.length === 0) continue; // a peer connected or left
 *   await http.send([id!, "HTTP/1.0 200 OK\r\n\r\nHello"]);
 *   await http.send([id!, ""]); // closes that connection
 * }
 * ```
 */
export class Stream extends Socket {
  /** The socket type. */
  readonly type = "STREAM";
  /** As in {@link StreamOptions.notify}. */
  notify: boolean;
  #fq = new FairQueue();
  #connectIds = new Map<string, Uint8Array>();
  #byId = new Map<string, Pipe>();
  #nextId = (Math.random() * 0x1_0000_0000) >>> 0;

  /** Makes a socket of this type; pass any socket option, and this type's own, as fields. */
  constructor(
    { notify = true, ...options }: SocketConstructorOptions & Partial<StreamOptions> = {},
  ) {
    super("STREAM", options);
    this.notify = notify;
    // Sealed once built (zeromq.js): a typo in an option name throws instead of adding a field.
    if (new.target === Stream) Object.seal(this);
  }

  /**
   * Connects to a tcp address, optionally choosing the routing id of that connection.
   *
   * @example
   * ```ts
   * stream.connect("tcp://example.com:80", { routingId: "web" });
   * await stream.send(["web", "GET / HTTP/1.0\r\n\r\n"]);
   * ```
   */
  override connect(address: string, options: StreamConnectOptions = {}): void {
    if (!address.startsWith("tcp://")) {
      throw zmqError("EPROTONOSUPPORT", `a STREAM socket speaks tcp only: "${address}"`, {
        address,
      });
    }
    if (options.routingId !== undefined) {
      const id = connectRoutingId(options.routingId);
      if (this.#byId.has(key(id))) {
        throw zmqError("EINVAL", "routingId is already used by another peer", { address });
      }
      this.#connectIds.set(address, id);
    }
    super.connect(address);
  }

  /** Binds a tcp address. */
  override bind(address: string): Promise<void> {
    if (!address.startsWith("tcp://")) {
      return Promise.reject(
        zmqError("EPROTONOSUPPORT", `a STREAM socket speaks tcp only: "${address}"`, { address }),
      );
    }
    return super.bind(address);
  }

  /** Disconnects, forgetting a routing id chosen at connect(). */
  override disconnect(address: string): void {
    super.disconnect(address);
    this.#connectIds.delete(address);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected attachPipe(pipe: Pipe): void {
    this.#fq.add(pipe);
    let id = this.#connectIds.get(pipe.endpoint);
    if (id === undefined) {
      id = new Uint8Array(5);
      new DataView(id.buffer).setUint32(1, this.#nextId);
      this.#nextId = (this.#nextId + 1) >>> 0;
    }
    pipe.routingId = id;
    this.#byId.set(key(id), pipe);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected detachPipe(pipe: Pipe): void {
    const k = key(pipe.routingId);
    if (this.#byId.get(k) === pipe) this.#byId.delete(k);
    this.#fq.release(pipe);
  }

  /** @internal A pipe has messages again: it gets turns in the fair queue. */
  protected override pipeReadable(pipe: Pipe): void {
    this.#fq.activate(pipe);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected trySend(msg: Message): boolean {
    if (msg.length < 2) {
      throw zmqError("EINVAL", "a STREAM message is [routingId, data]");
    }
    const pipe = this.#byId.get(key(msg[0]!));
    if (pipe === undefined || !pipe.alive) {
      throw zmqError("EHOSTUNREACH", "Host unreachable: no connection with that routing id");
    }
    if (pipe.outbound.full) return false;
    pipe.outbound.push(msg.slice(1));
    return true;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected tryReceive(): Message | undefined {
    for (;;) {
      const msg = this.#fq.receive();
      if (msg === undefined) return undefined;
      // A peer cannot send an empty TCP chunk: an empty message is a connect/disconnect notice.
      if (!this.notify && msg[0]!.length === 0) continue;
      return [this.#fq.from!.routingId, ...msg];
    }
  }

  /** @internal A routing hook of {@link Socket}. */
  protected hasReadable(): boolean {
    return this.#fq.readable;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected hasWritable(): boolean {
    for (const p of this.#byId.values()) if (p.alive && !p.outbound.full) return true;
    return false;
  }
}

registerSocketType(11, Stream);
