// zmq-ts inproc between the main thread and a Worker, measured as bench/c/inproc_threads.c
// measures libzmq: throughput PUSH (Worker) -> PULL (main), latency REQ (main) <-> REP (Worker).
// Usage: deno run -A bench/inproc_threads.ts <size> <count> <roundtrips>   (or: bun bench/inproc_threads.ts ...)
import process from "node:process";
import { Context, Pull, Request } from "../mod.ts";
import { startWorker } from "../workers/mod.ts";

const [size, count, roundtrips] = process.argv.slice(2).map(Number) as [number, number, number];
const ctx = new Context();
const pull = new Pull({ context: ctx, receiveHighWaterMark: 10_000 });
await pull.bind("inproc://thr");
const req = new Request({ context: ctx });
await req.bind("inproc://lat");
const worker = startWorker(new URL("./inproc_threads_worker.ts", import.meta.url), {
  context: ctx,
  data: { size, count, roundtrips },
});

await pull.receive();
let start = performance.now();
for (let i = 1; i < count; i++) await pull.receive();
let elapsed = performance.now() - start;
console.log(
  JSON.stringify({
    kind: "throughput",
    size,
    count,
    msgs_per_s: Math.round((count - 1) / (elapsed / 1000)),
  }),
);

const payload = new Uint8Array(size);
await req.send(payload);
await req.receive();
start = performance.now();
for (let i = 1; i < roundtrips; i++) {
  await req.send(payload);
  await req.receive();
}
elapsed = performance.now() - start;
console.log(
  JSON.stringify({
    kind: "latency",
    size,
    count: roundtrips,
    one_way_us: +(elapsed * 1000 / (roundtrips - 1) / 2).toFixed(2),
  }),
);
worker.terminate();
ctx.terminate();
