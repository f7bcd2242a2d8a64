// zmq-ts throughput over tcp or ipc, measured as bench/c/thr.c measures libzmq: two processes.
//   thr.ts recv <endpoint> <size> <count>   PULL, binds, prints "ready", times first to last message
//   thr.ts send <endpoint> <size> <count> [string]
//                                           PUSH, connects, sends, waits for stdin to close, closes
//                                           (linger -1, the default: until every message is delivered);
//                                           with "string", a string of `size` ASCII characters each time
// The measuring is src/cli/bench.ts's, which `zmq bench thr` runs too.
// Usage: deno run -A bench/thr.ts ...   or   bun bench/thr.ts ...
import process from "node:process";
import { receiveThroughput, sendThroughput } from "../src/cli/bench.ts";
import { args, context, security, stdinClosed } from "./common.ts";

// CURVE when the environment has keys (bench/curve.mjs): the bound side is the server.
const spec = {
  ...args,
  context,
  options: security(args.role === "recv"),
  strings: process.argv[6] === "string",
};

if (args.role === "recv") {
  const result = await receiveThroughput(spec, () => console.log("ready"));
  console.log(JSON.stringify(result));
  process.exit(0);
} else if (args.role === "send") {
  const push = await sendThroughput(spec);
  await stdinClosed();
  push.close(); // lingers until delivered; the process exits when nothing is left
} else {
  console.error("usage: thr.ts recv|send <endpoint> <size> <count>");
  process.exit(2);
}
