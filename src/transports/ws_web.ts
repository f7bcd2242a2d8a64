/**
 * ZWS over the standard WebSocket API: the client in browsers (and for wss on Deno and Bun, whose
 * tcp adapters have no TLS), and the server-side sockets that Deno.upgradeWebSocket returns.
 * Nothing beyond the WHATWG WebSocket is used, so this file runs anywhere.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { wsAddress } from "../endpoint.ts";
import { zwsMechanism, zwsOffer } from "../codec/zws.ts";
import type { Stream, StreamAddress, WsSettings } from "./stream.ts";
import { type WsConnection, ZwsStream } from "./zws_stream.ts";

/** A ws or wss address. */
export type WsAddress = Extract<StreamAddress, { transport: "ws" }>;

/** Wraps an open standard WebSocket in a ZWS stream and routes its events there. */
export function standardZwsStream(
  ws: WebSocket,
  protocol: string,
  remote: string,
  settings: WsSettings,
): ZwsStream {
  const connection: WsConnection = {
    send: (m) => ws.send(m),
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    close: (code, reason) => {
      try {
        ws.close(code, reason);
      } catch { /* already closing */ }
    },
    reportsDrain: false,
  };
  const stream = new ZwsStream(connection, protocol, remote, settings);
  ws.onmessage = (e: MessageEvent) => stream.handleMessage(e.data);
  ws.onclose = (e: CloseEvent) => stream.handleClose(e.code, e.reason);
  ws.onerror = () => {}; // a close event follows
  return stream;
}

/**
 * Connects with the standard WebSocket; resolves once it is open. It can offer only "ZWS2.0"
 * (RFC 6455 subprotocols are tokens, and "ZWS2.0/NULL" has a "/"), so it speaks ZWS without a
 * mechanism: routing ids, no socket types.
 *
 * @example
 * ```ts
 * const stream = await connectStandard({ transport: "ws", secure: false, host: "127.0.0.1", port: 5555, path: "/", settings });
 * ```
 */
export function connectStandard(addr: WsAddress): Promise<Stream> {
  const url = wsAddress(addr.secure, addr.host, addr.port, addr.path);
  const offer = zwsOffer(addr.settings.mechanism, true);
  if (offer.length === 0) {
    return Promise.reject(
      zmqError(
        "EPROTONOSUPPORT",
        `a standard WebSocket client cannot offer ZWS2.0/${addr.settings.mechanism} ("/" is not allowed in a subprotocol)`,
        { address: url },
      ),
    );
  }
  return new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, offer);
    } catch (e) {
      return reject(zmqError("EINVAL", `cannot connect to ${url}: ${(e as Error).message}`, {
        address: url,
        cause: e,
      }));
    }
    ws.binaryType = "arraybuffer";
    ws.onerror = () => {};
    ws.onclose = (e: CloseEvent) => reject(new Error(`WebSocket to ${url} failed (${e.code})`));
    ws.onopen = () => {
      if (zwsMechanism(ws.protocol) === undefined) {
        ws.close(1000, "");
        return reject(new Error(`${url} answered without a ZWS subprotocol`));
      }
      resolve(standardZwsStream(ws, ws.protocol, url, addr.settings));
    };
  });
}
