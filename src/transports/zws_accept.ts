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
