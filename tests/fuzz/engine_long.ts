/**
 * The engine fuzzer at length, by hand (not in CI): engine_attacks.ts against a PULL and a
 * ROUTER with a fresh seed, many hostile connections, and libzmq's messages all the while.
 * Both runtimes:
 *
 *   deno run -A tests/fuzz/engine_long.ts [attacks per target, default 20000] [libzmq messages,
 *     default 200000] [seed]
 *   bun tests/fuzz/engine_long.ts [attacks] [messages] [seed]
 *
 * A failure throws with the seed printed first, so it can be replayed. docs/fuzzing.md records
 * the runs made.
 */
import process from "node:process";
import { runEngineFuzz, type Target } from "./engine_attacks.ts";

const attacks = Number(process.argv[2] ?? 20_000);
const messages = Number(process.argv[3] ?? 200_000);
const seed = Number(process.argv[4] ?? (Date.now() ^ (Math.random() * 0x7fff_ffff)) | 0);
const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
console.log(
  `${runtime}: ${attacks} attacks and ${messages} libzmq messages per target, seed ${seed}`,
);
for (const target of ["PULL", "ROUTER"] as Target[]) {
  const report = await runEngineFuzz({
    target,
    attacks,
    messages,
    seed,
    log: (line) => console.log(`  ${target}: ${line}`),
  });
  console.log(`${target}: ${JSON.stringify(report)}`);
}
process.exit(0);
