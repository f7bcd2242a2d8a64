/**
 * ZWS 2.0 (RFC 45): ZeroMQ over WebSocket. Each ZMTP frame is one binary WebSocket message: a flags
 * byte (0x01 MORE, 0x02 COMMAND; no LONG bit, the WebSocket carries the length) and the body. There
 * is no greeting: the WebSocket subprotocol names the mechanism, or "ZWS2.0" alone names none, and
 * then each side's first message is its routing id (RFC 45 §"No Mechanism").
 *
 * Pure functions over bytes: the subprotocol names (the one place that maps them to mechanisms),
 * and the translation between the ZMTP byte stream the engine speaks and ZWS messages, so the
 * engine runs unchanged over a WebSocket.
 *
 * @module
 */

import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE, headerSize, writeHeader } from "./frame.ts";
import { encodeGreeting, GREETING_SIZE } from "./greeting.ts";
import { commandBody, parseCommand, parseReady } from "./command.ts";
import { encodeMetadata } from "./metadata.ts";

/** ZWS flag bit: more frames of this message follow. */
export const ZWS_MORE = 0x01;
/** ZWS flag bit: this frame is a command. */
export const ZWS_COMMAND = 0x02;

/** The subprotocol with no mechanism: routing ids are exchanged instead of a handshake. */
export const ZWS_BARE = "ZWS2.0";
const PREFIX = "ZWS2.0/";
/** Mechanisms a subprotocol may name. (BEARER is reserved by RFC 45 and implemented nowhere.) */
const MECHANISMS = ["NULL", "PLAIN", "CURVE"];

/**
 * The mechanism a subprotocol stands for ("ZWS2.0" stands for NULL with routing ids instead of
 * READY), or `undefined` for one we do not speak.
 *
 * @example
 * ```ts
 * console.assert(zwsMechanism("ZWS2.0/PLAIN") === "PLAIN" && zwsMechanism("ZWS2.0") === "NULL");
 * ```
 */
export function zwsMechanism(protocol: string): string | undefined {
  if (protocol === ZWS_BARE) return "NULL";
  if (!protocol.startsWith(PREFIX)) return undefined;
  const m = protocol.slice(PREFIX.length);
  return MECHANISMS.includes(m) ? m : undefined;
}

/**
 * What a client offers for its mechanism, best first. `tokensOnly` is for clients built on the
 * standard WebSocket API (browsers, Deno): RFC 6455 subprotocols are tokens, where "/" is not
 * allowed, so they can offer "ZWS2.0" alone, and no mechanism but NULL at all.
 *
 * @example
 * ```ts
 * console.assert(zwsOffer("NULL", false).join() === "ZWS2.0/NULL,ZWS2.0");
 * console.assert(zwsOffer("NULL", true).join() === "ZWS2.0");
 * ```
 */
export function zwsOffer(mechanism: string, tokensOnly: boolean): string[] {
  const named = `${PREFIX}${mechanism}`;
  if (mechanism === "NULL") return tokensOnly ? [ZWS_BARE] : [named, ZWS_BARE];
  return tokensOnly ? [] : [named];
}

/**
 * The server's choice among the subprotocols a client offered: the first one that stands for the
 * server's own mechanism, as libzmq picks; `undefined` when none does (the client is refused).
 *
 * @example
 * ```ts
 * console.assert(zwsSelect(["ZWS2.0/NULL", "ZWS2.0"], "NULL") === "ZWS2.0/NULL");
 * console.assert(zwsSelect(["ZWS2.0/PLAIN"], "NULL") === undefined);
 * ```
 */
export function zwsSelect(offered: readonly string[], mechanism: string): string | undefined {
  return offered.find((p) => zwsMechanism(p) === mechanism);
}

/** Splits a `Sec-WebSocket-Protocol` header (libzmq writes "a,b"; browsers write "a, b"). */
export function parseProtocols(header: string | null | undefined): string[] {
  if (header == null) return [];
  return header.split(",").map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * The greeting a ZWS peer would have sent, for an engine that expects one: the subprotocol's
 * mechanism, and version 3.0, since a ZWS peer takes subscriptions only as `0x01`/`0x00` data
 * messages (libzmq's ws engine neither sends nor knows SUBSCRIBE and CANCEL commands), which is
 * what a ZMTP engine sends to a 3.0 peer.
 */
export function zwsPeerGreeting(mechanism: string): Uint8Array {
  const g = encodeGreeting(mechanism);
  g[11] = 0; // minor version 0
  return g;
}

/** A ZWS message the peer may not send; `code` is the WebSocket close code to answer it with. */
export class ZwsError extends Error {
  override name = "ZwsError";
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

/** Close codes sent for bad input. The standard WebSocket API lets code only send 1000 and 3000-4999, so RFC 6455's 1002/1003/1008 appear as 4002/4003/4008. */
export const CLOSE_PROTOCOL = 4002;
export const CLOSE_TEXT = 4003;
export const CLOSE_OVERRUN = 4008;

/**
 * Cuts the engine's ZMTP byte stream into ZWS messages: the greeting at its start is dropped (ZWS
 * has none), then each frame becomes one message with its flags rewritten. A frame that lies whole
 * in one write is handed out as a view of that write, its ZWS flags byte written over the last
 * byte of the size field for the duration of the call and restored afterwards; a frame split
 * across writes is gathered into a copy.
 *
 * @example
 * ```ts
 * const out: number[][] = [];
 * const cut = new ZmtpToZws();
 * cut.push(new Uint8Array(64), () => {}); // the greeting
 * cut.push(new Uint8Array([0x01, 0x01, 0x41, 0x00, 0x00]), (m) => out.push([...m]));
 * console.assert(JSON.stringify(out) === "[[1,65],[0]]");
 * ```
 */
export class ZmtpToZws {
  #greetingLeft = GREETING_SIZE;
  #header = new Uint8Array(9);
  #headerHave = 0;
  /** A frame being gathered: flags byte, then the body as it arrives. */
  #gather: Uint8Array | undefined;
  #gatherHave = 0;

  /** True once the engine's greeting has gone by. */
  get greeted(): boolean {
    return this.#greetingLeft === 0;
  }

  /**
   * Takes the next bytes of the engine's stream; calls `emit` with each complete ZWS message.
   * The message is valid only during the call: send or copy it before returning.
   */
  push(bytes: Uint8Array, emit: (message: Uint8Array) => void): void {
    let at = 0;
    const end = bytes.length;
    if (this.#greetingLeft > 0) {
      at = Math.min(this.#greetingLeft, end);
      this.#greetingLeft -= at;
    }
    while (at < end) {
      const gather = this.#gather;
      if (gather !== undefined) {
        const n = Math.min(gather.length - this.#gatherHave, end - at);
        gather.set(bytes.subarray(at, at + n), this.#gatherHave);
        this.#gatherHave += n;
        at += n;
        if (this.#gatherHave === gather.length) {
          this.#gather = undefined;
          emit(gather);
        }
        continue;
      }
      if (this.#headerHave === 0) {
        // The common case: header and body whole in this write.
        const flags = bytes[at]!;
        const hsize = flags & FLAG_LONG ? 9 : 2;
        if (at + hsize <= end) {
          const size = readSize(bytes, at, hsize);
          const bodyAt = at + hsize;
          if (bodyAt + size <= end) {
            const flagsAt = bodyAt - 1;
            const saved = bytes[flagsAt]!;
            bytes[flagsAt] = zwsFlags(flags);
            try {
              emit(bytes.subarray(flagsAt, bodyAt + size));
            } finally {
              bytes[flagsAt] = saved;
            }
            at = bodyAt + size;
            continue;
          }
        }
      }
      // A header split across writes, or a body that continues in the next one.
      this.#header[this.#headerHave++] = bytes[at++]!;
      const hsize = this.#header[0]! & FLAG_LONG ? 9 : 2;
      if (this.#headerHave < hsize) continue;
      this.#headerHave = 0;
      const size = readSize(this.#header, 0, hsize);
      const message = new Uint8Array(1 + size);
      message[0] = zwsFlags(this.#header[0]!);
      if (size === 0) emit(message);
      else {
        this.#gather = message;
        this.#gatherHave = 1;
      }
    }
  }
}

function readSize(b: Uint8Array, at: number, hsize: number): number {
  if (hsize === 2) return b[at + 1]!;
  // The engine writes sizes below 2^53: the high word is at most 21 bits.
  return (b[at + 1]! * 0x100_0000 + (b[at + 2]! << 16) + (b[at + 3]! << 8) + b[at + 4]!) *
      0x1_0000_0000 +
    (b[at + 5]! * 0x100_0000 + (b[at + 6]! << 16) + (b[at + 7]! << 8) + b[at + 8]!);
}

function zwsFlags(zmtp: number): number {
  return (zmtp & FLAG_MORE) | (zmtp & FLAG_COMMAND ? ZWS_COMMAND : 0);
}

/** Frames up to this size are copied whole (header and body) into one chunk; larger ones keep their body as a view. */
const COPY_UP_TO = 255;
const SLAB = 64 * 1024;

/**
 * Turns ZWS messages into the ZMTP bytes the engine decodes. Small frames are copied, with their
 * header, into slices of a shared slab (one allocation serves many; a slice is never reused);
 * a larger frame becomes a header and a view of the message's body, which the decoder keeps as
 * it is.
 *
 * @example
 * ```ts
 * const chunks = new ZwsToZmtp().frame(new Uint8Array([0x02, 0x04, 0x50]));
 * console.assert(chunks.length === 1 && chunks[0]![0] === 0x04 && chunks[0]![1] === 2);
 * ```
 */
export class ZwsToZmtp {
  #slab = new Uint8Array(0);
  #at = 0;

  /** The ZMTP bytes of one ZWS message. Throws {@link ZwsError} for an empty message. */
  frame(message: Uint8Array): Uint8Array[] {
    if (message.length === 0) {
      throw new ZwsError(
        "empty WebSocket message: a ZWS frame starts with its flags",
        CLOSE_PROTOCOL,
      );
    }
    const f = message[0]!;
    const flags = (f & ZWS_MORE) | (f & ZWS_COMMAND ? FLAG_COMMAND : 0);
    const size = message.length - 1;
    if (size <= COPY_UP_TO) {
      // The whole message lands at offset 1, its flags byte where the size goes: no subarray.
      const out = this.#take(2 + size);
      out.set(message, 1);
      out[0] = flags;
      out[1] = size;
      return [out];
    }
    const header = this.#take(headerSize(size));
    writeHeader(header, 0, size, flags);
    return [header, message.subarray(1)];
  }

  /**
   * For "ZWS2.0": the peer's first message is its routing id; the engine gets it as the READY a
   * NULL peer would have sent, with that Identity and no Socket-Type (which the engine accepts, as
   * libzmq does: a bare ZWS peer never says its type).
   */
  routingIdAsReady(message: Uint8Array): Uint8Array[] {
    if (message.length === 0 || message[0] !== 0) {
      throw new ZwsError(
        "the first ZWS2.0 message must be the peer's routing id (a final data frame)",
        CLOSE_PROTOCOL,
      );
    }
    const body = commandBody("READY", encodeMetadata({ Identity: message.slice(1) }));
    const out = new Uint8Array(headerSize(body.length) + body.length);
    out.set(body, writeHeader(out, 0, body.length, FLAG_COMMAND));
    return [out];
  }

  #take(n: number): Uint8Array {
    if (this.#at + n > this.#slab.length) {
      this.#slab = new Uint8Array(Math.max(SLAB, n));
      this.#at = 0;
    }
    const out = this.#slab.subarray(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }
}

/** The name of a ZWS command message (flags, name-length, name...), or "" when it is not one. */
export function commandName(message: Uint8Array): string {
  if ((message[0]! & ZWS_COMMAND) === 0) return "";
  try {
    return parseCommand(message.subarray(1)).name;
  } catch {
    return "";
  }
}

/**
 * For "ZWS2.0": our READY (as a ZWS command message) becomes our first message, the routing id:
 * its Identity property, or empty for types that send none.
 */
export function readyAsRoutingId(message: Uint8Array): Uint8Array {
  const { data } = parseCommand(message.subarray(1));
  const id = parseReady(data)["Identity"] ?? new Uint8Array(0);
  const out = new Uint8Array(1 + id.length);
  out.set(id, 1);
  return out;
}
