/**
 * An inproc connection between two threads: the ZMTP engine over a
 * {@link RingStream}, on each side serving the socket's pipe, exactly as it
 * serves a tcp connection. The handshake tells each side the other's socket
 * type and routing id, and refuses incompatible types.
 *
 * @module
 */

import { Engine, type EngineHost } from "../engine.ts";
import type { PeerInfo, Pipe } from "../pipe.ts";
import { engineHost, type SocketCore } from "../socket_core.ts";
import { type RingEnd, RingStream } from "../transports/shared_ring.ts";

/** The engine's view of a socket over rings: no heartbeats (libzmq has none for inproc). */
function host(
  socket: SocketCore,
  attach: EngineHost["attach"],
  detach: EngineHost["detach"],
): EngineHost {
  return engineHost(socket, attach, detach, false);
}

/**
 * The bound side: a pipe is made when the handshake completes, and ends
 * with the connection (like an accepted tcp connection).
 */
export function serveBound(socket: SocketCore, address: string, end: RingEnd): RingStream {
  const stream = new RingStream(end, address);
  let pipe: Pipe | undefined;
  new Engine(
    stream,
    host(
      socket,
      (_engine, peer: PeerInfo) => {
        if (socket.closed) return undefined; // closed during the handshake: the engine closes the connection
        pipe = socket.newPipe(address, peer, address);
        return pipe;
      },
      () => pipe?.end(),
    ),
  );
  return stream;
}

/**
 * The connecting side: the socket's pipe already exists (made at connect(),
 * with messages perhaps queued on it); the engine serves it from the
 * handshake on. When the connection ends the pipe ends too: inproc does not
 * reconnect.
 */
export function serveConnecting(
  socket: SocketCore,
  pipe: Pipe,
  address: string,
  end: RingEnd,
  closedWithLinger?: number,
): RingStream {
  const stream = new RingStream(end, address);
  // Sized for a pipe shared with the peer socket; over rings each side keeps its own mark.
  pipe.farMarks = undefined;
  pipe.outbound.hwm = socket.options().sendHighWaterMark;
  pipe.inbound.hwm = socket.options().receiveHighWaterMark;
  let lingerMs: number | undefined;
  const engine = new Engine(
    stream,
    host(
      socket,
      (_engine, peer: PeerInfo) => {
        pipe.peer = peer;
        if (lingerMs !== undefined) {
          // Closed before the connection was made, with messages to deliver: the engine does that, then ends.
          const linger = lingerMs;
          queueMicrotask(() => pipe.onClosed?.(linger));
          return pipe;
        }
        return pipe.alive && socket.identified(pipe) ? pipe : undefined;
      },
      () => pipe.end(),
    ),
  );
  // Until the handshake the engine does not watch the pipe; the socket may let go of it meanwhile.
  pipe.onClosed = (linger) => {
    if (linger === 0 || pipe.outbound.size === 0) engine.close();
    else lingerMs = linger;
  };
  if (!pipe.alive && pipe.outbound.size > 0) lingerMs = closedWithLinger ?? -1; // closed while waiting for a binder
  return stream;
}
