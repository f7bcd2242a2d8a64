/**
 * A ZMQ_STREAM connection: raw bytes, no ZMTP. There is no greeting or handshake: the peer is
 * attached as soon as the connection exists, every chunk read from the network is one
 * single-frame message, and every message written goes out as its bytes. As in libzmq, an empty
 * message announces the connection and its end (ZMQ_STREAM_NOTIFY), and sending an empty message
 * closes the connection.
 *
 * @module
 */

import { type Engine, Engine as EngineClass, type EngineEnd, type EngineHost } from "./engine.ts";
import type { Message, Pipe } from "./pipe.ts";
import type { Stream } from "./transports/stream.ts";

const EMPTY = new Uint8Array(0);

/**
 * The engine a STREAM socket's connections run instead of the ZMTP {@link Engine}. It offers
 * what binding.ts and connecter.ts use of an engine: `ready`, `close()`, `remoteAddress`.
 *
 * @example
 * ```ts
 * const engine = engineFor(stream, host); // a RawEngine when host.socketType is "STREAM"
 * ```
 */
export class RawEngine {
  #stream: Stream;
  #host: EngineHost;
  #pipe: Pipe | undefined;
  #ended = false;
  #flushing = false;
  #closing = false;
  /**
   * The stream refused a write (its buffer is past its mark): nothing more is written until it
   * drains, so the pipe fills and send() waits at the HWM instead of the stream growing unbounded.
   */
  #writeBlocked = false;
  /**
   * Bytes that came before the peer was attached: a stream may deliver some first (the target's
   * first bytes in the read that carried a SOCKS proxy's reply).
   */
  #early: Uint8Array[] = [];

  constructor(stream: Stream, host: EngineHost) {
    this.#stream = stream;
    this.#host = host;
    stream.onData = (bytes) => this.#onData(bytes);
    stream.onDrain = () => {
      this.#writeBlocked = false;
      this.#flush();
    };
    stream.onClose = (error) => this.#end({ kind: "closed", error, wasReady: this.ready });
    // The connection is all the handshake there is: attach once the caller holds this engine.
    // Bytes a stream delivers before then (in a microtask of its own) wait in #early.
    queueMicrotask(() => this.#attach());
  }

  #attach(): void {
    if (this.#ended) return;
    const stream = this.#stream;
    // Binding and Connecter hold engines by identity and call only ready/close/remoteAddress.
    const pipe = this.#host.attach(this as unknown as Engine, {
      socketType: "STREAM",
      identity: EMPTY,
      remoteAddress: stream.remoteAddress,
    });
    if (pipe === undefined) {
      this.close();
      return;
    }
    this.#pipe = pipe;
    pipe.inbound.push([EMPTY]); // the connect notification
    for (const bytes of this.#early.splice(0)) pipe.inbound.push([bytes]);
    pipe.inbound.onWritable = () => this.#stream.resume();
    pipe.outbound.onReadable = () => queueMicrotask(() => this.#flush());
    pipe.onClosed = () => {
      this.#closing = true;
      this.#flush();
    };
    stream.keepAlive(false);
    this.#flush();
  }

  /** True once attached (at once, unless the socket turned the peer away). */
  get ready(): boolean {
    return this.#pipe !== undefined && !this.#ended;
  }

  /** Where the peer is. */
  get remoteAddress(): string {
    return this.#stream.remoteAddress;
  }

  /** Closes the connection at once. */
  close(): void {
    this.#end({ kind: "local", wasReady: this.ready });
    this.#stream.destroy();
  }

  #onData(bytes: Uint8Array): void {
    const pipe = this.#pipe;
    if (this.#ended) return;
    if (pipe === undefined) return void this.#early.push(bytes);
    if (!pipe.alive) return;
    pipe.inbound.push([bytes]);
    if (pipe.inbound.full) this.#stream.pause();
  }

  /** Writes queued messages as their bytes; an empty message closes the connection. */
  #flush(): void {
    const pipe = this.#pipe;
    if (pipe === undefined || this.#ended || this.#flushing || this.#writeBlocked) return;
    this.#flushing = true;
    try {
      let msg: Message | undefined;
      while ((msg = pipe.outbound.shift()) !== undefined) {
        if (msg.every((f) => f.length === 0)) {
          this.#stream.keepAlive(true);
          this.#stream.end();
          return;
        }
        this.#stream.keepAlive(true);
        let open = true;
        for (const f of msg) if (f.length > 0) open = this.#stream.write(f);
        if (!open) {
          this.#writeBlocked = true; // the stream's drain calls flush again
          return;
        }
      }
      if (this.#closing) this.#stream.end();
      else this.#stream.keepAlive(false);
    } finally {
      this.#flushing = false;
    }
  }

  #end(end: EngineEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    const pipe = this.#pipe;
    if (pipe !== undefined) {
      if (pipe.alive) pipe.inbound.push([EMPTY]); // the disconnect notification
      pipe.inbound.onWritable = undefined;
      pipe.outbound.onReadable = undefined;
      pipe.onClosed = undefined;
    }
    this.#host.detach(this as unknown as Engine, end);
  }
}

/**
 * The engine for a new connection: raw for a STREAM socket, ZMTP for every other type.
 *
 * @example
 * ```ts
 * const engine = engineFor(stream, host);
 * ```
 */
export function engineFor(stream: Stream, host: EngineHost): Engine {
  if (host.socketType === "STREAM") return new RawEngine(stream, host) as unknown as Engine;
  return new EngineClass(stream, host);
}
