// The codec under fast-check (issue #12): every property of codec_properties.ts, a few thousand
// cases each with a fixed seed, so a failure here is the same on every run and every machine.
// tests/fuzz/long.ts runs the same properties a million times and more, by hand.
import { test } from "node:test";
import fc from "fast-check";
import { codecProperties } from "./codec_properties.ts";
import { transportCodecProperties } from "./transport_codec_properties.ts";

/** Fixed, so that CI explores the same cases every time; long.ts draws new ones. */
const SEED = 0x5eed_0c7;
const RUNS = 2000;

for (const { name, property } of [...codecProperties, ...transportCodecProperties]) {
  test(`fuzz ${name}`, () => {
    fc.assert(property, { numRuns: RUNS, seed: SEED });
  });
}
