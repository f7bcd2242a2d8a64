/**
 * tasksink2: task sink with a kill signal (the Guide, chapter 2). As tasksink,
 * plus a PUB socket: once every result is in, it publishes "KILL" so that the
 * taskwork2 workers exit instead of waiting forever.
 *
 * Run: `deno run -A examples/tasksink2.ts` or `bun examples/tasksink2.ts`, with
 * taskvent and taskwork2 (see taskwork2.ts).
 * Flags: --endpoint tcp://*:5558 (results)  --control tcp://*:5559 (kill signal)
 *        --tasks 100 (as many as taskvent sends)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Publisher, Pull } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    endpoint: { type: "string", default: "tcp://*:5558" },
    control: { type: "string", default: "tcp://*:5559" },
    tasks: { type: "string", default: "100" },
  },
});

const receiver = new Pull();
await receiver.bind(values.endpoint);
const controller = new Publisher();
await controller.bind(values.control);
console.log(`tasksink2: collecting results on ${receiver.lastEndpoint}`);
console.log(`tasksink2: kill signal on ${controller.lastEndpoint}`);

await receiver.receive(); // the start of the batch
const start = performance.now();

const tasks = Number(values.tasks);
for (let n = 1; n <= tasks; n++) {
  await receiver.receive();
  process.stdout.write(n % 10 === 0 ? ":" : ".");
}
console.log(`\nTotal elapsed time: ${Math.round(performance.now() - start)} msec`);

await controller.send("KILL"); // tell the workers to stop
receiver.close();
controller.close();
