/**
 * CURVE's cryptography, from libsodium (libsodium-wrappers: libsodium compiled to WebAssembly by
 * its author): X25519 key pairs, crypto_box, crypto_secretbox and crypto_box with a precomputed
 * key (beforenm/afternm). Nothing here is our own cryptography: every primitive is a libsodium
 * call; this file only moves bytes in and out of libsodium's memory.
 *
 * The hot path (sealing and opening MESSAGE boxes) calls libsodium's C exports on its WebAssembly
 * memory directly, through one scratch area, instead of the wrappers' functions, which allocate and
 * free four buffers per call: measured on this machine (bench/curve_crypto.ts), the wrappers alone
 * seal 1-byte boxes at 1.0M/s on Deno against @noble/ciphers' 0.16M/s. Keys are copied into
 * libsodium's memory only for the call that needs them and wiped there afterwards; a connection's
 * precomputed key lives there until the connection ends, then is wiped and freed.
 *
 * This module is only ever loaded by `import()` (see crypto.ts): a program that never uses CURVE
 * never loads libsodium.
 *
 * @module
 */

import sodium from "libsodium-wrappers";
import type { CurveCrypto, SessionBox } from "./crypto.ts";

await sodium.ready;

/** The C exports of libsodium's WebAssembly module that are used here (lengths are split 64-bit: lo, hi). */
interface Raw {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(p: number): void;
  _crypto_box_keypair(pk: number, sk: number): number;
  _crypto_scalarmult_base(q: number, n: number): number;
  _crypto_box_easy(
    c: number,
    m: number,
    lo: number,
    hi: number,
    n: number,
    pk: number,
    sk: number,
  ): number;
  _crypto_box_open_easy(
    m: number,
    c: number,
    lo: number,
    hi: number,
    n: number,
    pk: number,
    sk: number,
  ): number;
  _crypto_box_beforenm(k: number, pk: number, sk: number): number;
  _crypto_box_easy_afternm(
    c: number,
    m: number,
    lo: number,
    hi: number,
    n: number,
    k: number,
  ): number;
  _crypto_box_open_easy_afternm(
    m: number,
    c: number,
    lo: number,
    hi: number,
    n: number,
    k: number,
  ): number;
  _crypto_secretbox_easy(
    c: number,
    m: number,
    lo: number,
    hi: number,
    n: number,
    k: number,
  ): number;
  _crypto_secretbox_open_easy(
    m: number,
    c: number,
    lo: number,
    hi: number,
    n: number,
    k: number,
  ): number;
}

const raw = (sodium as unknown as { libsodium: Raw }).libsodium;
if (typeof raw?._crypto_box_easy_afternm !== "function") {
  throw new Error("libsodium-wrappers does not expose libsodium's module: use version 0.8.4");
}

const MAC = 16;

/**
 * One growing area of libsodium's memory, reused by every call: [nonce 24][key 32][key 32][input][output].
 * JavaScript is single-threaded, so calls never overlap.
 */
let scratch = 0;
let scratchSize = 0;
const NONCE_AT = 0;
const KEY_A = 24;
const KEY_B = 56;
const DATA_AT = 88;

/** Makes room for `input` and `output` bytes of data; returns the heap, fresh after any growth. */
function room(input: number, output: number): Uint8Array {
  const need = DATA_AT + input + output;
  if (need > scratchSize) {
    if (scratch !== 0) {
      raw.HEAPU8.fill(0, scratch, scratch + scratchSize);
      raw._free(scratch);
    }
    scratchSize = Math.max(need, 64 * 1024);
    scratch = raw._malloc(scratchSize);
    lastNonce = undefined; // the nonce slot moved with the scratch area
    if (scratch === 0) {
      scratchSize = 0;
      throw new RangeError(`libsodium cannot allocate ${need} bytes for a CURVE box`);
    }
  }
  return raw.HEAPU8;
}

/**
 * The nonce array last written to the nonce slot. A connection's cipher reuses one array per
 * direction and changes only its last 8 bytes (the short nonce), so for it only those are copied:
 * a whole 24-byte set() per frame was a visible share of a 1-byte receiver.
 */
let lastNonce: Uint8Array | undefined;

function putNonce(heap: Uint8Array, nonce: Uint8Array): void {
  const at = scratch + NONCE_AT;
  if (nonce !== lastNonce) {
    heap.set(nonce, at);
    lastNonce = nonce;
    return;
  }
  for (let i = 16; i < 24; i++) heap[at + i] = nonce[i]!;
}

/** Wipes the key slots (and `n` bytes of data) after a call that used a secret. */
function wipe(dataBytes = 0): void {
  raw.HEAPU8.fill(0, scratch + KEY_A, scratch + DATA_AT + dataBytes);
}

/**
 * One libsodium box operation on the scratch area: the input at DATA_AT and the output after it,
 * the nonce and up to two keys in their slots, all wiped afterwards. The output is `grow` bytes
 * longer than the input (+MAC to seal, -MAC to open). Returns it, or `undefined` when the operation
 * fails (a box that does not authenticate).
 */
function run(
  input: Uint8Array,
  grow: number,
  nonce: Uint8Array,
  keys: Uint8Array[],
  op: (out: number, input: number, length: number, nonce: number, a: number, b: number) => number,
): Uint8Array | undefined {
  const outLength = input.length + grow;
  if (outLength < 0) return undefined;
  const heap = room(input.length, outLength);
  const i = scratch + DATA_AT;
  const o = i + input.length;
  putNonce(heap, nonce);
  if (keys[0] !== undefined) heap.set(keys[0], scratch + KEY_A);
  if (keys[1] !== undefined) heap.set(keys[1], scratch + KEY_B);
  heap.set(input, i);
  const rc = op(o, i, input.length, scratch + NONCE_AT, scratch + KEY_A, scratch + KEY_B);
  const out = rc === 0 ? raw.HEAPU8.slice(o, o + outLength) : undefined;
  wipe(input.length + outLength);
  return out;
}

const box = (m: Uint8Array, n: Uint8Array, pk: Uint8Array, sk: Uint8Array): Uint8Array =>
  run(m, MAC, n, [pk, sk], (o, i, len, nn, a, b) => raw._crypto_box_easy(o, i, len, 0, nn, a, b))!;
const boxOpen = (c: Uint8Array, n: Uint8Array, pk: Uint8Array, sk: Uint8Array) =>
  run(
    c,
    -MAC,
    n,
    [pk, sk],
    (o, i, len, nn, a, b) => raw._crypto_box_open_easy(o, i, len, 0, nn, a, b),
  );
const secretbox = (m: Uint8Array, n: Uint8Array, key: Uint8Array): Uint8Array =>
  run(m, MAC, n, [key], (o, i, len, nn, a) => raw._crypto_secretbox_easy(o, i, len, 0, nn, a))!;
const secretboxOpen = (c: Uint8Array, n: Uint8Array, key: Uint8Array) =>
  run(
    c,
    -MAC,
    n,
    [key],
    (o, i, len, nn, a) => raw._crypto_secretbox_open_easy(o, i, len, 0, nn, a),
  );

function keyPair(): { publicKey: Uint8Array; secretKey: Uint8Array } {
  room(0, 0);
  raw._crypto_box_keypair(scratch + KEY_A, scratch + KEY_B);
  const heap = raw.HEAPU8;
  const publicKey = heap.slice(scratch + KEY_A, scratch + KEY_A + 32);
  const secretKey = heap.slice(scratch + KEY_B, scratch + KEY_B + 32);
  wipe();
  return { publicKey, secretKey };
}

function publicKey(secretKey: Uint8Array): Uint8Array {
  const heap = room(0, 0);
  heap.set(secretKey, scratch + KEY_B);
  raw._crypto_scalarmult_base(scratch + KEY_A, scratch + KEY_B);
  const out = raw.HEAPU8.slice(scratch + KEY_A, scratch + KEY_A + 32);
  wipe();
  return out;
}

/** A connection's precomputed key (crypto_box_beforenm), kept in libsodium's memory. */
class Session implements SessionBox {
  #key: number;

  /** `peerPublic` and `ourSecret`, or a key precomputed already (by the native path). */
  constructor(peerPublic: Uint8Array, ourSecret?: Uint8Array) {
    const key = raw._malloc(32);
    if (key === 0) throw new RangeError("libsodium cannot allocate a session key");
    if (ourSecret === undefined) {
      raw.HEAPU8.set(peerPublic, key);
      this.#key = key;
      return;
    }
    const heap = room(0, 0);
    heap.set(peerPublic, scratch + KEY_A);
    heap.set(ourSecret, scratch + KEY_B);
    const rc = raw._crypto_box_beforenm(key, scratch + KEY_A, scratch + KEY_B);
    wipe();
    if (rc !== 0) {
      raw._free(key);
      throw new RangeError("the peer's key is not usable for crypto_box");
    }
    this.#key = key;
  }

  sealInto(
    out: Uint8Array,
    at: number,
    nonce: Uint8Array,
    flags: number,
    payload: Uint8Array,
  ): number {
    const plain = 1 + payload.length;
    // The short copy below writes byte by byte, which would drop what falls past the end.
    if (at + plain + MAC > out.length) throw new RangeError("no room for the CURVE box");
    let heap = room(plain, plain + MAC);
    const m = scratch + DATA_AT;
    const c = m + plain;
    putNonce(heap, nonce);
    heap[m] = flags;
    if (payload.length <= 16) {
      for (let i = 0; i < payload.length; i++) heap[m + 1 + i] = payload[i]!;
    } else heap.set(payload, m + 1);
    raw._crypto_box_easy_afternm(c, m, plain, 0, scratch + NONCE_AT, this.#key);
    heap = raw.HEAPU8;
    const n = plain + MAC;
    if (n <= 64) {
      for (let i = 0; i < n; i++) out[at + i] = heap[c + i]!;
    } else out.set(heap.subarray(c, c + n), at);
    return at + n;
  }

  seal(message: Uint8Array, nonce: Uint8Array): Uint8Array {
    const key = this.#key;
    return run(
      message,
      MAC,
      nonce,
      [],
      (o, i, len, n) => raw._crypto_box_easy_afternm(o, i, len, 0, n, key),
    )!;
  }

  open(boxed: Uint8Array, nonce: Uint8Array): Uint8Array | undefined {
    const key = this.#key;
    return run(
      boxed,
      -MAC,
      nonce,
      [],
      (o, i, len, n) => raw._crypto_box_open_easy_afternm(o, i, len, 0, n, key),
    );
  }

  openFrame(
    body: Uint8Array,
    at: number,
    nonce: Uint8Array,
  ): { flags: number; payload: Uint8Array } | undefined {
    const n = body.length - at;
    if (n < MAC + 1) return undefined;
    let heap = room(n, n);
    const c = scratch + DATA_AT;
    const m = c + n;
    putNonce(heap, nonce);
    if (n <= 64) {
      for (let i = 0; i < n; i++) heap[c + i] = body[at + i]!;
    } else heap.set(at === 0 ? body : body.subarray(at), c);
    if (raw._crypto_box_open_easy_afternm(m, c, n, 0, scratch + NONCE_AT, this.#key) !== 0) {
      return undefined;
    }
    heap = raw.HEAPU8;
    return { flags: heap[m]!, payload: heap.slice(m + 1, m + n - MAC) };
  }

  destroy(): void {
    if (this.#key === 0) return;
    raw.HEAPU8.fill(0, this.#key, this.#key + 32);
    raw._free(this.#key);
    this.#key = 0;
  }
}

/** libsodium's CURVE primitives. */
export const crypto: CurveCrypto = {
  keyPair,
  publicKey,
  box,
  boxOpen,
  secretbox,
  secretboxOpen,
  session: (peerPublic, ourSecret) => new Session(peerPublic, ourSecret),
};

/**
 * A session over a key precomputed elsewhere (crypto_box_beforenm's 32 bytes, copied into
 * libsodium's memory): the native path's small boxes, where WebAssembly is the faster call.
 */
export function sessionWithKey(key: Uint8Array): SessionBox {
  return new Session(key);
}
