// zmq-ts latency over tcp or ipc, measured as bench/c/lat.c measures libzmq: two processes.
//   lat.ts rep <endpoint> <size> <count>   REP, binds, prints "ready", echoes count messages, waits
//                                          for stdin to close
//   lat.ts req <endpoint> <size> <count>   REQ, connects, count round trips (the first untimed);
//                                          prints one way = round trip / 2
// The measuring is src/cli/bench.ts's, which `zmq bench lat` runs too.
// Usage: deno run -A bench/lat.ts ...   or   bun bench/lat.ts ...
import process from "node:process";
import { replyLatency, requestLatency } from "../src/cli/bench.ts";
import { args, context, security, stdinClosed } from "./common.ts";

// CURVE when the environment has keys (bench/curve.mjs): the bound side is the server.
const spec = { ...args, context, options: security(args.role === "rep") };

if (args.role === "rep") {
  const rep = await replyLatency(spec, () => console.log("ready"));
  await stdinClosed();
  rep.close(); // linger -1: the last reply is delivered before the process exits
} else if (args.role === "req") {
  console.log(JSON.stringify(await requestLatency(spec)));
  process.exit(0);
} else {
  console.error("usage: lat.ts rep|req <endpoint> <size> <count>");
  process.exit(2);
}
