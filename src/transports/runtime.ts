/**
 * Picks this runtime's adapters. The only place that asks which runtime it is.
 *
 * @module
 */

import type { Stream, StreamAddress, StreamTransport, WsSettings } from "./stream.ts";
import { denoTransport } from "./deno.ts";
import { bunTransport } from "./bun.ts";
import { acceptDeno, listenDeno } from "./ws_deno.ts";
import { acceptBun, bunWebSocketHandlers, listenBun } from "./ws_bun.ts";
import { connectStandard } from "./ws_web.ts";
import { connectOverTcp } from "./ws_client.ts";
import { zmqError } from "../errors.ts";

const runtime = (): "bun" | "deno" | "web" => {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  return g.Bun !== undefined ? "bun" : g.Deno !== undefined ? "deno" : "web";
};

/**
 * Whether a new small typed array is cheap. On Bun it is (4 ns for
 * `new Uint8Array(1)`, a subarray view 28 ns); on Deno every new typed array
 * is an off-heap allocation (250-600 ns, and 1 us under load) while a view
 * costs 16 ns (measured here, Deno 2.9.6, Bun 1.4.5).
 */
export function smallArraysAreCheap(): boolean {
  return runtime() === "bun";
}

/**
 * Received frames shorter than this are better copied than viewed: on Bun a
 * fresh tiny array costs a third of a subarray view (measured: 22 vs 68 ns at
 * 8 bytes, even at 64), while on Deno every new typed array is an off-heap
 * allocation (1.3 us) and a view costs 40 ns.
 */
export function frameCopyLimit(): number {
  return smallArraysAreCheap() ? 32 : 0;
}

function unsupported(addr: StreamAddress, what: string): Promise<never> {
  return Promise.reject(
    zmqError("EPROTONOSUPPORT", `${addr.transport}: ${what} is not possible in this runtime`),
  );
}

/**
 * The adapters for Deno or Bun: tcp, ipc and ws. A ws client runs over the runtime's tcp
 * (ws_client.ts: the runtimes' own WebSocket clients cannot ping or stop reading, Deno's leaves
 * Nagle on, and Bun's wrote each frame on its own: 0.4M against 0.63-0.7M msg/s at 64 B); wss, which
 * needs TLS, goes through the standard WebSocket client. Elsewhere (a browser) ws and wss connect
 * only, through the standard WebSocket.
 */
export function runtimeTransport(): StreamTransport {
  switch (runtime()) {
    case "bun":
      return {
        listen: (a, on, acceptError) =>
          a.transport === "ws" ? listenBun(a, on) : bunTransport.listen(a, on, acceptError),
        connect: (a) =>
          a.transport !== "ws"
            ? bunTransport.connect(a)
            : a.secure
            ? connectStandard(a)
            : connectOverTcp(a, bunTransport),
      };
    case "deno":
      return {
        listen: (a, on, acceptError) =>
          a.transport === "ws" ? listenDeno(a, on) : denoTransport.listen(a, on, acceptError),
        connect: (a) =>
          a.transport !== "ws"
            ? denoTransport.connect(a)
            : a.secure
            ? connectStandard(a)
            : connectOverTcp(a, denoTransport),
      };
    default:
      return {
        listen: (a) => unsupported(a, "binding"),
        connect: (a) => a.transport === "ws" ? connectStandard(a) : unsupported(a, "connecting"),
      };
  }
}

/**
 * Upgrades one request of the application's own HTTP server to a ZWS connection (or refuses it).
 * `second` is what the server gave the handler besides the request: Bun's server, or Deno's
 * connection info. Bun's fetch handler must return undefined after an upgrade.
 */
export type WsUpgrade = (
  req: Request,
  second: unknown,
  path: string | undefined,
  settings: WsSettings,
  onStream: (s: Stream) => void,
) => Response | undefined;

/** This runtime's upgrade, and for Bun the `websocket` handlers its server must be given. */
export function runtimeWsUpgrade(): { upgrade: WsUpgrade; websocket: object | undefined } {
  switch (runtime()) {
    case "bun":
      return {
        upgrade: (req, server, path, settings, on) =>
          acceptBun(req, server as Parameters<typeof acceptBun>[1], path, settings, on),
        websocket: bunWebSocketHandlers,
      };
    case "deno":
      return {
        upgrade: (req, info, path, settings, on) =>
          acceptDeno(
            req,
            (info as { remoteAddr?: { hostname: string; port: number } } | undefined)?.remoteAddr,
            path,
            settings,
            on,
          ),
        websocket: undefined,
      };
    default:
      throw zmqError("EPROTONOSUPPORT", "serving WebSockets needs Deno or Bun");
  }
}
