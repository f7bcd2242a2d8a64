/**
 * mtrelay: multithreaded relay (the Guide, chapter 2). Three threads signal
 * each other in turn with PAIR sockets over inproc: step 1 tells step 2,
 * step 2 tells step 3 (this thread). PAIR is the socket for coordinating
 * threads: exactly one peer, nothing lost, nothing reordered.
 *
 * Run: `deno run -A examples/mtrelay.ts` or `bun examples/mtrelay.ts`.
 */
import { Pair } from "../mod.ts";
import { startWorker } from "../workers/mod.ts";

// Bind before starting step 2, so its connect finds us (connecting first works too).
const receiver = new Pair();
await receiver.bind("inproc://step3");
const step2 = startWorker(new URL("./mtrelay_step2.ts", import.meta.url));

await receiver.receive(); // wait for the signal
console.log("Test successful!");
step2.terminate();
receiver.close();
