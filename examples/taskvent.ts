/**
 * taskvent: task ventilator (the Guide, chapter 1), the head of a pipeline. A
 * PUSH socket hands out tasks, each a workload in milliseconds, round-robin to
 * the connected workers (taskwork or taskwork2), and tells the sink (tasksink
 * or tasksink2) that a batch begins.
 *
 * PUSH spreads tasks only over the workers connected when it sends, so the
 * Guide asks you to press Enter once the workers are up; --workers N instead
 * waits until N workers have connected.
 *
 * Run: `deno run -A examples/taskvent.ts` or `bun examples/taskvent.ts`, with
 * the sink and some workers (see taskwork.ts).
 * Flags: --endpoint tcp://*:5557 (where workers connect)  --sink tcp://localhost:5558
 *        --tasks 100  --work-ms 1-100 (each task's workload: a random range, or one number)
 *        --workers N (wait for N workers instead of for Enter)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { createInterface } from "node:readline";
import { Push } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    endpoint: { type: "string", default: "tcp://*:5557" },
    sink: { type: "string", default: "tcp://localhost:5558" },
    tasks: { type: "string", default: "100" },
    "work-ms": { type: "string", default: "1-100" },
    workers: { type: "string" },
  },
});
const [min, max = min] = values["work-ms"].split("-").map(Number) as [number, number?];

const sender = new Push();
await sender.bind(values.endpoint);
const sink = new Push();
sink.connect(values.sink);
console.log(`taskvent: sending tasks on ${sender.lastEndpoint}`);

if (values.workers === undefined) {
  const input = createInterface({ input: process.stdin });
  console.log("Press Enter when the workers are ready: ");
  await new Promise((resolve) => input.once("line", resolve));
  input.close();
} else {
  const expected = Number(values.workers);
  let connected = 0;
  await new Promise<void>((resolve) => {
    if (expected <= 0) resolve();
    sender.events.on("handshake", () => ++connected === expected && resolve());
  });
}
console.log("Sending tasks to workers...");

await sink.send("0"); // the first message says "a batch begins"

let total = 0;
for (let i = 0; i < Number(values.tasks); i++) {
  const workload = min + Math.floor(Math.random() * (max - min + 1));
  total += workload;
  await sender.send(String(workload));
}
console.log(`Total expected cost: ${total} msec`);
sender.close(); // both close after delivering what is queued (the default linger)
sink.close();
