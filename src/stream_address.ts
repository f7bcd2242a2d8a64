/**
 * The transport address of a tcp, ipc or ws endpoint, for bindings and connecters alike.
 *
 * @module
 */

import type { Endpoint } from "./endpoint.ts";
import { zmqError } from "./errors.ts";
import type { SocketCore } from "./socket_core.ts";
import type { StreamAddress, WsSettings } from "./transports/stream.ts";

/** An endpoint that runs over a stream transport. */
export type StreamEndpoint = Exclude<Endpoint, { transport: "inproc" }>;

/**
 * The address to listen on (`bind`) or connect to. A bound `*` host means every interface. A ws
 * endpoint also carries what it must know of its socket (see {@link wsSettings}).
 */
export function streamAddress(
  ep: StreamEndpoint,
  core: SocketCore,
  bind: boolean,
  refused?: (error: Error) => void,
): StreamAddress {
  const host = ep.transport === "ipc" ? "" : bind && ep.host === "*" ? "0.0.0.0" : ep.host;
  switch (ep.transport) {
    case "tcp":
      return { transport: "tcp", host, port: ep.port };
    case "ipc":
      return { transport: "ipc", path: ep.path };
    case "ws":
      return {
        transport: "ws",
        secure: ep.secure,
        host,
        port: ep.port,
        path: ep.path,
        settings: wsSettings(core, ep.address, refused),
      };
  }
}

/**
 * What a ws endpoint is told of its socket. The mechanism (the socket's, from its security
 * options when the endpoint is made) picks the subprotocols offered or accepted.
 */
export function wsSettings(
  core: SocketCore,
  address: string,
  refused?: (error: Error) => void,
): WsSettings {
  if (core.type === "STREAM") {
    // ZWS carries ZMTP frames; a STREAM socket's raw engine writes bare bytes.
    throw zmqError("EPROTONOSUPPORT", `a STREAM socket cannot use ${address}: raw tcp only`, {
      address,
    });
  }
  return {
    mechanism: core.security().mechanism.toUpperCase(),
    dropWhenFull: core.type === "SUB" || core.type === "XSUB",
    get handshakeInterval() {
      return core.options().handshakeInterval;
    },
    get maxMessageSize() {
      return core.options().maxMessageSize;
    },
    refused,
  };
}
