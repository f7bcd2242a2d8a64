// The security property tests at length (not part of the suite): every mechanism's handshake with
// one command tampered, noise to lone mechanisms, and tampered CURVE MESSAGE boxes.
//   deno run -A tests/fuzz/security_fuzz.ts [cases per property] [seed]
//   bun tests/fuzz/security_fuzz.ts [cases per property] [seed]
// Prints one line per property (cases, time) and the total. Default: 22,000 per property, 110,000 in all.
import process from "node:process";
import fc from "fast-check";
import {
  noiseToMechanism,
  prepare,
  tamperedHandshake,
  tamperedMessage,
} from "../helpers/mechanism_properties.ts";

const runs = Number(process.argv[2] ?? 22_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
await prepare();
const runtime = "Bun" in globalThis
  ? `Bun ${(globalThis as any).Bun.version}`
  : `Deno ${(globalThis as any).Deno.version.deno}`;
console.log(`${runtime}, seed ${seed}, ${runs} cases per property`);
let total = 0;
const began = performance.now();
for (const kind of ["NULL", "PLAIN", "CURVE"] as const) {
  const t = performance.now();
  await fc.assert(tamperedHandshake(kind), { seed, numRuns: runs });
  total += runs;
  console.log(
    `${kind} handshake, one command tampered: ${runs} cases, ${
      ((performance.now() - t) / 1000).toFixed(1)
    } s`,
  );
}
for (
  const [name, prop] of [
    ["noise to a lone mechanism", noiseToMechanism()],
    ["CURVE MESSAGE tampered or replayed", tamperedMessage()],
  ] as const
) {
  const t = performance.now();
  fc.assert(prop as fc.IProperty<unknown[]>, { seed, numRuns: runs });
  total += runs;
  console.log(`${name}: ${runs} cases, ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
console.log(
  `total: ${total} cases, no failure, ${((performance.now() - began) / 1000).toFixed(1)} s`,
);
