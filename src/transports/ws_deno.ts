/**
 * ZWS servers on Deno: Deno.serve for a bound ws endpoint, and the upgrade of one request for an
 * endpoint mounted on the application's own Deno.serve. (Clients run over tcp: ws_client.ts.)
 *
 * @module
 */

import { wsAddress } from "../endpoint.ts";
import type { Listener, Stream, WsSettings } from "./stream.ts";
import { standardZwsStream, type WsAddress } from "./ws_web.ts";
import { bindFailed, refuseUpgrade, wssNeedsServer, zwsUpgradeChoice } from "./zws_accept.ts";

// The few Deno APIs used, declared locally so the rest of the code needs no Deno types.
interface ServeInfo {
  remoteAddr: { hostname: string; port: number };
}
interface DenoServer {
  readonly addr: { hostname: string; port: number };
  shutdown(): Promise<void>;
  unref(): void;
}
interface DenoWsApi {
  serve(
    options: Record<string, unknown>,
    handler: (req: Request, info: ServeInfo) => Response,
  ): DenoServer;
  upgradeWebSocket(
    req: Request,
    options: { idleTimeout: number },
  ): { socket: WebSocket; response: Response };
}
const deno = () => (globalThis as unknown as { Deno: DenoWsApi }).Deno;

/**
 * Answers one request on a ZWS endpoint: the 101 upgrade, whose WebSocket becomes a stream once
 * open, or a refusal. `path` undefined takes any path.
 */
export function acceptDeno(
  req: Request,
  remote: { hostname: string; port: number } | undefined,
  path: string | undefined,
  settings: WsSettings,
  onStream: (s: Stream) => void,
): Response {
  const choice = zwsUpgradeChoice(req, path, settings);
  if (choice instanceof Response) return choice;
  // Deno's own `protocol` option compares against the offer split at ", ", and libzmq offers
  // "ZWS2.0/NULL,ZWS2.0": so the chosen one is written into the response itself. idleTimeout 0:
  // no pings of Deno's own, liveness is the socket's heartbeat options.
  let upgraded;
  try {
    upgraded = deno().upgradeWebSocket(req, { idleTimeout: 0 });
  } catch (e) {
    // Thrown out of the handler it would be a 500 and a stack trace logged per request.
    return refuseUpgrade(settings, 400, `not a valid WebSocket upgrade: ${(e as Error).message}`);
  }
  const { socket, response } = upgraded;
  response.headers.set("sec-websocket-protocol", choice);
  socket.binaryType = "arraybuffer";
  const from = remote === undefined
    ? "ws://unknown"
    : wsAddress(false, remote.hostname, remote.port, "");
  socket.onopen = () => onStream(standardZwsStream(socket, choice, from, settings));
  return response;
}

/** Binds a ws endpoint with a Deno.serve of its own. */
export function listenDeno(addr: WsAddress, onStream: (s: Stream) => void): Promise<Listener> {
  const wanted = wsAddress(addr.secure, addr.host, addr.port, addr.path);
  if (addr.secure) return wssNeedsServer(wanted, "a Deno.serve with cert and key");
  let server: DenoServer;
  try {
    server = deno().serve(
      { hostname: addr.host, port: addr.port, onListen() {} },
      (req, info) => acceptDeno(req, info.remoteAddr, addr.path, addr.settings, onStream),
    );
  } catch (e) {
    const name = (e as Error).name;
    const code = name === "AddrInUse"
      ? "EADDRINUSE"
      : name === "AddrNotAvailable"
      ? "EADDRNOTAVAIL"
      : "EINVAL";
    return bindFailed(code, wanted, e);
  }
  server.unref(); // a listener does not keep the process alive (src/liveness.ts)
  const address = wsAddress(false, addr.host, server.addr.port, addr.path);
  let closed: Promise<void> | undefined;
  return Promise.resolve({
    address,
    close: () => (closed ??= server.shutdown()),
  });
}
