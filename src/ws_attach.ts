/**
 * A ZeroMQ endpoint mounted on the application's own HTTP server: one port serves the web page and
 * ZeroMQ over WebSocket (ZWS 2.0, RFC 45), the usual edge deployment.
 *
 * @module
 */

import type { Socket } from "./socket.ts";
import { wsSettings } from "./stream_address.ts";
import type { Stream } from "./transports/stream.ts";
import { runtimeWsUpgrade } from "./transports/runtime.ts";

/** A socket's endpoint on a path of your Deno.serve or Bun.serve app. */
export interface WebSocketEndpoint {
  /** How the socket names this endpoint (`lastEndpoint`, events, `unbind`): `ws://*:0` and the path. */
  readonly address: string;
  /** The path it answers. */
  readonly path: string;
  /** Whether a request is for this endpoint (its path matches). */
  handles(request: Request): boolean;
  /**
   * Upgrades a request to a ZeroMQ connection, or answers why not (426 for a plain HTTP request,
   * 400 when no subprotocol fits). Pass what your handler got besides the request: on Deno the
   * connection info (for the peer's address), on Bun the server. On Bun a successful upgrade
   * returns undefined, which your fetch handler returns too.
   */
  upgrade(request: Request, second?: unknown): Response | undefined;
  /**
   * Bun only: the `websocket` handlers to give Bun.serve (the same object for every endpoint;
   * connections that are not ZeroMQ's are left alone). Undefined on Deno.
   */
  readonly websocket: object | undefined;
  /** Stops serving; the connections made through it close, as `socket.unbind(address)` does. */
  close(): Promise<void>;
}

/**
 * Mounts `socket` on `path` of your own HTTP server. Every socket type, option and event works as
 * with `bind("ws://...")`.
 *
 * @example
 * ```ts
 * const pub = new Publisher();
 * const zmq = await attachWebSocket(pub, "/zmq");
 * // Deno
 * Deno.serve((req, info) => zmq.handles(req) ? zmq.upgrade(req, info)! : new Response(page));
 * // Bun
 * Bun.serve({
 *   fetch: (req, server) => zmq.handles(req) ? zmq.upgrade(req, server) : new Response(page),
 *   websocket: zmq.websocket,
 * });
 * ```
 */
export async function attachWebSocket(socket: Socket, path = "/"): Promise<WebSocketEndpoint> {
  if (!path.startsWith("/")) throw new TypeError(`path must start with "/", got "${path}"`);
  const { upgrade, websocket } = runtimeWsUpgrade();
  const address = `ws://*:0${path}`;
  let onStream: (s: Stream) => void = (s) => s.destroy();
  let refused: (e: Error) => void = () => {};
  let open = true;
  // Made first: it refuses a socket that cannot speak ZWS before anything is bound.
  const settings = wsSettings(socket.core, address, (e) => refused(e));
  await socket.bindServed(address, (take, refuse) => {
    onStream = take;
    refused = refuse;
    return Promise.resolve({
      address,
      close() {
        open = false;
        return Promise.resolve();
      },
    });
  });
  const handles = (request: Request) => new URL(request.url).pathname === path;
  return {
    address,
    path,
    handles,
    upgrade(request: Request, second?: unknown): Response | undefined {
      if (!open) return new Response(`no ZeroMQ endpoint at ${path} any more\n`, { status: 404 });
      return upgrade(request, second, path, settings, (s) => onStream(s));
    },
    websocket,
    async close() {
      if (open && !socket.closed) await socket.unbind(address);
    },
  };
}
