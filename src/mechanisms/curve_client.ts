/**
 * The CURVE client (RFC 26): proves it knows the server's public key, then its own long-term key,
 * under a transient key pair made for this connection.
 *
 * `HELLO` (200 bytes: version 1.0, 72 bytes of padding, C', short nonce 1, Box[64 zeros](C'->S))
 * -> `WELCOME` (168 bytes: Box[S' + cookie](S->C')) -> `INITIATE` (cookie, short nonce 2,
 * Box[C + vouch + metadata](C'->S'), vouch = Box[C' + S](C->S')) -> `READY`
 * (Box[metadata](S'->C')), or ERROR instead of WELCOME or READY.
 *
 * @module
 */

import { commandBody, socketMetadata } from "../codec/command.ts";
import { ProtocolError } from "../errors.ts";
import {
  type Mechanism,
  type MechanismContext,
  peerError,
  peerProperties,
  readCommand,
  unexpected,
} from "./mechanism.ts";
import { concat } from "../codec/bytes.ts";
import {
  CurveBase,
  CurveCipher,
  nonce,
  PeerNonce,
  PREFIX,
  putShortNonce,
  randomBytes,
} from "./curve.ts";

/** The client's keys: its long-term pair and the server's public key, 32 bytes each. */
export interface CurveClientKeys {
  /** Derived from the secret key when not given. */
  publicKey: Uint8Array | undefined;
  secretKey: Uint8Array;
  serverKey: Uint8Array;
}

/**
 * @example
 * ```ts
 * const m = new CurveClient(ctx, { publicKey, secretKey, serverKey });
 * ```
 */
export class CurveClient extends CurveBase implements Mechanism {
  readonly asServer = false;
  cipher: CurveCipher | undefined;
  #ctx: MechanismContext;
  #keys: { publicKey: Uint8Array | undefined; secretKey: Uint8Array; serverKey: Uint8Array };
  #transient: { publicKey: Uint8Array; secretKey: Uint8Array } | undefined;
  #state: "welcome" | "ready" | "done" = "welcome";
  #peerNonce = new PeerNonce();

  /** The keys are copied: the caller may wipe its own. */
  constructor(ctx: MechanismContext, keys: CurveClientKeys) {
    super();
    this.#ctx = ctx;
    this.#keys = {
      publicKey: keys.publicKey?.slice(),
      secretKey: keys.secretKey.slice(),
      serverKey: keys.serverKey.slice(),
    };
  }

  protected begin(): void {
    this.#keys.publicKey ??= this.crypto.publicKey(this.#keys.secretKey);
    const t = this.#transient = this.crypto.keyPair();
    const hello = new Uint8Array(200);
    hello.set(commandBody("HELLO"));
    hello[6] = 1; // CurveZMQ 1.0; 72 bytes of padding follow
    hello.set(t.publicKey, 80);
    putShortNonce(hello, 112, 1);
    const n = nonce(PREFIX.hello, hello.subarray(112, 120));
    hello.set(this.crypto.box(new Uint8Array(64), n, this.#keys.serverKey, t.secretKey), 120);
    this.io!.send(hello);
  }

  protected handle(body: Uint8Array): void {
    const { name, data } = readCommand(body);
    if (name === "ERROR" && this.#state !== "done") throw peerError(data);
    if (this.#state === "welcome" && name === "WELCOME") return this.#onWelcome(body);
    if (this.#state === "ready" && name === "READY") return this.#onReady(body);
    throw unexpected(name, "CURVE");
  }

  #onWelcome(body: Uint8Array): void {
    // libzmq reports a WELCOME of the wrong size as a cryptographic error, as one that does not open.
    if (body.length !== 168) throw new ProtocolError("ERR_ZMTP_CRYPTOGRAPHIC", "malformed WELCOME");
    const t = this.#transient!;
    const plain = this.crypto.boxOpen(
      body.subarray(24),
      nonce(PREFIX.welcome, body.subarray(8, 24)),
      this.#keys.serverKey,
      t.secretKey,
    );
    if (plain === undefined) {
      throw new ProtocolError(
        "ERR_ZMTP_CRYPTOGRAPHIC",
        "WELCOME does not open: is the server key the right one?",
      );
    }
    const serverTransient = plain.subarray(0, 32);
    const cookie = plain.subarray(32, 128);
    this.session = this.crypto.session(serverTransient, t.secretKey);

    const vouchNonce = randomBytes(16);
    const vouch = this.crypto.box(
      concat(t.publicKey, this.#keys.serverKey),
      nonce(PREFIX.vouch, vouchNonce),
      serverTransient,
      this.#keys.secretKey,
    );
    const inner = concat(
      this.#keys.publicKey!,
      vouchNonce,
      vouch,
      socketMetadata(this.#ctx.socketType, this.#ctx.identity),
    );
    const head = new Uint8Array(113);
    head.set(commandBody("INITIATE"));
    head.set(cookie, 9);
    putShortNonce(head, 105, 2);
    const boxed = this.crypto.box(
      inner,
      nonce(PREFIX.initiate, head.subarray(105, 113)),
      serverTransient,
      t.secretKey,
    );
    plain.fill(0);
    this.#state = "ready";
    this.io!.send(concat(head, boxed));
  }

  #onReady(body: Uint8Array): void {
    if (body.length < 30) {
      throw new ProtocolError("ERR_ZMTP_MALFORMED_COMMAND_READY", "malformed READY");
    }
    this.#peerNonce.advance(body, 6);
    const plain = this.session!.open(body.subarray(14), nonce(PREFIX.ready, body.subarray(6, 14)));
    if (plain === undefined) {
      throw new ProtocolError("ERR_ZMTP_CRYPTOGRAPHIC", "READY does not authenticate");
    }
    const properties = peerProperties(plain, this.#ctx);
    this.#state = "done";
    this.cipher = new CurveCipher(
      this.session!,
      PREFIX.messageFromClient,
      PREFIX.messageFromServer,
      3,
      this.#peerNonce,
    );
    this.forget();
    this.io!.ready({ properties });
  }

  /** Wipes what the handshake no longer needs: the transient secret and our long-term secret. */
  protected forget(): void {
    this.#transient?.secretKey.fill(0);
    this.#keys.secretKey.fill(0);
  }
}
