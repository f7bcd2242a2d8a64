/**
 * The events a connection's handshake reports, the same from the bind and the connect side.
 *
 * @module
 */

import type { EngineEnd } from "./engine.ts";
import type { SocketEvent } from "./observer.ts";
import type { PeerInfo } from "./pipe.ts";

/** `handshake`, with the User-Id the ZAP handler gave the peer, if any. */
export function handshakeEvent(address: string, peer: PeerInfo): SocketEvent {
  return peer.userId === undefined
    ? { type: "handshake", address }
    : { type: "handshake", address, userId: peer.userId };
}

/**
 * The event for a connection that ended before or while misbehaving: `handshake:error:protocol`
 * (the peer broke the protocol), `handshake:error:auth` (ZAP refused it, or it refused us) or
 * `handshake:error:other` (it could not be judged, or its handshake timed out); none otherwise.
 */
export function handshakeFailure(address: string, end: EngineEnd): SocketEvent | undefined {
  switch (end.kind) {
    case "protocol":
      return { type: "handshake:error:protocol", address, error: end.error };
    case "auth":
      return { type: "handshake:error:auth", address, error: end.error, status: end.status };
    case "other":
      return { type: "handshake:error:other", address, error: end.error };
    case "timeout":
      return end.wasReady
        ? undefined
        : { type: "handshake:error:other", address, error: end.error };
    default:
      return undefined;
  }
}
