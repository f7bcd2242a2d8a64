// zmq-ts throughput over tcp or ipc, measured as bench/c/thr.c measures libzmq: two processes.
//   thr.ts recv <endpoint> <size> <count>   PULL, binds, prints "ready", times first to last message
//   thr.ts send <endpoint> <size> <count>   PUSH, connects, sends, waits for stdin to close, closes
//                                           (linger -1, the default: until every message is delivered)
// Usage: deno run -A bench/thr.ts ...   or   bun bench/thr.ts ...
import process from "node:process";
import { Context, Pull, Push } from "../mod.ts";

// ZMQ_TS_BACKEND=libzmq runs the same program on the libzmq backend (FFI) instead of the core.
const context = process.env.ZMQ_TS_BACKEND === "libzmq"
  ? new Context({ backend: await (await import("../libzmq.ts")).libzmq() })
  : undefined;

const [role, endpoint, sizeArg, countArg] = process.argv.slice(2) as [string, string, string, string];
const size = Number(sizeArg);
const count = Number(countArg);

// Senders (and REP) wait for stdin to close before closing: bench/tcp_ipc.mjs closes it once the
// receiver has reported, so no process exits before its peer got everything (see bench/c/thr.c).
const stdinClosed = () => new Promise<void>((resolve) => {
  process.stdin.on("end", resolve).on("close", resolve).resume();
});

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
    kind: "throughput", size, count, bad, msgs_per_s: Math.round(rate), mb_per_s: +(rate * size / 1e6).toFixed(2),
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
