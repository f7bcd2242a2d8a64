// curveKeyPair() is synchronous, as in zeromq.js, and made by the runtime's own X25519
// (node:crypto): each pair must be a real X25519 pair as the CURVE library computes it (its public
// key is the library's public key of its secret key), fresh each time, and Z85 of 32 bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { curveKeyPair, curvePublicKey, z85Decode } from "../../mod.ts";

test("curveKeyPair() returns its pair at once, not a promise, as zeromq.js does", () => {
  const pair = curveKeyPair();
  assert.ok(!(pair instanceof Promise));
  const { publicKey, secretKey } = pair;
  assert.equal(typeof publicKey, "string");
  assert.equal(publicKey.length, 40);
  assert.equal(secretKey.length, 40);
  assert.equal(z85Decode(publicKey).length, 32);
  assert.equal(z85Decode(secretKey).length, 32);
});

test("each pair is an X25519 pair by the CURVE library's own reckoning, and no two are alike", async () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const { publicKey, secretKey } = curveKeyPair();
    assert.equal(await curvePublicKey(secretKey), publicKey, `pair ${i}`);
    assert.ok(!seen.has(secretKey) && !seen.has(publicKey), `pair ${i} repeats`);
    seen.add(secretKey).add(publicKey);
  }
});

test("code written for the old asynchronous form still works: awaiting the pair gives the pair", async () => {
  const pair = await curveKeyPair();
  assert.equal(await curvePublicKey(pair.secretKey), pair.publicKey);
});
