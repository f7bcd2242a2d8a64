/**
 * The system's libsodium through this runtime's FFI, as CURVE's fast path: what the native path
 * needs from the C library, the same on both runtimes, and its loader. The two adapters
 * (sodium_ffi_deno.ts, sodium_ffi_bun.ts) are the only code that knows how each runtime calls C;
 * they are imported only here, by `import()`, so neither the browser bundle nor a program that never
 * uses CURVE reaches them. Every function is one libsodium call; none is cryptography of our own.
 *
 * @module
 */

/**
 * libsodium's functions that CURVE uses, over byte arrays. A region is an array and the offset in
 * it where the region starts; lengths are in bytes. Each returns libsodium's result (0: done; -1: a
 * box that does not authenticate, or a key that is not usable).
 */
export interface SodiumFFI {
  /** Where the library was loaded from. */
  readonly path: string;
  /** libsodium's version ("1.0.18"). */
  readonly version: string;
  /**
   * Payload sizes (flags byte included) from which this runtime's FFI call beats the WebAssembly
   * build: measured, see sodium_native.ts.
   */
  readonly sealFrom: number;
  /** The same for opening. */
  readonly openFrom: number;
  /**
   * crypto_box_easy_afternm: seals `length` bytes at `inAt` in `input` into MAC + ciphertext at
   * `outAt` in `out`. libsodium allows the plaintext to sit exactly 16 bytes after the box's start
   * (sealing in place).
   */
  boxAfternm(
    out: Uint8Array,
    outAt: number,
    input: Uint8Array,
    inAt: number,
    length: number,
    nonce: Uint8Array,
    key: Uint8Array,
  ): number;
  /** crypto_box_open_easy_afternm: opens the `length`-byte box at `inAt` in `input` into `out`. */
  boxOpenAfternm(
    out: Uint8Array,
    input: Uint8Array,
    inAt: number,
    length: number,
    nonce: Uint8Array,
    key: Uint8Array,
  ): number;
  /** crypto_box_beforenm. */
  beforenm(key: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): number;
  /** crypto_box_easy (`out` is 16 bytes longer than `message`). */
  box(
    out: Uint8Array,
    message: Uint8Array,
    nonce: Uint8Array,
    publicKey: Uint8Array,
    secretKey: Uint8Array,
  ): number;
  /** crypto_box_open_easy (`out` is 16 bytes shorter than `boxed`). */
  boxOpen(
    out: Uint8Array,
    boxed: Uint8Array,
    nonce: Uint8Array,
    publicKey: Uint8Array,
    secretKey: Uint8Array,
  ): number;
  /** crypto_secretbox_easy. */
  secretbox(out: Uint8Array, message: Uint8Array, nonce: Uint8Array, key: Uint8Array): number;
  /** crypto_secretbox_open_easy. */
  secretboxOpen(out: Uint8Array, boxed: Uint8Array, nonce: Uint8Array, key: Uint8Array): number;
  /** crypto_box_keypair (X25519, from libsodium's own randombytes). */
  keyPair(publicKey: Uint8Array, secretKey: Uint8Array): number;
  /** crypto_scalarmult_base: the public key of a secret key. */
  scalarmultBase(publicKey: Uint8Array, secretKey: Uint8Array): number;
}

/** Debian's libsodium23 (libzmq5 depends on it); `ZMQ_TS_LIBSODIUM` overrides it. */
export const DEFAULT_LIBSODIUM = "libsodium.so.23";

interface DenoPermissions {
  permissions: { querySync(d: { name: string; [k: string]: string }): { state: string } };
  env: { get(name: string): string | undefined };
}

/**
 * An environment variable, or undefined when it is unset or cannot be read without asking: on Deno
 * without --allow-env it is not read at all (reading would prompt on a terminal).
 */
export function readEnv(name: string): string | undefined {
  const g = globalThis as {
    Deno?: DenoPermissions;
    process?: { env?: Record<string, string | undefined> };
  };
  if (g.Deno !== undefined) {
    try {
      if (g.Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
        return undefined;
      }
      return g.Deno.env.get(name);
    } catch {
      return undefined;
    }
  }
  return g.process?.env?.[name];
}

/**
 * Opens the system's libsodium with this runtime's FFI. Throws, saying why in words that hold no
 * secret, when it cannot: not Deno or Bun, no FFI permission on Deno (checked first, so that Deno
 * never prompts), or no library at `path`.
 */
export async function openSodium(path: string): Promise<SodiumFFI> {
  const g = globalThis as { Deno?: DenoPermissions; Bun?: unknown };
  if (g.Bun !== undefined) return (await import("./sodium_ffi_bun.ts")).open(path);
  if (g.Deno === undefined) throw new Error("no FFI in this runtime");
  if (g.Deno.permissions.querySync({ name: "ffi", path }).state !== "granted") {
    throw new Error("Deno has no FFI permission (--allow-ffi)");
  }
  return (await import("./sodium_ffi_deno.ts")).open(path);
}
