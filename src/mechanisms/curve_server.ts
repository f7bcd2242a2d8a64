/**
 * The CURVE server (RFC 26): opens the client's HELLO with its long-term secret key, answers with
 * a transient key and a cookie, checks the client's INITIATE (cookie, vouch) and asks ZAP about
 * the client's long-term public key before READY (zmtp.md §3.3, §3.5).
 *
 * The cookie key is made per connection, as libzmq does; the server keeps its own state, and
 * checks that the cookie the client returns holds exactly this connection's C' and s'.
 *
 * @module
 */

import { commandBody, socketMetadata } from "../codec/command.ts";
import type { Metadata } from "../codec/metadata.ts";
import { ProtocolError } from "../errors.ts";
import {
  type Mechanism,
  type MechanismContext,
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
  sameBytes,
} from "./curve.ts";
import { askZap, mustAskZap } from "./zap_policy.ts";

/**
 * @example
 * ```ts
 * const m = new CurveServer(ctx, secretKey); // ctx.zap reaches the handler, if one is bound
 * ```
 */
export class CurveServer extends CurveBase implements Mechanism {
  readonly asServer = true;
  cipher: CurveCipher | undefined;
  #ctx: MechanismContext;
  #secretKey: Uint8Array;
  #state: "hello" | "initiate" | "zap" | "done" = "hello";
  #peerNonce = new PeerNonce();
  /** The client's transient public key C'. */
  #clientTransient: Uint8Array | undefined;
  /** Our transient pair for this connection. */
  #transient: { publicKey: Uint8Array; secretKey: Uint8Array } | undefined;
  #cookieKey: Uint8Array | undefined;

  /** The secret key is copied: the caller may wipe its own. */
  constructor(ctx: MechanismContext, secretKey: Uint8Array) {
    super();
    this.#ctx = ctx;
    this.#secretKey = secretKey.slice();
  }

  protected begin(): void {}

  protected handle(body: Uint8Array): void {
    const { name } = readCommand(body);
    if (this.#state === "hello" && name === "HELLO") return this.#onHello(body);
    if (this.#state === "initiate" && name === "INITIATE") return this.#onInitiate(body);
    if (this.#state === "zap") {
      // As libzmq: a command while the ZAP handler decides fits no state of the server.
      throw new ProtocolError("ERR_ZMTP_UNSPECIFIED", `${name} while the ZAP handler decides`);
    }
    throw unexpected(name, "CURVE");
  }

  #onHello(body: Uint8Array): void {
    if (body.length !== 200) {
      throw new ProtocolError("ERR_ZMTP_MALFORMED_COMMAND_HELLO", "malformed HELLO: not 200 bytes");
    }
    if (body[6] !== 1 || body[7] !== 0) {
      throw new ProtocolError(
        "ERR_ZMTP_MALFORMED_COMMAND_HELLO",
        "HELLO of an unknown CurveZMQ version",
      );
    }
    const clientTransient = body.slice(80, 112);
    this.#peerNonce.advance(body, 112);
    const signature = this.crypto.boxOpen(
      body.subarray(120, 200),
      nonce(PREFIX.hello, body.subarray(112, 120)),
      clientTransient,
      this.#secretKey,
    );
    if (signature === undefined) {
      throw new ProtocolError(
        "ERR_ZMTP_CRYPTOGRAPHIC",
        "HELLO does not open: the client has another server key",
      );
    }
    this.#clientTransient = clientTransient;
    const t = this.#transient = this.crypto.keyPair();
    this.#cookieKey = randomBytes(32);
    const cookieNonce = randomBytes(16);
    const cookiePlain = concat(clientTransient, t.secretKey);
    const cookieBox = this.crypto.secretbox(
      cookiePlain,
      nonce(PREFIX.cookie, cookieNonce),
      this.#cookieKey,
    );
    cookiePlain.fill(0); // it holds s'
    const welcomeNonce = randomBytes(16);
    const boxed = this.crypto.box(
      concat(t.publicKey, cookieNonce, cookieBox),
      nonce(PREFIX.welcome, welcomeNonce),
      clientTransient,
      this.#secretKey,
    );
    this.#state = "initiate";
    this.io!.send(concat(commandBody("WELCOME"), welcomeNonce, boxed));
  }

  #onInitiate(body: Uint8Array): void {
    if (body.length < 257) {
      throw new ProtocolError("ERR_ZMTP_MALFORMED_COMMAND_INITIATE", "malformed INITIATE");
    }
    const t = this.#transient!;
    const cookie = this.crypto.secretboxOpen(
      body.subarray(25, 105),
      nonce(PREFIX.cookie, body.subarray(9, 25)),
      this.#cookieKey!,
    );
    if (
      cookie === undefined || !sameBytes(cookie.subarray(0, 32), this.#clientTransient!) ||
      !sameBytes(cookie.subarray(32, 64), t.secretKey)
    ) {
      throw new ProtocolError(
        "ERR_ZMTP_CRYPTOGRAPHIC",
        "INITIATE carries a cookie that is not this connection's",
      );
    }
    cookie.fill(0);
    this.#peerNonce.advance(body, 105);
    const plain = this.crypto.boxOpen(
      body.subarray(113),
      nonce(PREFIX.initiate, body.subarray(105, 113)),
      this.#clientTransient!,
      t.secretKey,
    );
    if (plain === undefined) {
      throw new ProtocolError("ERR_ZMTP_CRYPTOGRAPHIC", "INITIATE does not open");
    }
    const clientKey = plain.slice(0, 32);
    const vouch = this.crypto.boxOpen(
      plain.subarray(48, 128),
      nonce(PREFIX.vouch, plain.subarray(32, 48)),
      clientKey,
      t.secretKey,
    );
    if (vouch === undefined) {
      throw new ProtocolError("ERR_ZMTP_CRYPTOGRAPHIC", "INITIATE's vouch does not open");
    }
    if (!sameBytes(vouch.subarray(0, 32), this.#clientTransient!)) {
      throw new ProtocolError(
        "ERR_ZMTP_KEY_EXCHANGE",
        "INITIATE's vouch does not prove the client's key",
      );
    }
    const ourPublic = this.crypto.publicKey(this.#secretKey);
    if (!sameBytes(vouch.subarray(32, 64), ourPublic)) {
      throw new ProtocolError("ERR_ZMTP_KEY_EXCHANGE", "INITIATE's vouch names another server");
    }
    const properties = peerProperties(plain.subarray(128), this.#ctx);
    this.session = this.crypto.session(this.#clientTransient!, t.secretKey);
    this.forget();

    if (!mustAskZap(this.#ctx.zap, "curve")) return this.#sendReady(properties);
    this.#state = "zap";
    askZap(
      this.#ctx.zap!,
      { mechanism: "CURVE", credentials: [clientKey] },
      this.io!,
      () => !this.closed,
    ).then((reply) => {
      if (reply !== undefined) this.#sendReady(properties, reply.userId, reply.metadata);
    });
  }

  #sendReady(properties: Metadata, userId?: Uint8Array, zapProperties?: Metadata): void {
    const head = new Uint8Array(14);
    head.set(commandBody("READY"));
    putShortNonce(head, 6, 1);
    const meta = socketMetadata(this.#ctx.socketType, this.#ctx.identity);
    const boxed = this.session!.seal(meta, nonce(PREFIX.ready, head.subarray(6, 14)));
    const ready = concat(head, boxed);
    this.#state = "done";
    this.cipher = new CurveCipher(
      this.session!,
      PREFIX.messageFromServer,
      PREFIX.messageFromClient,
      2,
      this.#peerNonce,
    );
    this.io!.send(ready);
    this.io!.ready({ properties, userId, zapProperties });
  }

  /** Wipes what the handshake no longer needs. */
  protected forget(): void {
    this.#secretKey.fill(0);
    this.#transient?.secretKey.fill(0);
    this.#cookieKey?.fill(0);
  }
}
