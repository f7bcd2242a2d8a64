// A program whose Worker cannot load: it waits on a receive that only the Worker would satisfy.
// `handled` as the first argument handles the Worker's error event instead (see
// worker_failure_test.ts).
import process from "node:process";
import { Pair } from "../../mod.ts";
import { startWorker } from "../../workers/mod.ts";

const pair = new Pair({ linger: 0 });
await pair.bind("inproc://never");
const worker = startWorker(new URL("./no_such_worker_module.ts", import.meta.url));
if (process.argv[2] === "handled") {
  worker.addEventListener("error", (e) => {
    e.preventDefault();
    console.log("handled the Worker's failure");
    pair.close();
  });
}
console.log("waiting for the Worker");
await pair.receive().catch(() => {});
