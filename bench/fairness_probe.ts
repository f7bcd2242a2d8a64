// How a stream of calls that complete at once shares the event loop (issue 15): a setInterval(0)
// runs beside N sends (or N receives of queued messages) on an inproc PAIR with no high-water mark,
// so that every call completes at once. Prints the stream's rate and how often the interval fired.
//   fairness_probe.ts send|receive <count>
// Usage: deno run -A bench/fairness_probe.ts send 1000000   or   bun bench/fairness_probe.ts ...
import process from "node:process";
import { Context, Pair } from "../mod.ts";

const [mode, countArg] = process.argv.slice(2);
const count = Number(countArg);
const ctx = new Context();
const a = new Pair({ context: ctx, sendHighWaterMark: 0, receiveHighWaterMark: 0 });
const b = new Pair({ context: ctx, sendHighWaterMark: 0, receiveHighWaterMark: 0 });
await b.bind("inproc://fairness-probe");
a.connect("inproc://fairness-probe");
const payload = new Uint8Array(1);
if (mode === "receive") { for (let i = 0; i < count; i++) await a.send(payload); }

const fires: number[] = [];
const interval = setInterval(() => fires.push(performance.now()), 0);
const start = performance.now();
if (mode === "send") { for (let i = 0; i < count; i++) await a.send(payload); }
else for (let i = 0; i < count; i++) await b.receive();
const end = performance.now();
clearInterval(interval);

let maxGap = 0;
let last = start;
for (const t of fires.filter((t) => t <= end)) {
  maxGap = Math.max(maxGap, t - last);
  last = t;
}
maxGap = Math.max(maxGap, end - last);
console.log(JSON.stringify({
  mode,
  count,
  msgs_per_s: Math.round(count / ((end - start) / 1000)),
  ms: +(end - start).toFixed(1),
  interval_fires: fires.filter((t) => t <= end).length,
  max_gap_ms: +maxGap.toFixed(2),
}));
ctx.terminate();
process.exit(0);
