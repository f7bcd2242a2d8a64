/**
 * The connect side of a tcp or ipc endpoint: connects in the background,
 * runs an engine per connection, and reconnects with libzmq's interval and
 * backoff (zmtp.md §5.3). Unless `immediate` is set, its pipe exists from
 * `connect()` on, so messages queue before the peer is up and survive
 * reconnects.
 *
 * @module
 */

import { zmqError } from "./errors.ts";
import type { Engine, EngineEnd, EngineHost } from "./engine.ts";
import { engineFor } from "./raw_engine.ts";
import type { PeerInfo, Pipe } from "./pipe.ts";
import { engineHost, type SocketCore } from "./socket_core.ts";
import { handshakeEvent, handshakeFailure } from "./handshake_events.ts";
import type { StreamAddress, StreamTransport } from "./transports/stream.ts";
import { backgroundTimeout, type BackgroundTimer, clearBackground } from "./liveness.ts";
import { hostTimers } from "./host.ts";
import { socksConnect } from "./socks.ts";
import { streamAddress, type StreamEndpoint } from "./stream_address.ts";

/** One connect endpoint of a socket. */
export class Connecter {
  #core: SocketCore;
  #address: string;
  #target: StreamAddress;
  #transport: StreamTransport;
  #pipe: Pipe | undefined;
  #engine: Engine | undefined;
  #timer: BackgroundTimer | undefined;
  #interval = 0;
  #stopped = false;
  #lingerMs: number | undefined;
  #unlinger: (() => void) | undefined;
  #lingerTimer: ReturnType<typeof setTimeout> | undefined;
  #host: EngineHost;
  /** `immediate` as it was at connect(): a later change applies to later connects (libzmq). */
  #immediate = false;

  constructor(core: SocketCore, ep: StreamEndpoint, transport: StreamTransport) {
    if (ep.transport === "ws" && (ep.port === 0 || ep.host === "*")) {
      throw zmqError("EINVAL", `cannot connect to "${ep.address}": name a host and a port`, {
        address: ep.address,
      });
    }
    this.#core = core;
    this.#host = engineHost(
      core,
      (_engine, peer) => this.#onHandshake(peer),
      (engine, end) => this.#onEngineEnd(engine, end),
    );
    this.#address = ep.address;
    this.#target = streamAddress(ep, core, false);
    this.#transport = transport;
  }

  /** Makes the first attempt at once. */
  start(): void {
    this.#immediate = this.#core.immediate;
    if (!this.#immediate) {
      const peer: PeerInfo = {
        socketType: "",
        pending: true,
        identity: new Uint8Array(0),
        remoteAddress: this.#address,
      };
      this.#pipe = this.#core.newPipe(this.#address, peer);
      if (this.#pipe !== undefined) this.#pipe.onClosed = (linger) => this.close(linger);
    }
    this.#attempt();
  }

  /**
   * Stops. With a linger other than 0 and messages still queued, keeps
   * (re)connecting until they are delivered or the linger time is up.
   */
  close(lingerMs: number): void {
    if (this.#lingerMs !== undefined) return;
    this.#lingerMs = lingerMs;
    const pipe = this.#pipe;
    if (this.#engine?.ready && pipe !== undefined) {
      // The engine serves the pipe: told through pipe.onClosed, it delivers what is queued, then ends the stream.
      this.#stopped = true;
      clearBackground(this.#timer);
      const engine = this.#engine;
      this.#unlinger = this.#core.linger(() => engine.close());
      if (pipe.alive) pipe.close(lingerMs);
      return;
    }
    if (pipe !== undefined) pipe.onClosed = undefined;
    if (pipe?.alive) pipe.close(lingerMs);
    if (lingerMs === 0 || pipe === undefined || pipe.outbound.size === 0) return this.#stop();
    const cancel = () => this.#stop();
    this.#unlinger = this.#core.linger(cancel);
    if (lingerMs > 0) this.#lingerTimer = setTimeout(cancel, lingerMs);
  }

  /** The pipe this endpoint serves, if any. */
  get pipe(): Pipe | undefined {
    return this.#pipe;
  }

  #stop(closeEngine = true): void {
    this.#stopped = true;
    clearBackground(this.#timer);
    clearTimeout(this.#lingerTimer);
    this.#unlinger?.();
    if (closeEngine) this.#engine?.close();
  }

  #attempt(): void {
    if (this.#stopped) return;
    const target = this.#target;
    const proxy = this.#core.socksProxy(); // ZMQ_SOCKS_PROXY: tcp only
    const connecting = target.transport === "tcp" && proxy !== null
      ? socksConnect(this.#transport, proxy, target, this.#core.options().handshakeInterval)
      : this.#transport.connect(target);
    connecting.then(
      (stream) => {
        if (this.#stopped) return stream.destroy();
        this.#core.emit({ type: "connect", address: this.#address });
        this.#engine = engineFor(stream, this.#host);
      },
      (error: Error) => {
        this.#core.emit({ type: "connect:delay", address: this.#address, error });
        this.#retry();
      },
    );
  }

  #retry(): void {
    if (this.#stopped) return;
    const { reconnectInterval: ivl, reconnectMaxInterval: max } = this.#core.options();
    if (ivl < 0) return this.#giveUp();
    let delay: number;
    if (max > 0) {
      this.#interval = this.#interval === 0 ? ivl : Math.min(this.#interval * 2, max);
      delay = this.#interval;
    } else {
      delay = ivl + Math.floor(Math.random() * ivl);
    }
    this.#core.emit({ type: "connect:retry", address: this.#address, interval: delay });
    // Reconnecting does not keep the process alive, except to deliver what a closed socket lingers with.
    this.#timer = this.#lingerMs === undefined
      ? backgroundTimeout(() => this.#attempt(), delay)
      : hostTimers().setTimeout(() => this.#attempt(), delay);
  }

  /** No more attempts: the pipe goes, so routing stops choosing it. */
  #giveUp(): void {
    this.#stopped = true;
    this.#pipe?.end();
    this.#pipe = undefined;
  }

  #onHandshake(peer: PeerInfo): Pipe | undefined {
    this.#interval = 0;
    let pipe = this.#pipe;
    if (pipe === undefined && this.#lingerMs === undefined) {
      pipe = this.#pipe = this.#core.newPipe(this.#address, peer);
    } else if (pipe !== undefined) {
      pipe.peer = peer;
      if (!this.#core.identified(pipe)) return undefined;
    }
    if (pipe === undefined) return undefined;
    this.#core.emit(handshakeEvent(this.#address, peer));
    if (this.#lingerMs !== undefined) {
      // Closed while reconnecting: deliver what is queued, then go.
      const linger = this.#lingerMs;
      queueMicrotask(() => pipe.onClosed?.(linger));
      this.#stopped = true;
    }
    return pipe;
  }

  #onEngineEnd(engine: Engine, end: EngineEnd): void {
    if (this.#engine === engine) this.#engine = undefined;
    if (this.#stopped && this.#lingerMs !== undefined) this.#unlinger?.();
    // A connection we close ourselves is not reported as lost (libzmq's monitor does the same).
    const ours = end.kind === "local" || this.#lingerMs !== undefined;
    if (end.wasReady && !ours) {
      this.#core.emit({ type: "disconnect", address: this.#address, error: end.error });
    }
    // The same events as the bind side: a protocol error, a refusal (auth), a failure to judge
    // (other), or a handshake that never finished (handshakeInterval).
    const failed = handshakeFailure(this.#address, end);
    if (failed !== undefined) this.#core.emit(failed);
    if (this.#immediate && this.#pipe !== undefined) {
      this.#pipe.end();
      this.#pipe = undefined;
    }
    if (end.kind === "local" || this.#stopped) return;
    if (this.#pipe !== undefined) this.#core.hiccuped(this.#pipe);
    // libzmq stops reconnecting after a protocol error on the connecting side (an ERROR from the
    // peer is one), and drops the pipe.
    if (end.kind === "protocol" || end.kind === "auth") return this.#giveUp();
    this.#retry();
  }
}
