/**
 * The codec's properties at length, by hand (not in CI): every property of codec_properties.ts
 * and transport_codec_properties.ts
 * with a fresh seed and many cases, reporting each one's count and time, and how to replay a
 * failure. Both runtimes:
 *
 *   deno run -A tests/fuzz/long.ts [cases per property, default 100000] [seed]
 *   bun tests/fuzz/long.ts [cases per property] [seed]
 *
 * Exit code 1 if any property failed. docs/fuzzing.md records the runs made.
 */
import fc from "fast-check";
import process from "node:process";
import { codecProperties as ofFrames } from "./codec_properties.ts";
import { transportCodecProperties } from "./transport_codec_properties.ts";

const codecProperties = [...ofFrames, ...transportCodecProperties];

const perProperty = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? (Date.now() ^ (Math.random() * 0x7fff_ffff)) | 0);
const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
console.log(
  `${runtime}: ${codecProperties.length} properties x ${perProperty} cases, seed ${seed}`,
);

let total = 0;
let failed = 0;
const start = performance.now();
for (const { name, property } of codecProperties) {
  const t0 = performance.now();
  const details = fc.check(property, { numRuns: perProperty, seed });
  const seconds = (performance.now() - t0) / 1000;
  total += details.numRuns;
  const line = `${details.numRuns} cases in ${seconds.toFixed(1)} s: ${name}`;
  if (!details.failed) {
    console.log(`ok   ${line}`);
    continue;
  }
  failed++;
  console.log(`FAIL ${line}`);
  console.log(`     counterexample: ${fc.stringify(details.counterexample)}`);
  console.log(`     replay: { seed: ${details.seed}, path: "${details.counterexamplePath}" }`);
  console.log(`     ${String(details.errorInstance).split("\n").slice(0, 6).join("\n     ")}`);
}
const seconds = (performance.now() - start) / 1000;
console.log(`${total} cases in ${seconds.toFixed(1)} s, ${failed} properties failed`);
process.exit(failed > 0 ? 1 : 0);
