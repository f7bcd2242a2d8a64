/** mtrelay, step 2 (a Worker): waits for step 1, then signals step 3. See mtrelay.ts. */
import { Pair } from "../mod.ts";
import { joinContext, startWorker } from "../workers/mod.ts";

await joinContext();
const receiver = new Pair();
await receiver.bind("inproc://step2");
const step1 = startWorker(new URL("./mtrelay_step1.ts", import.meta.url));
await receiver.receive();
console.log("Step 2 ready, signaling step 3");
const xmitter = new Pair();
xmitter.connect("inproc://step3");
await xmitter.send("READY");
step1.terminate();
