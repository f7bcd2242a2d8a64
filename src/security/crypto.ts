/**
 * What CURVE needs from a cryptography library, and its loader. The library (libsodium, see
 * sodium.ts) is imported only when a CURVE socket first needs it, so `mod.ts` has no third-party
 * import and a program that never uses CURVE never loads one.
 *
 * @module
 */

/** A connection's precomputed crypto_box key (beforenm): seals and opens MESSAGE boxes. */
export interface SessionBox {
  /**
   * Writes Box[flags + payload] (MAC first, as crypto_box_easy_afternm) at `at` in `out`;
   * returns the offset after it (`at + 17 + payload.length`).
   */
  sealInto(
    out: Uint8Array,
    at: number,
    nonce: Uint8Array,
    flags: number,
    payload: Uint8Array,
  ): number;
  /** Box[message] (MAC then ciphertext), for the handshake's READY. */
  seal(message: Uint8Array, nonce: Uint8Array): Uint8Array;
  /**
   * Opens the box that starts at `at` in `body` and holds a flags byte and a payload (a MESSAGE):
   * both, or `undefined` if it does not authenticate.
   */
  openFrame(
    body: Uint8Array,
    at: number,
    nonce: Uint8Array,
  ): { flags: number; payload: Uint8Array } | undefined;
  /** Opens a box: its plaintext, or `undefined` if it does not authenticate. */
  open(boxed: Uint8Array, nonce: Uint8Array): Uint8Array | undefined;
  /** Wipes and frees the key. */
  destroy(): void;
}

/** X25519 and XSalsa20-Poly1305 (NaCl's crypto_box and crypto_secretbox). Boxes are MAC then ciphertext. */
export interface CurveCrypto {
  /** A fresh X25519 key pair. */
  keyPair(): { publicKey: Uint8Array; secretKey: Uint8Array };
  /** The public key of a secret key. */
  publicKey(secretKey: Uint8Array): Uint8Array;
  box(
    message: Uint8Array,
    nonce: Uint8Array,
    publicKey: Uint8Array,
    secretKey: Uint8Array,
  ): Uint8Array;
  boxOpen(
    boxed: Uint8Array,
    nonce: Uint8Array,
    publicKey: Uint8Array,
    secretKey: Uint8Array,
  ): Uint8Array | undefined;
  secretbox(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  secretboxOpen(boxed: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | undefined;
  /** Precomputes the key between a peer's public key and our secret key. */
  session(peerPublic: Uint8Array, ourSecret: Uint8Array): SessionBox;
}

let loading: Promise<CurveCrypto> | undefined;
let loaded: CurveCrypto | undefined;

/** Loads the library once; later calls share the first load. */
export function loadCurveCrypto(): Promise<CurveCrypto> {
  loading ??= import("./sodium.ts").then(
    (m) => (loaded = m.crypto),
    (e) => {
      loading = undefined; // a later attempt may succeed (e.g. once the package is installed)
      throw new Error(
        `CURVE needs the libsodium-wrappers package, which could not be loaded: ${
          (e as Error).message
        }`,
        { cause: e },
      );
    },
  );
  return loading;
}

/** The library if it is loaded already (so a handshake need not wait a turn for it). */
export function curveCryptoNow(): CurveCrypto | undefined {
  return loaded;
}
