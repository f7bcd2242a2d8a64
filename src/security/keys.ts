/**
 * CURVE key pairs as zeromq.js gives them: 40-character Z85 strings. Asynchronous, unlike
 * zeromq.js's: the cryptography library is loaded on first use, so that programs without CURVE
 * never load it.
 *
 * @module
 */

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

/**
 * Makes a new CURVE (X25519) key pair, as Z85 text. Give the server's secret key to the server
 * (`curveSecretKey`) and its public key to every client (`curveServerKey`); a client has a pair of
 * its own (`curvePublicKey`, `curveSecretKey`).
 *
 * @example
 * ```ts
 * const server = await curveKeyPair();
 * const rep = new Reply({ curveServer: true, curveSecretKey: server.secretKey });
 * const client = await curveKeyPair();
 * const req = new Request({ curveServerKey: server.publicKey, ...client });
 * ```
 */
export async function curveKeyPair(): Promise<CurveKeyPair> {
  const crypto = await loadCurveCrypto();
  const { publicKey, secretKey } = crypto.keyPair();
  const pair = { publicKey: z85Encode(publicKey), secretKey: z85Encode(secretKey) };
  secretKey.fill(0);
  return pair;
}

/**
 * The public key of a CURVE secret key (libzmq's zmq_curve_public), as Z85 text.
 *
 * @example
 * ```ts
 * const { publicKey, secretKey } = await curveKeyPair();
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
