/**
 * tasksink: task sink (the Guide, chapter 1), the tail of a pipeline. A PULL
 * socket collects the workers' results, fair-queued, and times the batch from
 * the ventilator's start signal to the last result.
 *
 * Run: `deno run -A examples/tasksink.ts` or `bun examples/tasksink.ts`, with
 * taskvent and taskwork (see taskwork.ts).
 * Flags: --endpoint tcp://*:5558  --tasks 100 (as many as taskvent sends)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Pull } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    endpoint: { type: "string", default: "tcp://*:5558" },
    tasks: { type: "string", default: "100" },
  },
});

const receiver = new Pull();
await receiver.bind(values.endpoint);
console.log(`tasksink: collecting results on ${receiver.lastEndpoint}`);

await receiver.receive(); // the start of the batch
const start = performance.now();

const tasks = Number(values.tasks);
for (let n = 1; n <= tasks; n++) {
  await receiver.receive();
  process.stdout.write(n % 10 === 0 ? ":" : ".");
}
console.log(`\nTotal elapsed time: ${Math.round(performance.now() - start)} msec`);
receiver.close();
