/**
 * CURVE's cryptography from the system's native libsodium (through FFI, see sodium_ffi.ts), with
 * the WebAssembly build (sodium.ts) for the box sizes where its call is the cheaper one. Native
 * libsodium seals and opens XSalsa20-Poly1305 about 3-4 times as fast as the WebAssembly build at
 * 64 KiB, while a tiny box costs mostly the call, and the FFI call costs more on some runtimes
 * (measured with bench/curve_crypto.ts; each adapter states its thresholds). Every primitive is a
 * libsodium call: the same functions, nonces and layout (MAC then ciphertext) as the WebAssembly
 * path, so the two make the same bytes (tests/security/native_sodium_test.ts).
 *
 * A connection's precomputed key is a 32-byte array here, zeroed when the connection ends; when the
 * WebAssembly path serves its small boxes, it holds a copy in libsodium's memory, wiped too.
 *
 * @module
 */

import type { CurveCrypto, SessionBox } from "./crypto.ts";
import type { SodiumFFI } from "./sodium_ffi.ts";

const MAC = 16;

function check(rc: number, what: string): void {
  if (rc !== 0) throw new RangeError(`libsodium: ${what} failed`);
}

/** C reads 32 bytes of a key and 24 of a nonce, whatever the array's length: checked first. */
function keys(...keys: Uint8Array[]): void {
  if (keys.some((k) => k.length !== 32)) throw new RangeError("a CURVE key is 32 bytes");
}

function sizes(nonce: Uint8Array, ...more: Uint8Array[]): void {
  if (nonce.length !== 24) throw new RangeError("a CURVE nonce is 24 bytes");
  keys(...more);
}

/** A connection's precomputed key, sealing and opening through native libsodium. */
class NativeSession implements SessionBox {
  #ffi: SodiumFFI;
  #key: Uint8Array;
  /** The WebAssembly session for boxes below the FFI's thresholds (none if they are 0). */
  #small: SessionBox | undefined;
  #sealFrom: number;
  #openFrom: number;

  constructor(ffi: SodiumFFI, key: Uint8Array, small: SessionBox | undefined) {
    this.#ffi = ffi;
    this.#key = key;
    this.#small = small;
    this.#sealFrom = small === undefined ? 0 : ffi.sealFrom;
    this.#openFrom = small === undefined ? 0 : ffi.openFrom;
  }

  sealInto(
    out: Uint8Array,
    at: number,
    nonce: Uint8Array,
    flags: number,
    payload: Uint8Array,
  ): number {
    const plain = 1 + payload.length;
    if (plain < this.#sealFrom) return this.#small!.sealInto(out, at, nonce, flags, payload);
    const end = at + MAC + plain;
    if (end > out.length) throw new RangeError("no room for the CURVE box");
    // The plaintext goes where the ciphertext will be, after the MAC's room: libsodium seals in place.
    const m = at + MAC;
    out[m] = flags;
    if (payload.length <= 16) {
      for (let i = 0; i < payload.length; i++) out[m + 1 + i] = payload[i]!;
    } else out.set(payload, m + 1);
    this.#ffi.boxAfternm(out, at, out, m, plain, nonce, this.#key);
    return end;
  }

  seal(message: Uint8Array, nonce: Uint8Array): Uint8Array {
    const out = new Uint8Array(MAC + message.length);
    out.set(message, MAC);
    check(this.#ffi.boxAfternm(out, 0, out, MAC, message.length, nonce, this.#key), "box");
    return out;
  }

  openFrame(
    body: Uint8Array,
    at: number,
    nonce: Uint8Array,
  ): { flags: number; payload: Uint8Array } | undefined {
    const n = body.length - at;
    if (n < MAC + 1) return undefined;
    if (n - MAC < this.#openFrom) return this.#small!.openFrame(body, at, nonce);
    // The flags byte and the payload, opened straight into the array the payload is a view of.
    const m = new Uint8Array(n - MAC);
    if (this.#ffi.boxOpenAfternm(m, body, at, n, nonce, this.#key) !== 0) return undefined;
    return { flags: m[0]!, payload: m.subarray(1) };
  }

  open(boxed: Uint8Array, nonce: Uint8Array): Uint8Array | undefined {
    if (boxed.length < MAC) return undefined;
    const m = new Uint8Array(boxed.length - MAC);
    return this.#ffi.boxOpenAfternm(m, boxed, 0, boxed.length, nonce, this.#key) === 0
      ? m
      : undefined;
  }

  destroy(): void {
    this.#key.fill(0);
    this.#small?.destroy();
    this.#small = undefined;
  }
}

/**
 * CURVE's primitives through native libsodium. `wasm` serves boxes below the FFI's thresholds;
 * `sessionWithKey` gives it a session over a key computed here.
 */
export function nativeCrypto(
  ffi: SodiumFFI,
  sessionWithKey: (key: Uint8Array) => SessionBox,
): CurveCrypto {
  const small = ffi.sealFrom > 0 || ffi.openFrom > 0;
  return {
    keyPair() {
      const publicKey = new Uint8Array(32);
      const secretKey = new Uint8Array(32);
      check(ffi.keyPair(publicKey, secretKey), "crypto_box_keypair");
      return { publicKey, secretKey };
    },
    publicKey(secretKey) {
      keys(secretKey);
      const publicKey = new Uint8Array(32);
      check(ffi.scalarmultBase(publicKey, secretKey), "crypto_scalarmult_base");
      return publicKey;
    },
    box(message, nonce, publicKey, secretKey) {
      sizes(nonce, publicKey, secretKey);
      const out = new Uint8Array(message.length + MAC);
      check(ffi.box(out, message, nonce, publicKey, secretKey), "crypto_box");
      return out;
    },
    boxOpen(boxed, nonce, publicKey, secretKey) {
      sizes(nonce, publicKey, secretKey);
      if (boxed.length < MAC) return undefined;
      const out = new Uint8Array(boxed.length - MAC);
      return ffi.boxOpen(out, boxed, nonce, publicKey, secretKey) === 0 ? out : undefined;
    },
    secretbox(message, nonce, key) {
      sizes(nonce, key);
      const out = new Uint8Array(message.length + MAC);
      check(ffi.secretbox(out, message, nonce, key), "crypto_secretbox");
      return out;
    },
    secretboxOpen(boxed, nonce, key) {
      sizes(nonce, key);
      if (boxed.length < MAC) return undefined;
      const out = new Uint8Array(boxed.length - MAC);
      return ffi.secretboxOpen(out, boxed, nonce, key) === 0 ? out : undefined;
    },
    session(peerPublic, ourSecret) {
      keys(peerPublic, ourSecret);
      const key = new Uint8Array(32);
      if (ffi.beforenm(key, peerPublic, ourSecret) !== 0) {
        throw new RangeError("the peer's key is not usable for crypto_box");
      }
      return new NativeSession(ffi, key, small ? sessionWithKey(key) : undefined);
    },
  };
}
