/**
 * taskwork: task worker (the Guide, chapter 1), the middle of a pipeline. A
 * PULL socket takes tasks from the ventilator, the worker "works" (sleeps) for
 * each task's workload in milliseconds, then a PUSH socket reports to the sink.
 * Start as many as you like: the more workers, the sooner the batch is done.
 *
 * Run, each in its own terminal (or with `&`):
 *   deno run -A examples/tasksink.ts
 *   deno run -A examples/taskwork.ts     (several times)
 *   deno run -A examples/taskvent.ts     (press Enter once the workers run)
 * or the same with `bun examples/x.ts`.
 * Flags: --ventilator tcp://localhost:5557  --sink tcp://localhost:5558
 *        --count N (do N tasks, then exit; default: forever)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Pull, Push } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    ventilator: { type: "string", default: "tcp://localhost:5557" },
    sink: { type: "string", default: "tcp://localhost:5558" },
    count: { type: "string", default: "Infinity" },
  },
});
const count = Number(values.count);

const receiver = new Pull();
receiver.connect(values.ventilator);
const sender = new Push();
sender.connect(values.sink);

let done = 0;
for await (const [task] of receiver) {
  const workload = new TextDecoder().decode(task);
  process.stdout.write(`${workload}.`); // show progress
  await new Promise((r) => setTimeout(r, Number(workload))); // do the work
  await sender.send(""); // tell the sink
  if (++done >= count) break;
}
receiver.close();
sender.close();
