/**
 * Which library should seal CURVE's MESSAGE boxes? crypto_box_afternm (XSalsa20-Poly1305 with a
 * precomputed key) and X25519, measured for @noble/ciphers + @noble/curves and for
 * libsodium-wrappers (libsodium compiled to WebAssembly), in one run.
 *
 *   deno run -A bench/curve_crypto.ts      bun bench/curve_crypto.ts
 *
 * Prints ops/s per size for seal and open, and X25519 (a handshake's cost) per library, and the
 * same boxes through zmq-ts's own paths: WebAssembly (src/security/sodium.ts: libsodium's C
 * exports, no allocation per box) and native (src/security/sodium_native.ts: the system's
 * libsodium through FFI, every size on it). The last columns set the native path's thresholds
 * (sealFrom, openFrom in the FFI adapters): the sizes from which native is the faster.
 */

import { x25519 } from "@noble/curves/ed25519.js";
import { hsalsa, xsalsa20poly1305 } from "@noble/ciphers/salsa.js";
import sodium from "libsodium-wrappers";
import { crypto as ours, sessionWithKey } from "../src/security/sodium.ts";
import { DEFAULT_LIBSODIUM, openSodium } from "../src/security/sodium_ffi.ts";
import { nativeCrypto } from "../src/security/sodium_native.ts";

await sodium.ready;
// Every size through the FFI (thresholds 0), to find where it wins.
const ffi = await openSodium(DEFAULT_LIBSODIUM);
const native = nativeCrypto({ ...ffi, sealFrom: 0, openFrom: 0 }, sessionWithKey);

const SIZES = [1, 16, 64, 128, 256, 512, 1024, 65536];
const runtime = "Bun" in globalThis ? "bun" : "deno";

function timeIt(fn: () => void, minMs = 400): number {
  for (let i = 0; i < 200; i++) fn(); // warm
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    t = performance.now();
  }
  return n / ((t - t0) / 1000);
}

const a = x25519.keygen();
const b = x25519.keygen();
const shared = x25519.getSharedSecret(a.secretKey, b.publicKey);
// crypto_box_beforenm: HSalsa20 of the shared point with a zero nonce.
const sigma = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
const kw = new Uint32Array(shared.buffer.slice(shared.byteOffset, shared.byteOffset + 32));
const out = new Uint32Array(8);
hsalsa(sigma, kw, new Uint32Array(4), out);
const nobleKey = new Uint8Array(out.buffer);
const sodiumKey = sodium.crypto_box_beforenm(b.publicKey, a.secretKey);
if (nobleKey.some((v, i) => v !== sodiumKey[i])) throw new Error("beforenm keys differ");

const nonce = new Uint8Array(24);
const rows: string[] = [];
for (const size of SIZES) {
  const plain = new Uint8Array(size + 1);
  let counter = 0;
  const bump = () => {
    counter++;
    new DataView(nonce.buffer).setUint32(20, counter);
  };
  const nobleSeal = timeIt(() => {
    bump();
    xsalsa20poly1305(nobleKey, nonce).encrypt(plain);
  });
  const sodiumSeal = timeIt(() => {
    bump();
    sodium.crypto_box_easy_afternm(plain, nonce, sodiumKey);
  });
  const boxed = xsalsa20poly1305(nobleKey, nonce).encrypt(plain);
  const nobleOpen = timeIt(() => xsalsa20poly1305(nobleKey, nonce).decrypt(boxed));
  const sodiumOpen = timeIt(() => sodium.crypto_box_open_easy_afternm(boxed, nonce, sodiumKey));
  // What zmq-ts does per frame: libsodium's C exports on one scratch area (src/security/sodium.ts).
  const session = ours.session(b.publicKey, a.secretKey);
  const out = new Uint8Array(size + 17);
  const payload = plain.subarray(1);
  const oursSeal = timeIt(() => {
    bump();
    session.sealInto(out, 0, nonce, 0, payload);
  });
  const sealed = session.seal(plain, nonce);
  if (session.openFrame(sealed, 0, nonce) === undefined) throw new Error("wasm does not open");
  const oursOpen = timeIt(() => session.openFrame(sealed, 0, nonce));
  session.destroy();
  const fast = native.session(b.publicKey, a.secretKey);
  const nativeSeal = timeIt(() => {
    bump();
    fast.sealInto(out, 0, nonce, 0, payload);
  });
  // Sealed again with the nonce as it is now (the loops above moved it): a box that fails to open
  // costs about half as much, so each path must be timed opening good ones.
  const resealed = fast.seal(plain, nonce);
  if (fast.openFrame(resealed, 0, nonce) === undefined) throw new Error("native does not open");
  const nativeOpen = timeIt(() => fast.openFrame(resealed, 0, nonce));
  fast.destroy();
  rows.push(
    `| ${runtime} | ${size} B | ${fmt(nobleSeal)} | ${fmt(nobleOpen)} | ${fmt(sodiumSeal)} | ${
      fmt(sodiumOpen)
    } | ${fmt(oursSeal)} | ${fmt(oursOpen)} | ${fmt(nativeSeal)} | ${fmt(nativeOpen)} | ${
      (nativeSeal / oursSeal).toFixed(2)
    } | ${(nativeOpen / oursOpen).toFixed(2)} |`,
  );
}
const nobleDh = timeIt(() => x25519.getSharedSecret(a.secretKey, b.publicKey), 300);
const sodiumDh = timeIt(() => sodium.crypto_scalarmult(a.secretKey, b.publicKey), 300);
const nativeDh = timeIt(() => native.session(b.publicKey, a.secretKey).destroy(), 300);

console.log(
  "| runtime | payload | noble seal/s | noble open/s | sodium seal/s | sodium open/s | zmq-ts wasm seal/s | zmq-ts wasm open/s | zmq-ts native seal/s | zmq-ts native open/s | native/wasm seal | native/wasm open |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) console.log(r);
console.log(
  `| ${runtime} | X25519 | ${fmt(nobleDh)} | | ${fmt(sodiumDh)} | | | | ${
    fmt(nativeDh)
  } (beforenm) | | | |`,
);

function fmt(n: number): string {
  return n >= 1e6
    ? `${(n / 1e6).toFixed(2)}M`
    : n >= 1e3
    ? `${(n / 1e3).toFixed(1)}k`
    : n.toFixed(0);
}
