// zmq-ts inproc within one thread (the two sockets' pipes joined directly), measured as
// bench/c/inproc_threads.c measures libzmq between two threads: throughput PUSH -> PULL (the
// sending loop and the receiving loop run side by side in this thread), latency REQ <-> REP.
// With "string" the sender sends a string of `size` ASCII characters instead of a Uint8Array.
// Usage: deno run -A bench/inproc_same_thread.ts <size> <count> <roundtrips> [string]
//        (or: bun bench/inproc_same_thread.ts ...)
import process from "node:process";
import { Context, Pull, Push, Reply, Request } from "../mod.ts";

const [size, count, roundtrips] = process.argv.slice(2, 5).map(Number) as [number, number, number];
const asString = process.argv[5] === "string";
const ctx = new Context();
const pull = new Pull({ context: ctx, receiveHighWaterMark: 10_000 });
await pull.bind("inproc://thr");
const push = new Push({ context: ctx, sendHighWaterMark: 10_000 });
push.connect("inproc://thr");
// The same bytes either way: `size` ASCII characters, or their encoding given as bytes.
const text = "x".repeat(size);
const bytes = new TextEncoder().encode(text);
const sender = asString
  ? (async () => {
    for (let i = 0; i < count; i++) await push.send(text);
  })()
  : (async () => {
    for (let i = 0; i < count; i++) await push.send(bytes);
  })();
let bad = 0;
let [first] = await pull.receive();
let start = performance.now();
for (let i = 1; i < count; i++) {
  [first] = await pull.receive();
  if (first!.length !== size) bad++;
}
let elapsed = performance.now() - start;
await sender;
console.log(JSON.stringify({
  kind: "throughput",
  size,
  count,
  bad,
  msgs_per_s: Math.round((count - 1) / (elapsed / 1000)),
}));

const rep = new Reply({ context: ctx });
await rep.bind("inproc://lat");
const req = new Request({ context: ctx });
req.connect("inproc://lat");
const echo = (async () => {
  for (let i = 0; i < roundtrips; i++) await rep.send(await rep.receive());
})();
await req.send(bytes);
await req.receive();
start = performance.now();
for (let i = 1; i < roundtrips; i++) {
  await req.send(bytes);
  await req.receive();
}
elapsed = performance.now() - start;
await echo;
console.log(JSON.stringify({
  kind: "latency",
  size,
  count: roundtrips,
  one_way_us: +(elapsed * 1000 / (roundtrips - 1) / 2).toFixed(3),
}));
ctx.terminate();
