/** mtrelay, step 1 (a Worker started by step 2): signals step 2. See mtrelay.ts. */
import { Pair } from "../mod.ts";
import { joinContext } from "../workers/mod.ts";

await joinContext();
console.log("Step 1 ready, signaling step 2");
const xmitter = new Pair();
xmitter.connect("inproc://step2");
await xmitter.send("READY");
