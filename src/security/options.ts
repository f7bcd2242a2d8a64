/**
 * A socket's security options, with zeromq.js's names and libzmq's rules (options.cpp): the
 * mechanism is whatever the last option set implies, as in libzmq, so that a program behaves the
 * same on the core and on the libzmq backend.
 *
 * - `plainServer = true` makes a PLAIN server, `false` the NULL mechanism;
 * - `plainUsername` / `plainPassword` make a PLAIN client (`null`: back to NULL);
 * - `curveServer = true` makes a CURVE server, `false` the NULL mechanism;
 * - `curvePublicKey` / `curveSecretKey` select CURVE; `curveServerKey` makes a CURVE client.
 *
 * Keys are 32 raw bytes or 40 characters of Z85 (RFC 32); they read back as Z85 text. Errors name
 * the option, never its value.
 *
 * @module
 */

import { z85Decode, z85Encode } from "../codec/z85.ts";

/** What `securityMechanism` reports, as zeromq.js does: `null` for NULL. */
export type SecurityMechanism = null | "plain" | "curve";

/** A CURVE key as an option takes it: 40 Z85 characters, or 32 raw bytes. */
export type CurveKey = string | Uint8Array;

/** The security options a socket has (see {@link SecurityState} for how they combine). */
export interface SecurityOptions {
  /** Act as a PLAIN server: clients' usernames and passwords go to the ZAP handler. */
  plainServer: boolean;
  /** Be a PLAIN client with this username (1-255 bytes); `null` returns to NULL. */
  plainUsername: string | null;
  /** Be a PLAIN client with this password (1-255 bytes); `null` returns to NULL. */
  plainPassword: string | null;
  /** Act as a CURVE server (set `curveSecretKey` too). */
  curveServer: boolean;
  /** Our long-term public key (a client sends it; derived from the secret key when not set). Reads as Z85. */
  curvePublicKey: CurveKey | null;
  /** Our long-term secret key (client and server). Reads as Z85. */
  curveSecretKey: CurveKey | null;
  /** The server's public key: setting it makes a CURVE client. Reads as Z85. */
  curveServerKey: CurveKey | null;
  /** The ZAP domain (RFC 27), at most 255 bytes. With NULL, ZAP is asked only when it is set. */
  zapDomain: string;
  /** libzmq's ZAP_ENFORCE_DOMAIN: a set domain requires a ZAP handler; an empty one skips ZAP. */
  zapEnforceDomain: boolean;
}

/** Names of the security options. */
export const SECURITY_OPTIONS: readonly (keyof SecurityOptions)[] = [
  "plainServer",
  "plainUsername",
  "plainPassword",
  "curveServer",
  "curvePublicKey",
  "curveSecretKey",
  "curveServerKey",
  "zapDomain",
  "zapEnforceDomain",
];

/** Whether `name` is a security option. */
export function isSecurityOption(name: string): name is keyof SecurityOptions {
  return (SECURITY_OPTIONS as readonly string[]).includes(name);
}

/** A snapshot for the engine (which mechanism to run) and for the libzmq backend. */
export interface SecuritySettings {
  mechanism: "null" | "plain" | "curve";
  asServer: boolean;
  username?: Uint8Array;
  password?: Uint8Array;
  publicKey?: Uint8Array;
  secretKey?: Uint8Array;
  serverKey?: Uint8Array;
  zapDomain: string;
  zapEnforceDomain: boolean;
}

const encoder = new TextEncoder();

/**
 * A CURVE key from an option's value: 32 bytes, or 40 characters of Z85 (text, or its bytes, with
 * or without a trailing NUL as libzmq takes it). Returns a copy.
 *
 * @example
 * ```ts
 * const key = parseCurveKey("curveServerKey", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7");
 * console.assert(key.length === 32);
 * ```
 */
export function parseCurveKey(name: string, value: CurveKey): Uint8Array {
  if (value instanceof Uint8Array) {
    if (value.length === 32) return value.slice();
    if (value.length === 40 || (value.length === 41 && value[40] === 0)) {
      return parseCurveKey(name, String.fromCharCode(...value.subarray(0, 40)));
    }
  } else if (typeof value === "string" && value.length === 40) {
    try {
      return z85Decode(value);
    } catch {
      throw new RangeError(`${name} is not valid Z85 text`);
    }
  } else if (typeof value !== "string") {
    throw new TypeError(`${name} must be a string (Z85) or a Uint8Array`);
  }
  throw new RangeError(`${name} must be 32 bytes or 40 characters of Z85`);
}

/**
 * The security options of one socket, combined as libzmq combines them.
 *
 * @example
 * ```ts
 * const s = new SecurityState();
 * s.set("curveServer", true);
 * s.set("curveSecretKey", secretKey);
 * console.assert(s.mechanism === "curve" && s.get("curveServer") === true);
 * ```
 */
export class SecurityState {
  #mechanism: SecuritySettings["mechanism"] = "null";
  #asServer = false;
  #username: string | null = null;
  #password: string | null = null;
  #keys: { publicKey?: Uint8Array; secretKey?: Uint8Array; serverKey?: Uint8Array } = {};
  #zapDomain = "";
  #zapEnforceDomain = false;
  #settings: SecuritySettings | undefined;
  /** Whether any option was set (a backend needs told only then). */
  changed = false;

  /** The mechanism, as zeromq.js's `securityMechanism` reports it. */
  get mechanism(): SecurityMechanism {
    return this.#mechanism === "null" ? null : this.#mechanism;
  }

  /** Sets one option; throws TypeError/RangeError naming it (never its value). */
  set(name: keyof SecurityOptions, value: unknown): void {
    switch (name) {
      case "plainServer":
      case "curveServer":
        if (typeof value !== "boolean") throw new TypeError(`${name} must be a boolean`);
        this.#asServer = value;
        this.#mechanism = value ? (name === "plainServer" ? "plain" : "curve") : "null";
        break;
      case "plainUsername":
      case "plainPassword": {
        if (value === null) {
          this.#mechanism = "null";
          break;
        }
        if (typeof value !== "string") throw new TypeError(`${name} must be a string or null`);
        const n = encoder.encode(value).length;
        if (n < 1 || n > 255) throw new RangeError(`${name} must be 1-255 bytes, got ${n}`);
        if (name === "plainUsername") this.#username = value;
        else this.#password = value;
        this.#asServer = false;
        this.#mechanism = "plain";
        break;
      }
      case "curvePublicKey":
      case "curveSecretKey":
      case "curveServerKey": {
        const slot = name === "curvePublicKey"
          ? "publicKey"
          : name === "curveSecretKey"
          ? "secretKey"
          : "serverKey";
        if (value === null) {
          this.#keys[slot]?.fill(0);
          delete this.#keys[slot];
          break;
        }
        const key = parseCurveKey(name, value as CurveKey);
        this.#keys[slot]?.fill(0);
        this.#keys[slot] = key;
        if (slot === "serverKey") this.#asServer = false;
        this.#mechanism = "curve";
        break;
      }
      case "zapDomain": {
        const domain = value ?? "";
        if (typeof domain !== "string") throw new TypeError(`zapDomain must be a string`);
        if (encoder.encode(domain).length > 255) {
          throw new RangeError(`zapDomain must be at most 255 bytes`);
        }
        this.#zapDomain = domain;
        break;
      }
      case "zapEnforceDomain":
        if (typeof value !== "boolean") throw new TypeError(`zapEnforceDomain must be a boolean`);
        this.#zapEnforceDomain = value;
        break;
      default:
        throw new TypeError(`unknown security option "${String(name)}"`);
    }
    this.#settings = undefined;
    this.changed = true;
  }

  /** An option's value as zeromq.js reads it (keys as Z85 text). */
  get(name: keyof SecurityOptions): unknown {
    switch (name) {
      case "plainServer":
        return this.#asServer && this.#mechanism === "plain";
      case "curveServer":
        return this.#asServer && this.#mechanism === "curve";
      case "plainUsername":
        return this.#username;
      case "plainPassword":
        return this.#password;
      case "curvePublicKey":
      case "curveSecretKey":
      case "curveServerKey": {
        const key = this.#keys[
          name === "curvePublicKey"
            ? "publicKey"
            : name === "curveSecretKey"
            ? "secretKey"
            : "serverKey"
        ];
        return key === undefined ? null : z85Encode(key);
      }
      case "zapDomain":
        return this.#zapDomain;
      case "zapEnforceDomain":
        return this.#zapEnforceDomain;
    }
  }

  /** The options as the engine and the libzmq backend use them. */
  settings(): SecuritySettings {
    return this.#settings ??= {
      mechanism: this.#mechanism,
      asServer: this.#asServer,
      username: this.#username === null ? undefined : encoder.encode(this.#username),
      password: this.#password === null ? undefined : encoder.encode(this.#password),
      ...this.#keys,
      zapDomain: this.#zapDomain,
      zapEnforceDomain: this.#zapEnforceDomain,
    };
  }

  /** Wipes the keys held (the socket is closed); connections made already keep their own copies. */
  wipe(): void {
    for (const key of Object.values(this.#keys)) key?.fill(0);
  }
}
