/**
 * ZWS servers on Bun: Bun.serve for a bound ws endpoint, and the upgrade of one request for an
 * endpoint mounted on the application's own Bun.serve. (Clients run over tcp: ws_client.ts.)
 *
 * @module
 */

import { wsAddress } from "../endpoint.ts";
import type { Listener, Stream, WsSettings } from "./stream.ts";
import type { WsAddress } from "./ws_web.ts";
import { type WsConnection, ZwsStream } from "./zws_stream.ts";
import {
  bindFailed,
  WS_MESSAGE_MAX,
  wssNeedsServer,
  zwsMessageLimit,
  zwsUpgradeChoice,
} from "./zws_accept.ts";

// The few Bun APIs used, declared locally so the rest of the code needs no Bun types.
interface BunServerWebSocket {
  data: Pending;
  binaryType?: string;
  send(data: Uint8Array): number;
  getBufferedAmount(): number;
  close(code?: number, reason?: string): void;
  ping(): void;
}
interface BunServer {
  readonly port: number;
  upgrade(req: Request, options: { headers: Record<string, string>; data: Pending }): boolean;
  requestIP(req: Request): { address: string; port: number } | null;
  stop(closeActive?: boolean): void;
  unref(): void;
}
interface BunApi {
  serve(options: Record<string, unknown>): BunServer;
}
const bun = () => (globalThis as unknown as { Bun: BunApi }).Bun;

/** What an upgraded request carries until its WebSocket opens. */
interface Pending {
  zws: true;
  protocol: string;
  remote: string;
  settings: WsSettings;
  onStream: (s: Stream) => void;
  stream?: ZwsStream;
}

/**
 * Bun.serve's `websocket` handlers for ZWS connections, with the options they need: no
 * compression, no pings or idle timeout of Bun's own (liveness is the socket's heartbeats), sends
 * never dropped (the stream keeps its own bound), messages up to 2 GiB (the engine enforces
 * maxMessageSize; a server of our own is given a limit from it, {@link listenBun}). Sockets
 * upgraded by someone else are left alone.
 */
export const bunWebSocketHandlers = {
  perMessageDeflate: false,
  sendPings: false,
  idleTimeout: 0,
  maxPayloadLength: WS_MESSAGE_MAX,
  backpressureLimit: 0xffff_ffff,
  closeOnBackpressureLimit: false,
  open(ws: BunServerWebSocket): void {
    const p = ws.data;
    if (p?.zws !== true) return;
    ws.binaryType = "uint8array";
    const connection: WsConnection = {
      send: (m) => void ws.send(m),
      get bufferedAmount() {
        return ws.getBufferedAmount();
      },
      close: (code, reason) => ws.close(code, reason),
      ping: () => ws.ping(),
      reportsDrain: true,
    };
    p.stream = new ZwsStream(connection, p.protocol, p.remote, p.settings);
    p.onStream(p.stream);
  },
  message(ws: BunServerWebSocket, message: string | Uint8Array): void {
    ws.data?.stream?.handleMessage(message);
  },
  drain(ws: BunServerWebSocket): void {
    ws.data?.stream?.handleDrain();
  },
  pong(ws: BunServerWebSocket): void {
    ws.data?.stream?.handlePong();
  },
  close(ws: BunServerWebSocket, code: number, reason: string): void {
    ws.data?.stream?.handleClose(code, reason ?? "");
  },
};

/**
 * Answers one request on a ZWS endpoint: upgrades it (returns undefined, as Bun's fetch handler
 * must) or returns the refusal. `path` undefined takes any path.
 */
export function acceptBun(
  req: Request,
  server: BunServer,
  path: string | undefined,
  settings: WsSettings,
  onStream: (s: Stream) => void,
): Response | undefined {
  const choice = zwsUpgradeChoice(req, path, settings);
  if (choice instanceof Response) return choice;
  const ip = server.requestIP(req);
  const remote = ip === null ? "ws://unknown" : wsAddress(false, ip.address, ip.port, "");
  const data: Pending = { zws: true, protocol: choice, remote, settings, onStream };
  if (server.upgrade(req, { headers: { "Sec-WebSocket-Protocol": choice }, data })) {
    return undefined;
  }
  settings.refused?.(new Error("the WebSocket upgrade failed"));
  return new Response("WebSocket upgrade failed\n", { status: 400 });
}

/**
 * Binds a ws endpoint with a Bun.serve of its own. Its largest WebSocket message follows the
 * socket's maxMessageSize at bind time (zwsMessageLimit), so Bun refuses a larger one (close
 * 1009) before buffering it. Bun fixes the limit per server: an option lowered after bind is
 * enforced by the engine, and one raised after bind still meets the bind-time limit here (as
 * libzmq's listener keeps the options it was bound with).
 */
export function listenBun(addr: WsAddress, onStream: (s: Stream) => void): Promise<Listener> {
  const wanted = wsAddress(addr.secure, addr.host, addr.port, addr.path);
  if (addr.secure) return wssNeedsServer(wanted, "a Bun.serve with tls");
  let server: BunServer;
  try {
    server = bun().serve({
      hostname: addr.host,
      port: addr.port,
      fetch: (req: Request, srv: BunServer) =>
        acceptBun(req, srv, addr.path, addr.settings, onStream),
      websocket: {
        ...bunWebSocketHandlers,
        maxPayloadLength: zwsMessageLimit(addr.settings.maxMessageSize),
      },
    });
  } catch (e) {
    const c = (e as { code?: string }).code;
    return bindFailed(c === "EADDRINUSE" || c === "EADDRNOTAVAIL" ? c : "EINVAL", wanted, e);
  }
  server.unref(); // a listener does not keep the process alive (src/liveness.ts)
  let open = true;
  return Promise.resolve({
    address: wsAddress(false, addr.host, server.port, addr.path),
    close() {
      if (open) {
        open = false;
        server.stop(false);
      }
      return Promise.resolve();
    },
  });
}
