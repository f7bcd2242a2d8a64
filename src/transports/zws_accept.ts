/**
 * The server's side of a ZWS upgrade (RFC 45 §"Handshake"), before any runtime API: whether an
 * HTTP request may become a ZWS connection, and with which subprotocol. Runtime-neutral (only the
 * standard Request and Response); the Deno and Bun adapters then perform the upgrade.
 *
 * @module
 */

import { parseProtocols, zwsSelect } from "../codec/zws.ts";
import { zmqError } from "../errors.ts";
import type { WsSettings } from "./stream.ts";

/** The most a WebSocket message may be: 2 GiB - 1 (where Bun.serve's own limit ends). */
export const WS_MESSAGE_MAX = 0x7fff_ffff;
/** A ZWS message's bytes beyond a message's body: the flags byte, and CURVE's box and nonce. */
const ZWS_OVERHEAD = 64;
/** Commands that may exceed a small maxMessageSize (READY's properties): the engine's handshake cap. */
const COMMAND_BYTES = 64 * 1024;

/**
 * The largest WebSocket message a ZWS server should take from a peer, for a socket whose
 * maxMessageSize is `maxMessageSize` (-1: no limit): the message plus ZWS's and CURVE's overhead,
 * and never below what a handshake command may need. The engine still enforces the exact limit;
 * this lets a server that can refuse before buffering (Bun.serve) do so.
 *
 * @example
 * ```ts
 * zwsMessageLimit(1_000_000); // 1,000,064: a 1 MB message and its framing
 * zwsMessageLimit(-1); // WS_MESSAGE_MAX
 * ```
 */
export function zwsMessageLimit(maxMessageSize: number | undefined): number {
  if (maxMessageSize === undefined || maxMessageSize < 0) return WS_MESSAGE_MAX;
  return Math.min(WS_MESSAGE_MAX, Math.max(maxMessageSize + ZWS_OVERHEAD, COMMAND_BYTES));
}

/** A refusal of an upgrade: told to `settings.refused`, and answered with `status`. */
export function refuseUpgrade(
  settings: WsSettings,
  status: number,
  why: string,
  headers: Record<string, string> = {},
): Response {
  settings.refused?.(new Error(why));
  return new Response(`${why}\n`, {
    status,
    headers: { "content-type": "text/plain", ...headers },
  });
}

/**
 * The subprotocol to answer with, or the refusal to send instead: 404 off the endpoint's path,
 * 426 for a request that is not a WebSocket upgrade (not a GET, no `Upgrade: websocket` or
 * `Connection: Upgrade`, a version other than 13, with `Sec-WebSocket-Version: 13` as RFC 6455
 * asks), 400 with no `Sec-WebSocket-Key` (libzmq requires it too) or when no offered subprotocol
 * names the socket's mechanism. A refusal is also told to `settings.refused`. Checked here for
 * both runtimes alike: Deno's upgradeWebSocket threw on some of these (a 500, and a stack trace
 * logged for every such request), and Bun's upgraded others.
 *
 * @example
 * ```ts
 * const choice = zwsUpgradeChoice(request, "/zmq", settings);
 * if (choice instanceof Response) return choice;
 * ```
 */
export function zwsUpgradeChoice(
  req: Request,
  path: string | undefined,
  settings: WsSettings,
): string | Response {
  const refuse = (status: number, why: string, headers: Record<string, string> = {}) =>
    refuseUpgrade(settings, status, why, headers);
  if (path !== undefined && new URL(req.url).pathname !== path) {
    return refuse(404, `no ZeroMQ endpoint at ${new URL(req.url).pathname}`);
  }
  const has = (name: string, token: string) =>
    (req.headers.get(name) ?? "").toLowerCase().split(",").some((t) => t.trim() === token);
  if (req.method !== "GET" || !has("upgrade", "websocket") || !has("connection", "upgrade")) {
    return refuse(426, "this is a ZeroMQ WebSocket endpoint (RFC 45): upgrade to websocket", {
      upgrade: "websocket",
    });
  }
  if (req.headers.get("sec-websocket-version")?.trim() !== "13") {
    return refuse(426, "WebSocket version 13 only", { "sec-websocket-version": "13" });
  }
  if ((req.headers.get("sec-websocket-key") ?? "").trim() === "") {
    return refuse(400, "no Sec-WebSocket-Key in the upgrade request");
  }
  const offered = parseProtocols(req.headers.get("sec-websocket-protocol"));
  const protocol = zwsSelect(offered, settings.mechanism);
  if (protocol === undefined) {
    return refuse(
      400,
      `no subprotocol for the ${settings.mechanism} mechanism among those offered (${
        offered.join(", ") || "none"
      })`,
    );
  }
  return protocol;
}

/** A bind that failed, as the ZmqError bind() rejects with. */
export function bindFailed(
  code: "EADDRINUSE" | "EADDRNOTAVAIL" | "EINVAL",
  address: string,
  cause: unknown,
): Promise<never> {
  return Promise.reject(
    zmqError(code, `cannot bind ${address}: ${(cause as Error).message}`, { address, cause }),
  );
}

/** wss:// cannot be bound without a certificate: `server` says how to serve it instead. */
export function wssNeedsServer(address: string, server: string): Promise<never> {
  return Promise.reject(
    zmqError(
      "EPROTONOSUPPORT",
      `binding wss needs a TLS certificate: mount attachWebSocket() on ${server} (${address})`,
      { address },
    ),
  );
}
