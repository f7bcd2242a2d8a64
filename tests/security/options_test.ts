// The security options as libzmq combines them (options.cpp: the last option set decides the
// mechanism and the role), their checks, and errors that never repeat a key or a password.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCurveKey, SecurityState } from "../../src/security/options.ts";
import { z85Encode } from "../../src/codec/z85.ts";
import { Pull, Push } from "../../mod.ts";

const KEY = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"; // libzmq's test server public key

test("the last option set decides the mechanism and the role, as in libzmq", () => {
  const s = new SecurityState();
  assert.equal(s.mechanism, null);
  s.set("plainServer", true);
  assert.deepEqual([s.mechanism, s.get("plainServer"), s.get("curveServer")], [
    "plain",
    true,
    false,
  ]);
  s.set("curveSecretKey", KEY); // a key selects CURVE and keeps the role
  assert.deepEqual([s.mechanism, s.get("curveServer"), s.get("plainServer")], [
    "curve",
    true,
    false,
  ]);
  s.set("curveServerKey", KEY); // the server key makes a client
  assert.deepEqual([s.mechanism, s.get("curveServer")], ["curve", false]);
  s.set("plainUsername", "admin");
  assert.deepEqual([s.mechanism, s.get("plainServer")], ["plain", false]);
  s.set("plainPassword", null); // null returns to NULL
  assert.equal(s.mechanism, null);
  s.set("curveServer", true);
  assert.equal(s.mechanism, "curve");
  s.set("curveServer", false); // false is NULL, as libzmq's ZMQ_CURVE_SERVER=0
  assert.equal(s.mechanism, null);
  assert.equal(s.settings().asServer, false);
});

test("CURVE keys: 32 bytes, 40 Z85 characters (text or bytes, with or without NUL); they read back as Z85", () => {
  const raw = parseCurveKey("k", KEY);
  assert.equal(raw.length, 32);
  assert.deepEqual(parseCurveKey("k", raw), raw);
  assert.deepEqual(parseCurveKey("k", new TextEncoder().encode(KEY)), raw);
  assert.deepEqual(parseCurveKey("k", new TextEncoder().encode(KEY + "\0")), raw);
  const s = new SecurityState();
  s.set("curvePublicKey", raw);
  assert.equal(s.get("curvePublicKey"), KEY);
  assert.equal(z85Encode(s.settings().publicKey!), KEY);
  s.set("curvePublicKey", null);
  assert.equal(s.get("curvePublicKey"), null);
});

test("bad values are TypeErrors or RangeErrors naming the option, never showing the value", () => {
  const s = new SecurityState();
  const secret = "0123456789012345678901234567890123456789".replace(/0/g, "~"); // not Z85
  const hidden = (e: unknown) =>
    (e instanceof RangeError || e instanceof TypeError) &&
    !String((e as Error).message).includes(secret) &&
    (e as Error).message.includes("curveSecretKey");
  assert.throws(() => s.set("curveSecretKey", secret), hidden);
  assert.throws(() => s.set("curveSecretKey", secret.slice(1)), hidden);
  assert.throws(() => s.set("curveSecretKey", new Uint8Array(31)), /curveSecretKey/);
  assert.throws(() => s.set("curveSecretKey", 42), TypeError);
  assert.throws(
    () => s.set("plainPassword", ""),
    (e: Error) => e instanceof RangeError && /1-255/.test(e.message),
  );
  assert.throws(() => s.set("plainPassword", "x".repeat(256)), RangeError);
  assert.throws(() => s.set("plainServer", 1), TypeError);
  assert.throws(() => s.set("zapDomain", "d".repeat(256)), RangeError);
  assert.equal(s.mechanism, null, "a refused value changes nothing");
});

test("sockets take the options in their constructor and as properties, zeromq.js's names", () => {
  const pull = new Pull({ curveServer: true, curveSecretKey: KEY, zapDomain: "global" });
  const push = new Push();
  try {
    assert.equal(pull.securityMechanism, "curve");
    assert.equal(pull.curveServer, true);
    assert.equal(pull.curveSecretKey, KEY);
    assert.equal(pull.zapDomain, "global");
    assert.equal(pull.zapEnforceDomain, false);
    assert.equal(push.securityMechanism, null);
    push.plainUsername = "u";
    push.plainPassword = "p";
    assert.equal(push.securityMechanism, "plain");
    assert.equal(push.plainPassword, "p");
    assert.throws(() => new Push({ curveServerKey: "short" }), RangeError);
  } finally {
    pull.close();
    push.close();
  }
});
