// The zmq-ts side of bench/conn_scale.mjs: one ROUTER that echoes every message it gets.
//   conn_scale_server.ts <endpoint>
// Prints "ready <endpoint>" once bound. On stdin, "gc" runs a full garbage collection and prints
// "gc"; "mem" prints "mem " and process.memoryUsage() as JSON; "snap <path>" writes a heap
// snapshot there (for finding what each connection holds); closing stdin ends the process.
// Deno needs --v8-flags=--expose-gc for "gc".
// Usage: deno run -A --v8-flags=--expose-gc bench/conn_scale_server.ts tcp://127.0.0.1:*
//        bun bench/conn_scale_server.ts tcp://127.0.0.1:*
import process from "node:process";
import { createInterface } from "node:readline";
import { getHeapSpaceStatistics, writeHeapSnapshot } from "node:v8";
import { Router } from "../mod.ts";

const router = new Router({ linger: 0 });
await router.bind(process.argv[2] ?? "tcp://127.0.0.1:*");
console.log(`ready ${router.lastEndpoint}`);

const fullGc = () => {
  const g = globalThis as { Bun?: { gc(sync: boolean): void }; gc?: () => void };
  if (g.Bun !== undefined) g.Bun.gc(true);
  else if (g.gc !== undefined) g.gc();
  else throw new Error("no gc: run Deno with --v8-flags=--expose-gc");
};

createInterface({ input: process.stdin })
  .on("line", (line) => {
    if (line.trim() === "mem") return console.log(`mem ${JSON.stringify(process.memoryUsage())}`);
    if (line.trim() === "spaces") {
      const spaces = getHeapSpaceStatistics().map((s) =>
        `${s.space_name} ${(s.space_size / 1048576).toFixed(1)}/${
          (s.space_used_size / 1048576).toFixed(1)
        }`
      );
      return console.log(`spaces ${spaces.join(", ")}`);
    }
    if (line.startsWith("snap ")) {
      return console.log(`snap ${writeHeapSnapshot(line.slice(5).trim())}`);
    }
    if (line.trim() !== "gc") return;
    // Twice, a turn apart: the first collection may leave finalizers that free more memory.
    fullGc();
    setTimeout(() => {
      fullGc();
      console.log("gc");
    }, 50);
  })
  .on("close", () => process.exit(0));

for await (const msg of router) await router.send(msg);
