// zmq-ts throughput over tcp or ipc, measured as bench/c/thr.c measures libzmq: two processes.
//   thr.ts recv <endpoint> <size> <count>   PULL, binds, prints "ready", times first to last message
//   thr.ts send <endpoint> <size> <count>   PUSH, connects, sends, waits for stdin to close, closes
//                                           (linger -1, the default: until every message is delivered)
// Usage: deno run -A bench/thr.ts ...   or   bun bench/thr.ts ...
import process from "node:process";
import { Pull, Push } from "../mod.ts";
import { args, context, stdinClosed } from "./common.ts";

const { role, endpoint, size, count } = args;

if (role === "recv") {
  const pull = new Pull({ context });
  await pull.bind(endpoint);
  console.log("ready");
  let bad = 0;
  let [first] = await pull.receive();
  if (first!.length !== size) bad++;
  const start = performance.now();
  for (let i = 1; i < count; i++) {
    [first] = await pull.receive();
    if (first!.length !== size) bad++;
  }
  const elapsed = performance.now() - start;
  const rate = (count - 1) / (elapsed / 1000);
  console.log(JSON.stringify({
    kind: "throughput",
    size,
    count,
    bad,
    msgs_per_s: Math.round(rate),
    mb_per_s: +(rate * size / 1e6).toFixed(2),
  }));
  pull.close();
  process.exit(0);
} else if (role === "send") {
  const push = new Push({ context, linger: -1 });
  push.connect(endpoint);
  const payload = new Uint8Array(size); // never changed, so one buffer serves every send
  for (let i = 0; i < count; i++) await push.send(payload);
  await stdinClosed();
  push.close(); // lingers until delivered; the process exits when nothing is left
} else {
  console.error("usage: thr.ts recv|send <endpoint> <size> <count>");
  process.exit(2);
}
