/**
 * Endpoint strings: `tcp://host:port`, `tcp://*:port`, `tcp://[::1]:port`,
 * `ipc:///path`, `inproc://name`, `ws://host:port/path`, `wss://host:port/path`.
 *
 * @module
 */

import { zmqError } from "./errors.ts";

/** A parsed endpoint. */
export type Endpoint =
  | { transport: "tcp"; host: string; port: number; address: string }
  | { transport: "ipc"; path: string; address: string }
  | { transport: "inproc"; name: string; address: string }
  | {
    transport: "ws";
    /** wss: WebSocket over TLS. */
    secure: boolean;
    host: string;
    port: number;
    /** The HTTP path, "/" when the endpoint names none. */
    path: string;
    address: string;
  };

/**
 * Parses an endpoint. Port `*` or `0` (bind only) asks for an ephemeral port;
 * host `*` means every interface.
 *
 * @example
 * ```ts
 * const ep = parseEndpoint("tcp://127.0.0.1:*");
 * console.assert(ep.transport === "tcp" && ep.port === 0);
 * ```
 */
export function parseEndpoint(address: string): Endpoint {
  if (typeof address !== "string") {
    throw new TypeError(`endpoint must be a string, got ${typeof address}`);
  }
  const sep = address.indexOf("://");
  if (sep < 0) throw zmqError("EINVAL", `invalid endpoint "${address}": no transport`, { address });
  const transport = address.slice(0, sep);
  const rest = address.slice(sep + 3);
  switch (transport) {
    case "tcp":
      return parseTcp(rest, address);
    case "ipc":
      if (rest.length === 0 || rest === "*") {
        throw zmqError("EINVAL", `invalid endpoint "${address}": ipc needs a path`, { address });
      }
      return { transport: "ipc", path: rest, address };
    case "inproc":
      if (rest.length === 0) {
        throw zmqError("EINVAL", `invalid endpoint "${address}": inproc needs a name`, { address });
      }
      return { transport: "inproc", name: rest, address };
    case "ws":
    case "wss":
      return parseWs(rest, address, transport === "wss");
    default:
      throw zmqError("EPROTONOSUPPORT", `transport "${transport}" is not supported`, { address });
  }
}

/**
 * `host:port` then an optional path: the path starts at the first "/" after the port (libzmq 4.3
 * takes only the text after the last "/", so a libzmq client asks for "/b" on "ws://h:1/a/b").
 */
function parseWs(rest: string, address: string, secure: boolean): Endpoint {
  const bracket = rest.startsWith("[") ? rest.indexOf("]") : -1;
  const slash = rest.indexOf("/", bracket + 1);
  const hostPort = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? "/" : rest.slice(slash);
  const tcp = parseTcp(hostPort, address) as { host: string; port: number };
  return { transport: "ws", secure, host: tcp.host, port: tcp.port, path, address };
}

function parseTcp(rest: string, address: string): Endpoint {
  const colon = rest.lastIndexOf(":");
  if (colon < 0) throw zmqError("EINVAL", `invalid endpoint "${address}": no port`, { address });
  let host = rest.slice(0, colon);
  const portText = rest.slice(colon + 1);
  // A connect endpoint may name a source address ("src;dst"); we do not support it.
  if (host.includes(";")) {
    throw zmqError("EINVAL", `invalid endpoint "${address}": source addresses are not supported`, {
      address,
    });
  }
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (host.length === 0) {
    throw zmqError("EINVAL", `invalid endpoint "${address}": no host`, { address });
  }
  const port = portText === "*" ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || portText === "") {
    throw zmqError("EINVAL", `invalid endpoint "${address}": bad port "${portText}"`, { address });
  }
  return { transport: "tcp", host, port, address };
}

/** Formats a tcp endpoint, bracketing IPv6 hosts. */
export function tcpAddress(host: string, port: number): string {
  return host.includes(":") ? `tcp://[${host}]:${port}` : `tcp://${host}:${port}`;
}

/** Formats a ws or wss endpoint, bracketing IPv6 hosts; as libzmq reports it, with the path. */
export function wsAddress(secure: boolean, host: string, port: number, path: string): string {
  const h = host.includes(":") ? `[${host}]` : host;
  return `${secure ? "wss" : "ws"}://${h}:${port}${path}`;
}
