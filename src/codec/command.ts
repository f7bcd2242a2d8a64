/**
 * ZMTP commands (RFC 23 §"Commands", RFC 37): `name-length(1) name data`.
 *
 * Builders return the command *body*; {@link encodeCommandFrame} adds the frame
 * header. Parsers take a body and throw {@link CommandError} when it is
 * malformed.
 *
 * @module
 */

import { decodeMetadata, encodeMetadata, type Metadata } from "./metadata.ts";

/** A malformed command from the peer. */
export class CommandError extends Error {
  override name = "CommandError";
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Builds a command body from its name and data. */
export function commandBody(name: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(1 + name.length + data.length);
  out[0] = name.length;
  out.set(ascii(name), 1);
  out.set(data, 1 + name.length);
  return out;
}

/** A command split into its name and data (a view into the body). */
export interface Command {
  name: string;
  data: Uint8Array;
}

/**
 * Splits a command body into name and data.
 *
 * @example
 * ```ts
 * const c = parseCommand(commandBody("PING", new Uint8Array([0, 0])));
 * console.assert(c.name === "PING" && c.data.length === 2);
 * ```
 */
export function parseCommand(body: Uint8Array): Command {
  if (body.length < 1) throw new CommandError("empty command frame");
  const len = body[0]!;
  if (len === 0 || body.length < 1 + len) throw new CommandError("command name is truncated");
  let name = "";
  for (let i = 1; i <= len; i++) name += String.fromCharCode(body[i]!);
  return { name, data: body.subarray(1 + len) };
}

/**
 * READY for the NULL mechanism: the socket type and, for REQ/DEALER/ROUTER, the routing id.
 *
 * @example
 * ```ts
 * const body = readyBody("DEALER", new Uint8Array(0));
 * console.assert(body.length === 0x29);
 * ```
 */
export function readyBody(
  socketType: string,
  identity?: Uint8Array,
  extra: Metadata = {},
): Uint8Array {
  return commandBody("READY", socketMetadata(socketType, identity, extra));
}

/**
 * The properties every mechanism sends in its last handshake command (NULL's READY, PLAIN's
 * INITIATE and READY, CURVE's boxed INITIATE and READY), encoded: Socket-Type, Identity (for
 * REQ/DEALER/ROUTER), then application metadata sorted by name, as libzmq orders them.
 *
 * @example
 * ```ts
 * const meta = socketMetadata("PUSH");
 * console.assert(meta.length === 1 + 11 + 4 + 4);
 * ```
 */
export function socketMetadata(
  socketType: string,
  identity?: Uint8Array,
  extra: Metadata = {},
): Uint8Array {
  const props: Metadata = { "Socket-Type": ascii(socketType) };
  if (identity !== undefined) props["Identity"] = identity;
  for (const k of Object.keys(extra).sort()) props[k] = extra[k]!;
  return encodeMetadata(props);
}

/** Reads the metadata of a READY command's data. */
export function parseReady(data: Uint8Array): Metadata {
  try {
    return decodeMetadata(data);
  } catch (e) {
    throw new CommandError(`malformed READY: ${(e as Error).message}`);
  }
}

/** ERROR with a reason of at most 255 bytes. */
export function errorBody(reason: string): Uint8Array {
  const r = ascii(reason.slice(0, 255));
  const data = new Uint8Array(1 + r.length);
  data[0] = r.length;
  data.set(r, 1);
  return commandBody("ERROR", data);
}

/** Reads an ERROR command's reason. */
export function parseError(data: Uint8Array): string {
  const len = data[0] ?? 0;
  if (data.length < 1 + len) throw new CommandError("malformed ERROR: reason is truncated");
  return String.fromCharCode(...data.subarray(1, 1 + len));
}

/** PING with a TTL in deciseconds and up to 16 bytes of context. */
export function pingBody(
  ttlDeciseconds: number,
  context: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const data = new Uint8Array(2 + Math.min(context.length, 16));
  const ttl = Math.max(0, Math.min(0xffff, Math.floor(ttlDeciseconds)));
  data[0] = ttl >> 8;
  data[1] = ttl & 0xff;
  data.set(context.subarray(0, 16), 2);
  return commandBody("PING", data);
}

/** Reads a PING's TTL (deciseconds) and context. */
export function parsePing(data: Uint8Array): { ttl: number; context: Uint8Array } {
  if (data.length < 2) throw new CommandError("malformed PING: no TTL");
  return { ttl: (data[0]! << 8) | data[1]!, context: data.subarray(2, 18) };
}

/** PONG echoing a PING's context. */
export function pongBody(context: Uint8Array): Uint8Array {
  return commandBody("PONG", context.subarray(0, 16));
}

/** SUBSCRIBE (ZMTP 3.1) for a topic prefix. */
export function subscribeBody(topic: Uint8Array): Uint8Array {
  return commandBody("SUBSCRIBE", topic);
}

/** CANCEL (ZMTP 3.1) for a topic prefix. */
export function cancelBody(topic: Uint8Array): Uint8Array {
  return commandBody("CANCEL", topic);
}
