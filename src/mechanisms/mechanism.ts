/**
 * The seam between the engine and the security mechanisms (RFC 23 §"Security", RFC 24, RFC 26):
 * a mechanism is a small state machine that the engine drives. The engine writes the greeting
 * with the mechanism's name, calls {@link Mechanism.start} once the peer's greeting is in, hands
 * it every command that arrives during the handshake, and sends what it asks to send. When the
 * mechanism calls `ready`, the engine attaches the peer; from then on a mechanism that encrypts
 * (CURVE) gives the engine a {@link FrameCipher} that seals and opens every frame.
 *
 * Failures are {@link ProtocolError}s (the peer or the ZAP handler broke the protocol; `code` says
 * how, by the name libzmq reports at the same point) or {@link HandshakeError}s (authentication
 * refused, or the peer could not be judged): thrown from `command()`, or given to `io.fail()` when
 * they come later (a ZAP reply). Their messages never carry a credential or a key.
 *
 * @module
 */

import { decodeMetadata, type Metadata } from "../codec/metadata.ts";
import { parseCommand } from "../codec/command.ts";
import { ProtocolError } from "../errors.ts";

/** What a handshake learnt about the peer. */
export interface HandshakeResult {
  /** The peer's metadata (READY or INITIATE properties): Socket-Type, Identity, X-*. */
  properties: Metadata;
  /** The User-Id the ZAP handler returned, when one was asked and said 200. */
  userId?: Uint8Array;
  /** The metadata the ZAP handler returned. */
  zapProperties?: Metadata;
}

/**
 * A handshake that failed without a protocol error ({@link ProtocolError} is that): `auth`:
 * authentication refused (ZAP status 300/400/500, or the peer sent ERROR with such a status);
 * `other`: we could not judge the peer (e.g. PLAIN with no ZAP handler).
 */
export class HandshakeError extends Error {
  override name = "HandshakeError";
  constructor(
    message: string,
    readonly kind: "auth" | "other",
    /** The ZAP status for `auth` (300, 400 or 500). */
    readonly status?: number,
    /** An ERROR command was sent: the connection closes after writing it. */
    readonly sentError = false,
  ) {
    super(message);
  }
}

/** How a handshake fails: the peer broke the protocol, or it was refused or could not be judged. */
export type HandshakeFailure = ProtocolError | HandshakeError;

/** What a mechanism may do to the connection. */
export interface MechanismIO {
  /** Sends a handshake command (its body: name-length, name, data) to the peer. */
  send(body: Uint8Array): void;
  /** The handshake is complete. */
  ready(result: HandshakeResult): void;
  /** The handshake failed after the fact (e.g. a ZAP reply). */
  fail(error: HandshakeFailure): void;
}

/** A ZAP request (RFC 27), as a mechanism makes it. */
export interface ZapRequest {
  mechanism: "NULL" | "PLAIN" | "CURVE";
  credentials: Uint8Array[];
}

/** A valid ZAP reply. */
export interface ZapReply {
  status: 200 | 300 | 400 | 500;
  userId: Uint8Array;
  metadata: Metadata;
}

/** The socket's way to its context's ZAP handler. */
export interface ZapGateway {
  /** The socket's ZAP domain ("" when none). */
  readonly domain: string;
  /** ZMQ_ZAP_ENFORCE_DOMAIN: a non-empty domain requires a handler; an empty one skips ZAP. */
  readonly enforceDomain: boolean;
  /** Whether a handler is bound at inproc://zeromq.zap.01 (libzmq's zap_connect succeeding). */
  available(): boolean;
  /** Asks the handler; rejects with a ProtocolError (ERR_ZAP_*) when the reply is malformed. */
  ask(request: ZapRequest): Promise<ZapReply>;
  /** The connection ended: replies to its requests are no longer awaited. */
  close(): void;
}

/** What a mechanism knows of its socket and connection. */
export interface MechanismContext {
  /** Our ZMTP socket type. */
  socketType: string;
  /** Our routing id, sent as the Identity property by types that carry one; undefined for the rest. */
  identity: Uint8Array | undefined;
  /** Whether a peer of this socket type may talk to us. */
  accepts(peerType: string): boolean;
  /** The ZAP handler, when this connection may consult one. */
  zap: ZapGateway | undefined;
}

/** Seals and opens frames after the handshake (CURVE's MESSAGE command). */
export interface FrameCipher {
  /** The size of the MESSAGE command body that seals a frame of `size` bytes. */
  sealedSize(size: number): number;
  /**
   * Writes the MESSAGE command body sealing one frame at `at` in `out`; returns the offset after
   * it. `flags`: 1 = more frames follow, 2 = the frame is a command.
   */
  seal(out: Uint8Array, at: number, flags: number, payload: Uint8Array): number;
  /** Opens a MESSAGE command body; throws a ProtocolError if it is malformed, not authentic or not in order. */
  open(body: Uint8Array): { flags: number; payload: Uint8Array };
}

/** Inner flag of a sealed frame: more frames of this message follow. */
export const SEALED_MORE = 0x01;
/** Inner flag of a sealed frame: the frame is a command. */
export const SEALED_COMMAND = 0x02;

/** One connection's security mechanism. */
export interface Mechanism {
  /** The name in the greeting: "NULL", "PLAIN" or "CURVE". */
  readonly name: string;
  /** The greeting's as-server flag (PLAIN and CURVE servers; libzmq never reads it). */
  readonly asServer: boolean;
  /** The peer's greeting is in: begin (a client sends its first command). */
  start(io: MechanismIO): void;
  /** A command from the peer during the handshake; throws a HandshakeFailure to refuse it. */
  command(body: Uint8Array): void;
  /** After the handshake: the cipher if this mechanism encrypts traffic. */
  readonly cipher: FrameCipher | undefined;
  /** The connection has ended: forget secrets, ignore late replies. */
  close(): void;
}

/** Reads a command's name and data; a malformed one is a protocol error. */
export function readCommand(body: Uint8Array): { name: string; data: Uint8Array } {
  try {
    return parseCommand(body);
  } catch (e) {
    throw new ProtocolError("ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED", (e as Error).message);
  }
}

/** A command that has no place at this point of the handshake. */
export function unexpected(name: string, during: string): ProtocolError {
  return new ProtocolError(
    "ERR_ZMTP_UNEXPECTED_COMMAND",
    `unexpected command ${name} during the ${during} handshake`,
  );
}

/** The peer's properties, checked: well formed, and a Socket-Type we may talk to. */
export function peerProperties(data: Uint8Array, ctx: MechanismContext): Metadata {
  let props: Metadata;
  try {
    props = decodeMetadata(data);
  } catch (e) {
    throw new ProtocolError(
      "ERR_ZMTP_INVALID_METADATA",
      `malformed metadata: ${(e as Error).message}`,
    );
  }
  const type = props["Socket-Type"];
  if (type !== undefined) {
    const name = String.fromCharCode(...type.subarray(0, 32));
    if (!ctx.accepts(name)) {
      throw new ProtocolError(
        "ERR_ZMTP_INVALID_METADATA",
        `socket type ${ctx.socketType} cannot talk to ${name}`,
      );
    }
  }
  return props;
}

/**
 * The peer sent ERROR during the handshake: an authentication failure when its reason is a ZAP
 * status (300, 400, 500), as libzmq reports it; otherwise a protocol error (libzmq reports none
 * then, and closes: ERR_ZMTP_UNSPECIFIED).
 */
export function peerError(data: Uint8Array): HandshakeFailure {
  const len = data[0];
  if (len === undefined || data.length < 1 + len) {
    return new ProtocolError("ERR_ZMTP_MALFORMED_COMMAND_ERROR", "malformed ERROR command");
  }
  const reason = String.fromCharCode(...data.subarray(1, 1 + len));
  const status = /^[345]00$/.test(reason) ? Number(reason) : undefined;
  return status === undefined
    ? new ProtocolError(
      "ERR_ZMTP_UNSPECIFIED",
      `peer sent ERROR: ${reason.replace(/[^\x20-\x7e]/g, "?")}`,
    )
    : new HandshakeError(`peer refused the handshake: ${reason}`, "auth", status);
}
