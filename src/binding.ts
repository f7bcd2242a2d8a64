/**
 * The bind side of a tcp or ipc endpoint: a listener and an engine per
 * accepted connection. A peer's pipe is made when its handshake completes
 * and goes with its connection (zmtp.md §4.1).
 *
 * @module
 */

import type { Engine, EngineEnd, EngineHost } from "./engine.ts";
import { engineFor } from "./raw_engine.ts";
import type { PeerInfo, Pipe } from "./pipe.ts";
import { engineHost, type SocketCore } from "./socket_core.ts";
import { handshakeEvent, handshakeFailure } from "./handshake_events.ts";
import type { Listener, Stream, StreamTransport } from "./transports/stream.ts";
import { streamAddress, type StreamEndpoint } from "./stream_address.ts";
import { ProtocolError, zmqError } from "./errors.ts";

/** One bound endpoint of a socket. */
export class Binding {
  #core: SocketCore;
  #listener: Listener | undefined;
  #engines = new Map<Engine, Pipe | undefined>();
  #host: EngineHost;
  #closed = false;

  private constructor(core: SocketCore) {
    this.#core = core;
    this.#host = engineHost(
      core,
      (engine, peer) => this.#onHandshake(engine, peer),
      (engine, end) => this.#onEngineEnd(engine, end),
    );
  }

  /** Binds; rejects with a ZmqError such as EADDRINUSE. */
  static async listen(
    core: SocketCore,
    ep: StreamEndpoint,
    transport: StreamTransport,
  ): Promise<Binding> {
    const b = new Binding(core);
    const addr = streamAddress(ep, core, true, (error) => b.#refused(error));
    b.#listener = await transport.listen(
      addr,
      (s) => b.#onStream(s),
      (error) =>
        core.emit({ type: "accept:error", address: b.#listener?.address ?? ep.address, error }),
    );
    return b;
  }

  /**
   * Binds an endpoint whose connections arrive from elsewhere (a WebSocket handler mounted on the
   * application's own HTTP server): `serve` is given the function that takes each new stream.
   */
  static async served(
    core: SocketCore,
    serve: (onStream: (s: Stream) => void, refused: (e: Error) => void) => Promise<Listener>,
  ): Promise<Binding> {
    const b = new Binding(core);
    b.#listener = await serve((s) => b.#onStream(s), (error) => b.#refused(error));
    return b;
  }

  /** A client refused before its connection became a stream (a ws request we do not take). */
  #refused(error: Error): void {
    if (this.#listener === undefined || this.#closed) return;
    this.#core.emit({
      type: "handshake:error:protocol",
      address: this.address,
      error: new ProtocolError("ERR_WS_UNSPECIFIED", error.message, { cause: error }),
    });
  }

  /** The endpoint actually bound (with the chosen port). */
  get address(): string {
    return this.#listener!.address;
  }

  /** Stops listening and closes the connections accepted here (after lingering). */
  close(lingerMs: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    const released = this.#listener?.close() ?? Promise.resolve();
    for (const [engine, pipe] of this.#engines) {
      // With a linger, even an empty pipe goes through the engine: it ends the stream gracefully,
      // so bytes already handed to the transport are still written.
      if (pipe === undefined || lingerMs === 0) {
        pipe?.end(); // the socket forgets the peer now (an unbind leaves the socket open)
        engine.close();
        continue;
      }
      const unlinger = this.#core.linger(() => engine.close());
      this.#unlinger.set(engine, unlinger);
      pipe.close(lingerMs);
    }
    return released;
  }

  #unlinger = new Map<Engine, () => void>();

  #onStream(stream: Stream): void {
    if (this.#closed) return stream.destroy();
    if (!this.#core.limits.admit()) {
      stream.destroy();
      const max = this.#core.options().maxConnections;
      this.#core.emit({
        type: "accept:error",
        address: this.address,
        error: zmqError("ECONNREFUSED", `refused a connection: maxConnections (${max}) reached`, {
          address: this.address,
        }),
      });
      return;
    }
    this.#core.emit({ type: "accept", address: this.address });
    this.#engines.set(engineFor(stream, this.#host), undefined);
  }

  #onHandshake(engine: Engine, peer: PeerInfo): Pipe | undefined {
    const pipe = this.#core.newPipe(this.address, peer);
    if (pipe === undefined) return undefined;
    this.#engines.set(engine, pipe);
    this.#core.emit(handshakeEvent(this.address, peer));
    return pipe;
  }

  #onEngineEnd(engine: Engine, end: EngineEnd): void {
    const pipe = this.#engines.get(engine);
    this.#engines.delete(engine);
    this.#core.limits.leave();
    this.#unlinger.get(engine)?.();
    this.#unlinger.delete(engine);
    pipe?.end();
    if (end.wasReady && !this.#closed) {
      this.#core.emit({ type: "disconnect", address: this.address, error: end.error });
    }
    const failed = handshakeFailure(this.address, end);
    if (failed !== undefined) this.#core.emit(failed);
  }
}
