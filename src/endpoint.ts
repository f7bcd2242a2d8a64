/**
 * Endpoint strings: `tcp://host:port`, `tcp://*:port`, `tcp://[::1]:port`,
 * `ipc:///path`, `inproc://name`.
 *
 * @module
 */

import { zmqError } from "./errors.ts";

/** A parsed endpoint. */
export type Endpoint =
  | { transport: "tcp"; host: string; port: number; address: string }
  | { transport: "ipc"; path: string; address: string }
  | { transport: "inproc"; name: string; address: string };

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
    default:
      throw zmqError("EPROTONOSUPPORT", `transport "${transport}" is not supported`, { address });
  }
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
