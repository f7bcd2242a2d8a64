// Property tests (fast-check, fixed seed) over every mechanism's handshake and CURVE's MESSAGE
// boxes: a few thousand cases here; tests/fuzz/security_fuzz.ts runs the same at length.
import { test } from "node:test";
import fc from "fast-check";
import {
  noiseToMechanism,
  prepare,
  tamperedHandshake,
  tamperedMessage,
} from "../helpers/mechanism_properties.ts";

await prepare();
const SEED = 14;

for (const [kind, runs] of [["NULL", 600], ["PLAIN", 600], ["CURVE", 400]] as const) {
  test(`${kind}: a handshake with one command tampered fails cleanly or succeeds, never crashes or stalls`, async () => {
    await fc.assert(tamperedHandshake(kind), { seed: SEED, numRuns: runs });
  });
}

test("noise handed to any mechanism, client or server, is refused with a HandshakeError or ProtocolError, or taken", () => {
  fc.assert(noiseToMechanism(), { seed: SEED, numRuns: 1500 });
});

test("CURVE MESSAGE: a tampered box never opens, an untouched one opens once, never twice", () => {
  fc.assert(tamperedMessage(), { seed: SEED, numRuns: 1000 });
});
