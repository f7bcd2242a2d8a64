/**
 * A ZAP handler (RFC 27) ready to use, like czmq's zauth: it binds a ROUTER at
 * `inproc://zeromq.zap.01` in a context and judges every handshake that its sockets' PLAIN and
 * CURVE servers (and NULL sockets with a ZAP domain) submit, by address, by password, by CURVE
 * public key, or by a callback of yours.
 *
 * @module
 */

import { encodeMetadata, type Metadata } from "../codec/metadata.ts";
import { z85Encode } from "../codec/z85.ts";
import type { Context } from "../context.ts";
import { ZAP_ENDPOINT } from "../mechanisms/zap_client.ts";
import { sameBytes } from "../mechanisms/curve.ts";
import { Router } from "../sockets/router.ts";
import { asBytes } from "../options.ts";
import { type CurveKey, parseCurveKey } from "./options.ts";

/** One handshake to judge. */
export interface AuthRequest {
  /** The server socket's ZAP domain. */
  domain: string;
  /** The peer's IP address ("" over ipc). */
  address: string;
  /** "NULL", "PLAIN" or "CURVE". */
  mechanism: string;
  /** PLAIN: the username the client gave. */
  username?: string;
  /** PLAIN: the password the client gave. */
  password?: string;
  /** CURVE: the client's long-term public key, as Z85. */
  publicKey?: string;
}

/**
 * A verdict: `true` lets the peer in, `false` refuses it (400); or in full: a status (200 in,
 * 300 a temporary refusal: closed without a word, 400 refused, 500 an internal error), the
 * User-Id the connection keeps, and metadata for its messages.
 */
export type AuthDecision =
  | boolean
  | {
    status?: 200 | 300 | 400 | 500;
    userId?: string;
    metadata?: Record<string, string | Uint8Array>;
  };

/** How an {@link Authenticator} judges. Every list may be changed later through its methods. */
export interface AuthenticatorOptions {
  /** The context whose sockets it serves (the default context otherwise). */
  context?: Context;
  /** Peer addresses refused whatever their credentials. */
  deny?: string[];
  /** If not empty, only these peer addresses may connect. */
  allow?: string[];
  /** PLAIN: username to password. */
  passwords?: Record<string, string>;
  /** CURVE: the client public keys let in, or "any" for every client that knows the server key. */
  publicKeys?: CurveKey[] | "any";
  /** Your own judgement, after the address lists (it replaces the password and key checks). */
  authenticate?: (request: AuthRequest) => AuthDecision | Promise<AuthDecision>;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Judges the handshakes of a context's sockets.
 *
 * @example
 * ```ts
 * const auth = new Authenticator({ publicKeys: [client.publicKey] });
 * await auth.start();
 * const rep = new Reply({ curveServer: true, curveSecretKey: server.secretKey });
 * // ... clients with other keys are refused (ERROR 400, "handshake:error:auth" on rep.events)
 * auth.close();
 * ```
 */
export class Authenticator {
  #router: Router;
  #deny: Set<string>;
  #allow: Set<string>;
  #passwords: Map<string, string>;
  #keys: Set<string> | "any";
  #authenticate: AuthenticatorOptions["authenticate"];
  #running: Promise<void> | undefined;

  /** Makes the handler; {@link start} binds it. */
  constructor(options: AuthenticatorOptions = {}) {
    this.#router = new Router({ context: options.context, linger: 0 });
    this.#deny = new Set(options.deny ?? []);
    this.#allow = new Set(options.allow ?? []);
    this.#passwords = new Map(Object.entries(options.passwords ?? {}));
    this.#keys = options.publicKeys === "any"
      ? "any"
      : new Set((options.publicKeys ?? []).map((k) => z85Encode(parseCurveKey("publicKeys", k))));
    this.#authenticate = options.authenticate;
  }

  /** Binds at inproc://zeromq.zap.01 and starts judging; EADDRINUSE if a handler is bound already. */
  async start(): Promise<void> {
    await this.#router.bind(ZAP_ENDPOINT);
    this.#running = this.#serve();
  }

  /** Refuses these addresses from now on. */
  deny(...addresses: string[]): void {
    for (const a of addresses) this.#deny.add(a);
  }

  /** Lets in only listed addresses from now on (adds to the list). */
  allow(...addresses: string[]): void {
    for (const a of addresses) this.#allow.add(a);
  }

  /** PLAIN: sets (or replaces) a user's password. */
  setPassword(username: string, password: string): void {
    this.#passwords.set(username, password);
  }

  /** CURVE: lets these client public keys in ("any": every client). */
  allowCurve(...keys: (CurveKey | "any")[]): void {
    for (const k of keys) {
      if (k === "any") this.#keys = "any";
      else if (this.#keys !== "any") this.#keys.add(z85Encode(parseCurveKey("publicKey", k)));
    }
  }

  /** Stops judging: later handshakes that need ZAP find no handler. */
  close(): void {
    this.#router.close();
  }

  /** `await using auth = new Authenticator(...)` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.#running;
  }

  async #serve(): Promise<void> {
    try {
      for await (const msg of this.#router) {
        // [peer routing id, "", version, request id, domain, address, identity, mechanism, credentials...]
        const [peer, empty, version, id, domain, address, _identity, mechanism, ...creds] = msg;
        if (peer === undefined || mechanism === undefined || empty?.length !== 0) continue;
        const reply = (status: string, text: string, userId: string, meta: Uint8Array) =>
          this.#router.send([peer, new Uint8Array(0), version!, id!, status, text, userId, meta]);
        if (decoder.decode(version) !== "1.0") {
          await reply("500", "version 1.0 only", "", new Uint8Array(0));
          continue;
        }
        const request: AuthRequest = {
          domain: decoder.decode(domain),
          address: decoder.decode(address),
          mechanism: decoder.decode(mechanism),
        };
        if (request.mechanism === "PLAIN") {
          request.username = decoder.decode(creds[0] ?? new Uint8Array(0));
          request.password = decoder.decode(creds[1] ?? new Uint8Array(0));
        } else if (request.mechanism === "CURVE" && creds[0]?.length === 32) {
          request.publicKey = z85Encode(creds[0]);
        }
        // Judged concurrently: a slow callback holds up no other handshake. A ROUTER's send
        // never waits, so the replies cannot collide.
        this.#judge(request).then(
          (v) => reply(String(v.status), v.text, v.userId, v.metadata),
        ).catch(() => {});
      }
    } catch {
      // closed (or its context terminated): nothing left to judge
    }
  }

  async #judge(
    r: AuthRequest,
  ): Promise<{ status: number; text: string; userId: string; metadata: Uint8Array }> {
    const no = (text: string) => ({ status: 400, text, userId: "", metadata: new Uint8Array(0) });
    if (this.#deny.has(r.address)) return no("address denied");
    if (this.#allow.size > 0 && !this.#allow.has(r.address)) return no("address not allowed");
    if (this.#authenticate !== undefined) {
      let decision: AuthDecision;
      try {
        decision = await this.#authenticate(r);
      } catch {
        return {
          status: 500,
          text: "the authenticator failed",
          userId: "",
          metadata: new Uint8Array(0),
        };
      }
      if (typeof decision === "boolean") {
        return decision ? yes(r, undefined, undefined) : no("refused");
      }
      const status = decision.status ?? 200;
      if (status !== 200) {
        return { status, text: "refused", userId: "", metadata: new Uint8Array(0) };
      }
      return yes(r, decision.userId, decision.metadata);
    }
    switch (r.mechanism) {
      case "NULL":
        return yes(r, undefined, undefined);
      case "PLAIN": {
        const expected = this.#passwords.get(r.username!);
        return expected !== undefined &&
            sameBytes(encoder.encode(expected), encoder.encode(r.password))
          ? yes(r, undefined, undefined)
          : no("wrong username or password");
      }
      case "CURVE":
        return r.publicKey !== undefined && (this.#keys === "any" || this.#keys.has(r.publicKey))
          ? yes(r, undefined, undefined)
          : no("client key not allowed");
      default:
        return no(`mechanism ${r.mechanism} is not judged here`);
    }
  }
}

/** A 200 verdict: the User-Id is the caller's, or the username (PLAIN), or the key (CURVE). */
function yes(
  r: AuthRequest,
  userId: string | undefined,
  metadata: Record<string, string | Uint8Array> | undefined,
): { status: number; text: string; userId: string; metadata: Uint8Array } {
  const meta: Metadata = {};
  for (const [k, v] of Object.entries(metadata ?? {})) meta[k] = asBytes(v);
  return {
    status: 200,
    text: "OK",
    userId: userId ?? r.username ?? r.publicKey ?? "",
    metadata: encodeMetadata(meta),
  };
}
