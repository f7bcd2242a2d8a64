// CURVE's native path (the system's libsodium through FFI) against the WebAssembly path: the same
// key, nonce and bytes make the same boxes, each path opens the other's, a box with one byte
// changed fails on both; sealing across the size thresholds (where small boxes go to WebAssembly)
// gives the same bytes; the handshake's primitives agree. Then which path a process picks, forced
// both ways and without Deno's FFI permission.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { crypto as wasm, sessionWithKey } from "../../src/security/sodium.ts";
import { DEFAULT_LIBSODIUM, openSodium, readEnv } from "../../src/security/sodium_ffi.ts";
import { nativeCrypto } from "../../src/security/sodium_native.ts";
import { curveCryptoBackend } from "../../src/security/crypto.ts";
import type { CurveCrypto } from "../../src/security/crypto.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const SYSTEM_LIBSODIUM = "/lib/x86_64-linux-gnu/libsodium.so.23";
const hasLibsodium = existsSync(SYSTEM_LIBSODIUM);
const skip = hasLibsodium ? false : `no ${SYSTEM_LIBSODIUM}`;

const ffi = hasLibsodium ? await openSodium(DEFAULT_LIBSODIUM) : undefined;
/**
 * The native path as the process uses it (small boxes sealed by WebAssembly), one that takes every
 * size through the FFI, and one that sends everything under 100 bytes to WebAssembly.
 */
const native = ffi && nativeCrypto(ffi, sessionWithKey);
const allNative = ffi && nativeCrypto({ ...ffi, sealFrom: 0, openFrom: 0 }, sessionWithKey);
const hybrid = ffi && nativeCrypto({ ...ffi, sealFrom: 100, openFrom: 100 }, sessionWithKey);

const a = wasm.keyPair();
const b = wasm.keyPair();

const payloadArb = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 60_000, maxLength: 70_000 }) },
);
const caseArb = fc.record({
  payload: payloadArb,
  flags: fc.integer({ min: 0, max: 3 }),
  nonce: fc.uint8Array({ minLength: 24, maxLength: 24 }),
  at: fc.integer({ min: 0, max: 40 }),
  flip: fc.nat(),
  bit: fc.integer({ min: 0, max: 7 }),
});

function sealWith(c: CurveCrypto, at: number, nonce: Uint8Array, flags: number, p: Uint8Array) {
  const s = c.session(b.publicKey, a.secretKey); // a seals to b
  const out = new Uint8Array(at + 17 + p.length + 5).fill(0xee);
  const end = s.sealInto(out, at, nonce, flags, p);
  s.destroy();
  assert.equal(end, at + 17 + p.length);
  assert.ok(out.subarray(end).every((v) => v === 0xee), "nothing written past the box");
  return out.subarray(0, end);
}

test(
  "native and WebAssembly seal the same MESSAGE boxes, open each other's, and refuse a changed byte",
  {
    skip,
  },
  () => {
    fc.assert(
      fc.property(caseArb, ({ payload, flags, nonce, at, flip, bit }) => {
        const paths = [wasm, native!, allNative!, hybrid!];
        const sealed = paths.map((c) => sealWith(c, at, nonce, flags, payload));
        for (const s of sealed) assert.deepEqual(s, sealed[0]);
        const body = sealed[0]!;
        const tampered = body.slice();
        tampered[at + (flip % (body.length - at))]! ^= 1 << bit;
        for (const opener of paths) {
          const s = opener.session(a.publicKey, b.secretKey); // b opens what a sealed
          const frame = s.openFrame(body, at, nonce);
          assert.equal(frame?.flags, flags);
          assert.deepEqual(frame?.payload, payload);
          assert.equal(s.openFrame(tampered, at, nonce), undefined);
          const boxed = s.seal(payload, nonce); // and READY's whole-box form, both ways
          assert.deepEqual(wasm.session(b.publicKey, a.secretKey).open(boxed, nonce), payload);
          assert.deepEqual(
            s.open(wasm.session(b.publicKey, a.secretKey).seal(payload, nonce), nonce),
            payload,
          );
          s.destroy();
        }
      }),
      { seed: 23, numRuns: 300 },
    );
  },
);

test("native and WebAssembly agree on crypto_box, crypto_secretbox and X25519 public keys", {
  skip,
}, () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ minLength: 24, maxLength: 24 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.nat(),
      (message, nonce, key, flip) => {
        const boxed = wasm.box(message, nonce, b.publicKey, a.secretKey);
        assert.deepEqual(native!.box(message, nonce, b.publicKey, a.secretKey), boxed);
        assert.deepEqual(native!.boxOpen(boxed, nonce, a.publicKey, b.secretKey), message);
        const sealed = wasm.secretbox(message, nonce, key);
        assert.deepEqual(native!.secretbox(message, nonce, key), sealed);
        assert.deepEqual(native!.secretboxOpen(sealed, nonce, key), message);
        boxed[flip % boxed.length]! ^= 1;
        sealed[flip % sealed.length]! ^= 1;
        for (const c of [wasm, native!]) {
          assert.equal(c.boxOpen(boxed, nonce, a.publicKey, b.secretKey), undefined);
          assert.equal(c.secretboxOpen(sealed, nonce, key), undefined);
        }
        assert.deepEqual(native!.publicKey(key), wasm.publicKey(key));
      },
    ),
    { seed: 23, numRuns: 300 },
  );
  const pair = native!.keyPair();
  assert.deepEqual(wasm.publicKey(pair.secretKey), pair.publicKey);
  assert.equal(
    native!.boxOpen(new Uint8Array(15), new Uint8Array(24), a.publicKey, b.secretKey),
    undefined,
  );
  assert.throws(
    () => native!.box(new Uint8Array(1), new Uint8Array(23), a.publicKey, b.secretKey),
    RangeError,
  );
  assert.throws(() => native!.session(new Uint8Array(31), b.secretKey), RangeError);
  assert.throws(() => native!.session(new Uint8Array(32), b.secretKey), /not usable/); // a low-order point
});

test(
  "a native session's key is zeroed when it is destroyed, and the FFI never writes past the array",
  { skip },
  () => {
    const s = allNative!.session(b.publicKey, a.secretKey); // seals small boxes through the FFI too
    assert.throws(
      () => s.sealInto(new Uint8Array(20), 0, new Uint8Array(24), 0, new Uint8Array(4)),
      RangeError,
    );
    s.destroy();
    // Sealing with the wiped key gives what sealing with an all-zero key gives.
    const nonce = new Uint8Array(24);
    const zeroKey = sessionWithKey(new Uint8Array(32));
    assert.deepEqual(s.seal(new Uint8Array(3), nonce), zeroKey.seal(new Uint8Array(3), nonce));
    zeroKey.destroy();
  },
);

/** What curveCryptoBackend() says in a fresh process of this runtime, with `env` added. */
function backendIn(
  env: Record<string, string | undefined>,
  denoPermissions = ["--allow-read", "--allow-env", "--allow-ffi"],
): Promise<{ name: string; library?: string; reason?: string }> {
  const bun = "Bun" in globalThis;
  const program = join(root, "tests", "security", "fixtures", "print_backend.ts");
  const args = bun ? [program] : ["run", "--no-prompt", ...denoPermissions, program];
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  return new Promise((resolve, reject) => {
    execFile(join(root, "node_modules", ".bin", bun ? "bun" : "deno"), args, {
      cwd: root,
      env: childEnv,
      timeout: 30000,
    }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split("\n").pop()!));
    });
  });
}

test(
  "ZMQ_TS_SODIUM picks the path once per process: wasm forces WebAssembly, native requires FFI",
  {
    skip,
  },
  async () => {
    const forced = await backendIn({ ZMQ_TS_SODIUM: "wasm" });
    assert.equal(forced.name, "wasm");
    assert.match(forced.reason!, /ZMQ_TS_SODIUM=wasm/);
    const auto = await backendIn({ ZMQ_TS_SODIUM: undefined });
    assert.equal(auto.name, "native");
    assert.match(auto.library!, /libsodium\.so\.23 \(libsodium 1\.0\.\d+\)/);
    assert.equal((await backendIn({ ZMQ_TS_SODIUM: "native" })).name, "native");
  },
);

test("no library, or no FFI permission on Deno: WebAssembly, with the reason", async () => {
  const missing = await backendIn({
    ZMQ_TS_SODIUM: undefined,
    ZMQ_TS_LIBSODIUM: "/nonexistent/libsodium.so",
  });
  assert.equal(missing.name, "wasm");
  assert.match(missing.reason!, /\/nonexistent\/libsodium\.so/);
  if ("Bun" in globalThis) return;
  const denied = await backendIn({ ZMQ_TS_SODIUM: undefined }, ["--allow-read", "--allow-env"]);
  assert.equal(denied.name, "wasm");
  assert.match(denied.reason!, /--allow-ffi/);
  // Without --allow-env the variables are not read (reading would prompt): the choice is automatic.
  const noEnv = await backendIn({ ZMQ_TS_SODIUM: "wasm" }, ["--allow-read", "--allow-ffi"]);
  assert.equal(noEnv.name, hasLibsodium ? "native" : "wasm");
});

test("this process uses the path ZMQ_TS_SODIUM asks for (the suite runs once each way)", async () => {
  const used = await curveCryptoBackend();
  const want = readEnv("ZMQ_TS_SODIUM");
  assert.equal(used.name, want === "wasm" || !hasLibsodium ? "wasm" : "native");
});

test("the WebAssembly session refuses a box that would not fit, at any size, writing nothing", () => {
  const s = wasm.session(b.publicKey, a.secretKey);
  try {
    for (const size of [4, 100]) {
      const out = new Uint8Array(size + 16); // one byte short: MAC + flags + payload
      assert.throws(
        () => s.sealInto(out, 0, new Uint8Array(24), 0, new Uint8Array(size)),
        RangeError,
      );
      assert.ok(out.every((x) => x === 0), `nothing written for a ${size}-byte payload`);
    }
  } finally {
    s.destroy();
  }
});
