/**
 * taskwork2: task worker with a kill signal (the Guide, chapter 2). As
 * taskwork, plus a SUB socket on the sink's control channel: when tasksink2
 * has every result it publishes "KILL", and the workers exit. The Guide polls
 * both sockets in one loop; here a second task waits for the signal and closes
 * the task socket, which ends the `for await` over it.
 *
 * Run, each in its own terminal (or with `&`):
 *   deno run -A examples/tasksink2.ts
 *   deno run -A examples/taskwork2.ts    (several times)
 *   deno run -A examples/taskvent.ts     (press Enter once the workers run)
 * or the same with `bun examples/x.ts`.
 * Flags: --ventilator tcp://localhost:5557  --sink tcp://localhost:5558
 *        --control tcp://localhost:5559 (where tasksink2 publishes the kill signal)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Pull, Push, Subscriber } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    ventilator: { type: "string", default: "tcp://localhost:5557" },
    sink: { type: "string", default: "tcp://localhost:5558" },
    control: { type: "string", default: "tcp://localhost:5559" },
  },
});

const receiver = new Pull();
receiver.connect(values.ventilator);
const sender = new Push();
sender.connect(values.sink);
const controller = new Subscriber();
controller.connect(values.control);
controller.subscribe(""); // any message on the control channel means "stop"

const killed = controller.receive().then(() => receiver.close());

for await (const [task] of receiver) {
  const workload = new TextDecoder().decode(task);
  process.stdout.write(`${workload}.`); // show progress
  await new Promise((r) => setTimeout(r, Number(workload))); // do the work
  await sender.send(""); // tell the sink
}
await killed;
console.log("\ntaskwork2: killed, exiting");
controller.close();
sender.close();
