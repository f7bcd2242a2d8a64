/**
 * What CURVE's client and server share (RFC 25 ZMTP-CURVE, RFC 26 CurveZMQ, as libzmq 4.3 does
 * them; zmtp.md §3.3): nonce prefixes, short nonces, the MESSAGE cipher, and waiting for the
 * cryptography library to load without losing the peer's first command.
 *
 * Short nonces are 8-byte big-endian counters, strictly increasing per direction and connection:
 * the client's HELLO is 1 and INITIATE 2, the server's READY is 1; MESSAGEs go on from there. A
 * MESSAGE whose nonce is not above the last one seen (a replay, or a reordering) is refused.
 *
 * @module
 */

import {
  type CurveCrypto,
  curveCryptoNow,
  loadCurveCrypto,
  type SessionBox,
} from "../security/crypto.ts";
import { ProtocolError } from "../errors.ts";
import { type FrameCipher, HandshakeError, type MechanismIO } from "./mechanism.ts";

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** The 16-byte prefixes of the 24-byte nonces (the rest is a short nonce), and the 8-byte ones (the rest is random). */
export const PREFIX = {
  hello: ascii("CurveZMQHELLO---"),
  initiate: ascii("CurveZMQINITIATE"),
  ready: ascii("CurveZMQREADY---"),
  messageFromClient: ascii("CurveZMQMESSAGEC"),
  messageFromServer: ascii("CurveZMQMESSAGES"),
  welcome: ascii("WELCOME-"),
  cookie: ascii("COOKIE--"),
  vouch: ascii("VOUCH---"),
};

/** A MESSAGE command body starts with these 8 bytes. */
const MESSAGE = ascii("\x07MESSAGE");
/** name (8) + short nonce (8) + MAC (16) + inner flags (1). */
const MESSAGE_OVERHEAD = 33;

/** A 24-byte nonce: `prefix` followed by `suffix`. */
export function nonce(prefix: Uint8Array, suffix: Uint8Array): Uint8Array {
  const n = new Uint8Array(24);
  n.set(prefix);
  n.set(suffix, prefix.length);
  return n;
}

/** Random bytes from the platform's CSPRNG. */
export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** Writes a short nonce (8 bytes, big-endian) at `at`. Counters stay below 2^53. */
export function putShortNonce(out: Uint8Array, at: number, value: number): void {
  const hi = Math.floor(value / 0x1_0000_0000);
  const lo = value >>> 0;
  out[at] = hi >>> 24;
  out[at + 1] = (hi >>> 16) & 0xff;
  out[at + 2] = (hi >>> 8) & 0xff;
  out[at + 3] = hi & 0xff;
  out[at + 4] = lo >>> 24;
  out[at + 5] = (lo >>> 16) & 0xff;
  out[at + 6] = (lo >>> 8) & 0xff;
  out[at + 7] = lo & 0xff;
}

/** A peer's short nonce as two 32-bit halves, compared exactly (a peer may send any 64-bit value). */
export class PeerNonce {
  #hi = 0;
  #lo = 0;

  /** Records the nonce at `at` in `bytes` if it is above the last one; false (and unchanged) if not. */
  advance(bytes: Uint8Array, at: number): boolean {
    const hi = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) |
      bytes[at + 3]!) >>> 0;
    const lo = ((bytes[at + 4]! << 24) | (bytes[at + 5]! << 16) | (bytes[at + 6]! << 8) |
      bytes[at + 7]!) >>> 0;
    if (hi < this.#hi || (hi === this.#hi && lo <= this.#lo)) return false;
    this.#hi = hi;
    this.#lo = lo;
    return true;
  }
}

/** Whether two byte strings are equal, in time that does not depend on where they differ. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Seals and opens MESSAGE commands with the connection's precomputed key: every frame after the
 * handshake, its MORE and COMMAND bits in the boxed flags byte (zmtp.md §3.3).
 */
export class CurveCipher implements FrameCipher {
  #session: SessionBox;
  #sendNonce: Uint8Array;
  #recvNonce: Uint8Array;
  #next: number;
  #peer: PeerNonce;

  /**
   * @param next our next short nonce
   * @param peer the peer's last short nonce (from its HELLO/INITIATE or READY)
   */
  constructor(
    session: SessionBox,
    sendPrefix: Uint8Array,
    recvPrefix: Uint8Array,
    next: number,
    peer: PeerNonce,
  ) {
    this.#session = session;
    this.#sendNonce = nonce(sendPrefix, new Uint8Array(8));
    this.#recvNonce = nonce(recvPrefix, new Uint8Array(8));
    this.#next = next;
    this.#peer = peer;
  }

  sealedSize(size: number): number {
    return MESSAGE_OVERHEAD + size;
  }

  seal(out: Uint8Array, at: number, flags: number, payload: Uint8Array): number {
    for (let i = 0; i < 8; i++) out[at + i] = MESSAGE[i]!;
    const n = this.#sendNonce;
    putShortNonce(n, 16, this.#next++);
    for (let i = 0; i < 8; i++) out[at + 8 + i] = n[16 + i]!;
    return this.#session.sealInto(out, at + 16, n, flags, payload);
  }

  open(body: Uint8Array): { flags: number; payload: Uint8Array } {
    for (let i = 0; i < 8; i++) {
      if (body[i] !== MESSAGE[i]) {
        throw new ProtocolError(
          "ERR_ZMTP_UNEXPECTED_COMMAND",
          "expected a MESSAGE command under CURVE",
        );
      }
    }
    if (body.length < MESSAGE_OVERHEAD) {
      throw new ProtocolError("ERR_ZMTP_MALFORMED_COMMAND_MESSAGE", "malformed MESSAGE");
    }
    if (!this.#peer.advance(body, 8)) {
      throw new ProtocolError(
        "ERR_ZMTP_INVALID_SEQUENCE",
        "MESSAGE nonce is not above the last one (replayed or reordered)",
      );
    }
    const n = this.#recvNonce;
    for (let i = 0; i < 8; i++) n[16 + i] = body[8 + i]!;
    const frame = this.#session.openFrame(body, 16, n);
    if (frame === undefined) {
      throw new ProtocolError("ERR_ZMTP_CRYPTOGRAPHIC", "MESSAGE does not authenticate");
    }
    frame.flags &= 0x03;
    return frame;
  }

  /** Wipes the key. */
  destroy(): void {
    this.#session.destroy();
  }
}

/**
 * The part of a CURVE mechanism that waits for the library: commands that arrive before it is
 * loaded are held and replayed in order once it is.
 */
export abstract class CurveBase {
  readonly name = "CURVE";
  protected io: MechanismIO | undefined;
  protected closed = false;
  #crypto: CurveCrypto | undefined = curveCryptoNow();
  #held: Uint8Array[] = [];

  /** The library; only called once it is loaded. */
  protected get crypto(): CurveCrypto {
    return this.#crypto!;
  }

  start(io: MechanismIO): void {
    this.io = io;
    if (this.#crypto !== undefined) return this.begin();
    loadCurveCrypto().then(
      (c) => {
        if (this.closed) return;
        this.#crypto = c;
        try {
          this.begin();
          for (const body of this.#held.splice(0)) this.handle(body);
        } catch (e) {
          io.fail(
            e instanceof HandshakeError || e instanceof ProtocolError
              ? e
              : new ProtocolError("ERR_ZMTP_UNSPECIFIED", (e as Error).message),
          );
        }
      },
      (e: Error) => {
        if (!this.closed) io.fail(new HandshakeError(e.message, "other"));
      },
    );
  }

  command(body: Uint8Array): void {
    if (this.#crypto === undefined) {
      if (this.#held.length >= 4) {
        throw new ProtocolError("ERR_ZMTP_UNSPECIFIED", "too many commands during the handshake");
      }
      this.#held.push(body.slice());
      return;
    }
    this.handle(body);
  }

  /** The connection ended: no more commands, secrets wiped, the session key freed. */
  close(): void {
    this.closed = true;
    this.forget();
    this.session?.destroy();
  }

  /** The connection's precomputed key, once the handshake has made it. */
  protected session: SessionBox | undefined;
  /** The library is loaded and the greeting is done. */
  protected abstract begin(): void;
  /** A handshake command, with the library loaded. */
  protected abstract handle(body: Uint8Array): void;
  /** Wipes the secrets the handshake no longer needs. */
  protected abstract forget(): void;
}
