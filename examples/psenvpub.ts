/**
 * psenvpub: pub-sub envelope publisher (the Guide, chapter 2). Each update is
 * a two-frame message: the first frame is the key ("A" or "B") that
 * subscribers filter on, the second the contents. Subscriptions match the
 * start of the first frame only, so the contents never cause a false match.
 *
 * Run: `deno run -A examples/psenvpub.ts` or `bun examples/psenvpub.ts`, then
 * psenvsub in another terminal.
 * Flags: --endpoint tcp://*:5563  --interval-ms 1000 (between rounds)
 *        --count N (send N rounds of A and B, then exit; default: forever)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Publisher } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    endpoint: { type: "string", default: "tcp://*:5563" },
    "interval-ms": { type: "string", default: "1000" },
    count: { type: "string", default: "Infinity" },
  },
});
const intervalMs = Number(values["interval-ms"]);
const count = Number(values.count);

const publisher = new Publisher();
await publisher.bind(values.endpoint);
console.log(`psenvpub: publishing on ${publisher.lastEndpoint}`);

for (let round = 0; round < count; round++) {
  await publisher.send(["A", "We don't want to see this"]);
  await publisher.send(["B", "We would like to see this"]);
  await new Promise((r) => setTimeout(r, intervalMs));
}
publisher.close();
