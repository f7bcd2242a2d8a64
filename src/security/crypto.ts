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

/** Which library seals CURVE's boxes in this process, and why: see {@link curveCryptoBackend}. */
export interface CurveCryptoBackend {
  /**
   * "native": the system's libsodium through FFI (with the WebAssembly build for the small boxes
   * where its call is cheaper); "wasm": libsodium-wrappers' WebAssembly build alone.
   */
  name: "native" | "wasm";
  /** The native library's path and version, when it is used. */
  library?: string;
  /** Why the WebAssembly build alone is used (forced, no FFI permission, no library...). */
  reason?: string;
}

let loading: Promise<CurveCrypto> | undefined;
let loaded: CurveCrypto | undefined;
let backend: CurveCryptoBackend | undefined;

/**
 * Loads the library once; later calls share the first load. The WebAssembly build always (the
 * fallback, and the cheaper call for small boxes on some runtimes), then the native one unless
 * `ZMQ_TS_SODIUM=wasm`; `ZMQ_TS_SODIUM=native` makes a missing native library an error.
 */
export function loadCurveCrypto(): Promise<CurveCrypto> {
  loading ??= import("./sodium.ts").then(
    async (wasm) => {
      const chosen = await withNative(wasm.crypto, wasm.sessionWithKey);
      backend = chosen.backend;
      return (loaded = chosen.crypto);
    },
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

/** The native path over `wasm` if the system's libsodium can be opened, else `wasm` alone. */
async function withNative(
  wasm: CurveCrypto,
  sessionWithKey: (key: Uint8Array) => SessionBox,
): Promise<{ crypto: CurveCrypto; backend: CurveCryptoBackend }> {
  const { DEFAULT_LIBSODIUM, openSodium, readEnv } = await import("./sodium_ffi.ts");
  const want = readEnv("ZMQ_TS_SODIUM");
  if (want === "wasm") {
    return { crypto: wasm, backend: { name: "wasm", reason: "forced by ZMQ_TS_SODIUM=wasm" } };
  }
  const path = readEnv("ZMQ_TS_LIBSODIUM") ?? DEFAULT_LIBSODIUM;
  try {
    const ffi = await openSodium(path);
    const { nativeCrypto } = await import("./sodium_native.ts");
    return {
      crypto: nativeCrypto(ffi, sessionWithKey),
      backend: { name: "native", library: `${ffi.path} (libsodium ${ffi.version})` },
    };
  } catch (e) {
    const reason = `the system's libsodium (${path}) is not usable: ${(e as Error).message}`;
    if (want === "native") throw new Error(`ZMQ_TS_SODIUM=native, but ${reason}`, { cause: e });
    return { crypto: wasm, backend: { name: "wasm", reason } };
  }
}

/** The library if it is loaded already (so a handshake need not wait a turn for it). */
export function curveCryptoNow(): CurveCrypto | undefined {
  return loaded;
}

/**
 * Which library seals CURVE's boxes in this process (chosen once, by the first CURVE use) and,
 * when it is the WebAssembly build alone, why. Loads the library if nothing has yet.
 *
 * @example
 * ```ts
 * import { curveCryptoBackend } from "@zmq-ts/zmq";
 * const { name, reason } = await curveCryptoBackend();
 * if (name === "wasm") console.debug(`CURVE in WebAssembly: ${reason}`);
 * ```
 */
export async function curveCryptoBackend(): Promise<CurveCryptoBackend> {
  await loadCurveCrypto();
  return { ...backend! };
}
