/**
 * What the layers below a socket see of it: connecters, bindings, the inproc
 * registry and the cross-thread links receive a {@link SocketCore}, never the
 * socket itself, so none of them imports src/socket.ts.
 *
 * @module
 */

import type { EngineHost } from "./engine.ts";
import type { PeerInfo, Pipe } from "./pipe.ts";
import type { SocketOptions } from "./options.ts";
import type { SocketEvent } from "./observer.ts";
import type { SecuritySettings } from "./security/options.ts";
import type { ZapGateway } from "./mechanisms/mechanism.ts";
import type { SocketLimits } from "./limits.ts";

/** @internal What the connection machinery sees of a socket. */
export interface SocketCore {
  /** The ZMTP socket type name, e.g. "PUSH". */
  readonly type: string;
  readonly immediate: boolean;
  /** True once the socket was closed. */
  readonly closed: boolean;
  /** The socket's options as they are now (high-water marks, timers, routing id). */
  options(): SocketOptions;
  /** The Identity this socket sends in its handshake, for the types that send one. */
  identity(): Uint8Array | undefined;
  /** The socket's routing id as bytes, empty when it has none (inproc peers learn it without a handshake). */
  routingId(): Uint8Array;
  accepts(peerType: string): boolean;
  /** The security options, as the engine runs them. */
  security(): SecuritySettings;
  /** The ZAP gateway for a connection from `remoteAddress`. */
  zap(remoteAddress: string): ZapGateway;
  /**
   * Makes and attaches a pipe with this socket's high-water marks; undefined
   * if the type refuses the peer. An inproc pipe names its address, so that
   * unbind and disconnect find it.
   */
  newPipe(endpoint: string, peer: PeerInfo, inprocAddress?: string): Pipe | undefined;
  /** Attaches a pipe made elsewhere (the far end of an inproc pair) under its inproc address. */
  addPipe(pipe: Pipe, inprocAddress: string): void;
  emit(e: SocketEvent): void;
  /** Accepted connections and undecoded bytes, counted across the socket's connections. */
  readonly limits: SocketLimits;
  /** A pipe made before its handshake now knows its peer; false turns the peer away. */
  identified(pipe: Pipe): boolean;
  /** A pipe made at connect() lost its connection and waits for the next one. */
  hiccuped(pipe: Pipe): void;
  /** Whether this socket's queues keep only the newest message. */
  readonly conflate: boolean;
  /** The SOCKS5 proxy ("host:port") tcp connections go through, or null (ZMQ_SOCKS_PROXY). */
  socksProxy(): string | null;
  /** Registers work that lingers after close; the context cancels it on terminate. Returns an unregister function. */
  linger(cancel: () => void): () => void;
}

/**
 * @internal The engine's view of a socket, with connection-specific attach
 * and detach. `network: false` for inproc, where libzmq has neither
 * heartbeats nor a security mechanism.
 */
export function engineHost(
  core: SocketCore,
  attach: EngineHost["attach"],
  detach: EngineHost["detach"],
  network = true,
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
      return network
        ? o
        : { ...o, heartbeatInterval: 0, heartbeatTimeout: 0, heartbeatTimeToLive: 0 };
    },
    get security() {
      return network ? core.security() : undefined;
    },
    zap: (remoteAddress) => network ? core.zap(remoteAddress) : undefined,
    accepts: (peerType) => core.accepts(peerType),
    limits: core.limits,
    attach,
    detach,
  };
}
