/**
 * libsodium through Deno.dlopen (needs --allow-ffi). Every symbol is a plain synchronous call
 * taking byte arrays ("buffer") and lengths as cached bigints, so V8 makes them fast calls (as in
 * src/libzmq/ffi_deno.ts: a u64 given a number takes the slow path). A region inside an array is
 * passed as a view of it (a subarray costs far less than a copy).
 *
 * @module
 */

import type { SodiumFFI } from "./sodium_ffi.ts";

const box = ["buffer", "buffer", "u64", "buffer", "buffer", "buffer"] as const;
const afternm = ["buffer", "buffer", "u64", "buffer", "buffer"] as const;
const symbols = {
  sodium_init: { parameters: [], result: "i32" },
  sodium_version_string: { parameters: [], result: "pointer" },
  crypto_box_easy_afternm: { parameters: afternm, result: "i32" },
  crypto_box_open_easy_afternm: { parameters: afternm, result: "i32" },
  crypto_box_beforenm: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
  crypto_box_easy: { parameters: box, result: "i32" },
  crypto_box_open_easy: { parameters: box, result: "i32" },
  crypto_secretbox_easy: { parameters: afternm, result: "i32" },
  crypto_secretbox_open_easy: { parameters: afternm, result: "i32" },
  crypto_box_keypair: { parameters: ["buffer", "buffer"], result: "i32" },
  crypto_scalarmult_base: { parameters: ["buffer", "buffer"], result: "i32" },
} as const;

/** A length as the bigint a fast call takes, made once per length up to 64 KiB. */
const bigints: bigint[] = [];
const big = (n: number): bigint => n < 65536 ? (bigints[n] ??= BigInt(n)) : BigInt(n);

const at = (a: Uint8Array, i: number): Uint8Array => i === 0 ? a : a.subarray(i);

/** Opens the library at `path` and initialises it (sodium_init: picks the CPU's fastest code). */
export function open(path: string): SodiumFFI {
  const s = Deno.dlopen(path, symbols).symbols;
  if (s.sodium_init() < 0) throw new Error("sodium_init failed");
  const v = s.sodium_version_string();
  return {
    path,
    version: v === null ? "?" : Deno.UnsafePointerView.getCString(v),
    // Measured with bench/curve_crypto.ts (Deno 2.9, on 2 shared cores, two runs): below 1 KiB
    // the FFI call is not reliably faster than the WebAssembly one (sealing 0.56-1.46x its rate,
    // opening 0.68-1.9x, spread by the shared machine); from 1 KiB it is: 1.4-1.7x at 1 KiB,
    // 3.2-3.8x at 64 KiB.
    sealFrom: 1024,
    openFrom: 1024,
    boxAfternm: (out, outAt, input, inAt, length, nonce, key) =>
      s.crypto_box_easy_afternm(at(out, outAt), at(input, inAt), big(length), nonce, key),
    boxOpenAfternm: (out, input, inAt, length, nonce, key) =>
      s.crypto_box_open_easy_afternm(out, at(input, inAt), big(length), nonce, key),
    beforenm: (k, pk, sk) => s.crypto_box_beforenm(k, pk, sk),
    box: (out, m, n, pk, sk) => s.crypto_box_easy(out, m, big(m.length), n, pk, sk),
    boxOpen: (out, c, n, pk, sk) => s.crypto_box_open_easy(out, c, big(c.length), n, pk, sk),
    secretbox: (out, m, n, k) => s.crypto_secretbox_easy(out, m, big(m.length), n, k),
    secretboxOpen: (out, c, n, k) => s.crypto_secretbox_open_easy(out, c, big(c.length), n, k),
    keyPair: (pk, sk) => s.crypto_box_keypair(pk, sk),
    scalarmultBase: (pk, sk) => s.crypto_scalarmult_base(pk, sk),
  };
}
