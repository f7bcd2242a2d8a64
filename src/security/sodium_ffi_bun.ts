/**
 * libsodium through bun:ffi. Typed arrays are passed to C as they are; a region inside an array is
 * passed as a view of it (measured on Bun 1.4: cheaper than `ptr(array, offset)`). An empty array
 * is passed as null: libsodium reads no byte of a zero-length message.
 *
 * @module
 */

import type { SodiumFFI } from "./sodium_ffi.ts";

// A specifier in a variable: Deno, which never loads this file, must not try to resolve it.
const BUN_FFI = "bun:ffi";
// deno-lint-ignore no-explicit-any
const ffi: any = await import(BUN_FFI);

const at = (a: Uint8Array, i: number): Uint8Array => i === 0 ? a : a.subarray(i);
const orNull = (a: Uint8Array): Uint8Array | null => a.length === 0 ? null : a;

/** Opens the library at `path` and initialises it (sodium_init: picks the CPU's fastest code). */
export function open(path: string): SodiumFFI {
  const { ptr: P, i32, u64 } = ffi.FFIType;
  const box = [P, P, u64, P, P, P];
  const afternm = [P, P, u64, P, P];
  const s = ffi.dlopen(path, {
    sodium_init: { args: [], returns: i32 },
    sodium_version_string: { args: [], returns: P },
    crypto_box_easy_afternm: { args: afternm, returns: i32 },
    crypto_box_open_easy_afternm: { args: afternm, returns: i32 },
    crypto_box_beforenm: { args: [P, P, P], returns: i32 },
    crypto_box_easy: { args: box, returns: i32 },
    crypto_box_open_easy: { args: box, returns: i32 },
    crypto_secretbox_easy: { args: afternm, returns: i32 },
    crypto_secretbox_open_easy: { args: afternm, returns: i32 },
    crypto_box_keypair: { args: [P, P], returns: i32 },
    crypto_scalarmult_base: { args: [P, P], returns: i32 },
  }).symbols;
  if (s.sodium_init() < 0) throw new Error("sodium_init failed");
  const v = s.sodium_version_string();
  return {
    path,
    version: v ? new ffi.CString(v).toString() : "?",
    // Measured with bench/curve_crypto.ts (Bun 1.4, on 2 shared cores, two runs): below 1 KiB the
    // FFI call is slower than the WebAssembly one (sealing 0.51-1.10x its rate, opening
    // 0.42-1.13x); from 1 KiB it is faster: 1.3-1.5x at 1 KiB, 3.4-4.2x at 64 KiB.
    sealFrom: 1024,
    openFrom: 1024,
    boxAfternm: (out, outAt, input, inAt, length, nonce, key) =>
      s.crypto_box_easy_afternm(at(out, outAt), at(input, inAt), length, nonce, key),
    boxOpenAfternm: (out, input, inAt, length, nonce, key) =>
      s.crypto_box_open_easy_afternm(orNull(out), at(input, inAt), length, nonce, key),
    beforenm: (k, pk, sk) => s.crypto_box_beforenm(k, pk, sk),
    box: (out, m, n, pk, sk) => s.crypto_box_easy(out, orNull(m), m.length, n, pk, sk),
    boxOpen: (out, c, n, pk, sk) => s.crypto_box_open_easy(orNull(out), c, c.length, n, pk, sk),
    secretbox: (out, m, n, k) => s.crypto_secretbox_easy(out, orNull(m), m.length, n, k),
    secretboxOpen: (out, c, n, k) => s.crypto_secretbox_open_easy(orNull(out), c, c.length, n, k),
    keyPair: (pk, sk) => s.crypto_box_keypair(pk, sk),
    scalarmultBase: (pk, sk) => s.crypto_scalarmult_base(pk, sk),
  };
}
