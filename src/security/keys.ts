/**
 * CURVE key pairs as zeromq.js gives them: 40-character Z85 strings, made synchronously (as
 * zeromq.js's are) by the runtime's own X25519 (`node:crypto`, which Deno and Bun provide), so
 * that no CURVE library is loaded to make keys. `curvePublicKey()` uses the CURVE library and so
 * is asynchronous: it is loaded on first use, and programs without CURVE never load it.
 *
 * @module
 */

import process from "node:process";
import { z85Encode } from "../codec/z85.ts";
import { loadCurveCrypto } from "./crypto.ts";
import { type CurveKey, parseCurveKey } from "./options.ts";

/** A CURVE key pair, each key 40 characters of Z85. */
export interface CurveKeyPair {
  /** The public key (Z85): give it to the peers. */
  publicKey: string;
  /** The secret key (Z85): keep it to yourself. */
  secretKey: string;
}

/** The few parts of node:crypto used here (declared, so no Node types are needed). */
interface RuntimeCrypto {
  generateKeyPairSync(type: "x25519"): {
    publicKey: { export(o: { format: "der"; type: "spki" }): Uint8Array };
    privateKey: { export(o: { format: "der"; type: "pkcs8" }): Uint8Array };
  };
}

function runtimeCrypto(): RuntimeCrypto {
  const get = (process as { getBuiltinModule?: (name: string) => unknown }).getBuiltinModule;
  const crypto = get?.call(process, "node:crypto") as RuntimeCrypto | undefined;
  if (crypto?.generateKeyPairSync === undefined) {
    throw new Error(
      "curveKeyPair() needs the runtime's node:crypto (process.getBuiltinModule): Deno 2 or Bun 1.1 and later",
    );
  }
  return crypto;
}

/**
 * Makes a new CURVE (X25519) key pair, as Z85 text, synchronously as in zeromq.js. Give the
 * server's secret key to the server (`curveSecretKey`) and its public key to every client
 * (`curveServerKey`); a client has a pair of its own (`curvePublicKey`, `curveSecretKey`). Code
 * that awaits it (zmq-ts before 2026-12) still works: awaiting a plain object gives the object.
 *
 * @example
 * ```ts
 * const server = curveKeyPair();
 * const rep = new Reply({ curveServer: true, curveSecretKey: server.secretKey });
 * const client = curveKeyPair();
 * const req = new Request({ curveServerKey: server.publicKey, ...client });
 * ```
 */
export function curveKeyPair(): CurveKeyPair {
  const { publicKey, privateKey } = runtimeCrypto().generateKeyPairSync("x25519");
  // DER (SPKI, PKCS#8) whose last 32 bytes are the raw keys, as NaCl and libzmq hold them.
  const spki = publicKey.export({ format: "der", type: "spki" });
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  const pair = {
    publicKey: z85Encode(spki.subarray(spki.length - 32)),
    secretKey: z85Encode(pkcs8.subarray(pkcs8.length - 32)),
  };
  pkcs8.fill(0);
  return pair;
}

/**
 * The public key of a CURVE secret key (libzmq's zmq_curve_public), as Z85 text.
 *
 * @example
 * ```ts
 * const { publicKey, secretKey } = curveKeyPair();
 * console.assert(await curvePublicKey(secretKey) === publicKey);
 * ```
 */
export async function curvePublicKey(secretKey: CurveKey): Promise<string> {
  const crypto = await loadCurveCrypto();
  const secret = parseCurveKey("secretKey", secretKey);
  const pub = z85Encode(crypto.publicKey(secret));
  secret.fill(0);
  return pub;
}
