// ZeroMQ over WebSocket (ZWS 2.0, issue #17) beside tcp, between two processes, in one run:
// libzmq's own ws transport (bench/c/thr.c, lat.c against Debian's libzmq3-dev), zmq-ts on Deno and
// Bun (bench/thr.ts, lat.ts), and the runtimes' WebSocket alone with no ZeroMQ (bench/ws_raw.ts:
// one binary message per frame, a flags byte and the body), the ceiling for anything built on it.
// Throughput: PUSH process -> PULL process (the receiver binds and times first to last message);
// latency: REQ <-> REP round trips, one way = round trip / 2. Median of REPEAT runs, interleaved.
// Writes bench/results/ws.md.
// Usage: node bench/ws.mjs   (WS_QUICK=1: one run, a tenth of the messages, for a trial)
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import {
  bin,
  buildC,
  cBin,
  fmtMB,
  fmtRate,
  fmtUs,
  freePort,
  measurePair,
  range,
  root,
  sizeName,
  stats,
  versions,
} from "./pairs.mjs";

const SIZES = [1, 64, 1024, 65536];
const QUICK = process.env.WS_QUICK === "1";
const REPEAT = QUICK ? 1 : 3;
const counts = QUICK
  ? { 1: 50_000, 64: 50_000, 1024: 50_000, 65536: 2000 }
  : { 1: 500_000, 64: 500_000, 1024: 500_000, 65536: 20_000 };
const ROUNDTRIPS = QUICK ? 1000 : 10_000;

const deno = (file, args) => [bin("deno"), ["run", "-A", `${root}bench/${file}`, ...args]];
const bun = (file, args) => [bin("bun"), [`${root}bench/${file}`, ...args]];
// Columns: an implementation over a transport. cmd(kind, args) -> [command, argv].
const COLUMNS = {
  "libzmq tcp": { transport: "tcp", cmd: (kind, args) => [cBin(kind), args] },
  "libzmq ws": { transport: "ws", cmd: (kind, args) => [cBin(kind), args] },
  "Deno tcp": { transport: "tcp", cmd: (kind, args) => deno(`${kind}.ts`, args) },
  "Deno ws": { transport: "ws", cmd: (kind, args) => deno(`${kind}.ts`, args) },
  "Bun tcp": { transport: "tcp", cmd: (kind, args) => bun(`${kind}.ts`, args) },
  "Bun ws": { transport: "ws", cmd: (kind, args) => bun(`${kind}.ts`, args) },
  "Deno WebSocket alone": { transport: "ws", cmd: (_kind, args) => deno("ws_raw.ts", args) },
  "Bun WebSocket alone": { transport: "ws", cmd: (_kind, args) => bun("ws_raw.ts", args) },
};
if (!buildC(["thr", "lat"])) {
  delete COLUMNS["libzmq tcp"];
  delete COLUMNS["libzmq ws"];
}
const names = Object.keys(COLUMNS);

async function pair(name, kind, size) {
  const col = COLUMNS[name];
  const port = await freePort();
  const ep = col.transport === "tcp" ? `tcp://127.0.0.1:${port}` : `ws://127.0.0.1:${port}/zmq`;
  const n = kind === "thr" ? counts[size] : ROUNDTRIPS;
  const [rRole, sRole] = kind === "thr" ? ["recv", "send"] : ["rep", "req"];
  const args = (role) => [role, ep, String(size), String(n)];
  return await measurePair({
    label: `${name} ${kind} ${size} B`,
    kind,
    receiver: col.cmd(kind, args(rRole)),
    sender: col.cmd(kind, args(sRole)),
    timeoutMs: 120_000,
  });
}

const runs = {}; // `${size}/${name}` -> { thr: [], mb: [], lat: [] }
const began = Date.now();
for (let rep = 0; rep < REPEAT; rep++) {
  for (const size of SIZES) {
    for (const name of names) {
      const r = (runs[`${size}/${name}`] ??= { thr: [], mb: [], lat: [] });
      const thr = await pair(name, "thr", size);
      if (thr) {
        r.thr.push(thr.msgs_per_s);
        r.mb.push(thr.mb_per_s);
      }
      const lat = await pair(name, "lat", size);
      if (lat) r.lat.push(lat.one_way_us);
      console.error(
        `run ${rep + 1}/${REPEAT} ${sizeName(size)} ${name}: ${thr?.msgs_per_s ?? "-"} msg/s, ` +
          `${lat?.one_way_us ?? "-"} µs  (${((Date.now() - began) / 1000).toFixed(0)} s)`,
      );
    }
  }
}

const fig = (size, name, what) => stats(runs[`${size}/${name}`]?.[what] ?? []);
/** a / b of the medians, two decimals; "-" if either is missing. */
const ratio = (size, a, b, what) => {
  const x = fig(size, a, what);
  const y = fig(size, b, what);
  return x && y ? (x.med / y.med).toFixed(2) : "-";
};

const v = versions();
const lines = [
  "# ZeroMQ over WebSocket: zmq-ts (Deno, Bun) beside tcp, libzmq's ws and the bare WebSocket",
  "",
  `Run ${new Date().toISOString()} on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), ` +
  `${((Date.now() - began) / 60000).toFixed(1)} min; libzmq ${v.libzmq} (Debian libzmq3-dev, C), ` +
  `Deno ${v.deno}, Bun ${v.bun}. Median of ${REPEAT} runs (min-max). Throughput: a PUSH process ` +
  `sends N messages to a PULL process, which binds and times from the first to the last ` +
  `(N = ${counts[1].toLocaleString("en")} at 1 B-1 KiB, ${
    counts[65536].toLocaleString("en")
  } at 64 KiB); latency: ${ROUNDTRIPS.toLocaleString("en")} REQ <-> REP round trips, one way = ` +
  `round trip / 2. tcp and ws on 127.0.0.1. The receiver (PULL, REP) binds, so zmq-ts's ws ` +
  `server is Deno.serve or Bun.serve; its client runs WebSocket over the runtime's tcp (ZWS2.0/NULL). ` +
  `"WebSocket alone" is the same runtime's own server and client moving the same messages (a flags ` +
  `byte and the body per message, the sender holding at 1 MiB unsent as zmq-ts does) with no ` +
  `ZeroMQ: the ceiling for a design on the runtime's WebSocket client and server (zmq-ts's client ` +
  `passes it by writing a batch of frames at once). A "failed" latency cell timed out (120 s): ` +
  `Deno's WebSocket client leaves Nagle on (about 22 ms a round trip at 1 KiB). Command: ` +
  `\`node bench/ws.mjs\`.`,
  "",
];
const head = ["size", "metric", ...names];
const ratioHeads = [
  ["Deno ws/tcp", "Deno ws", "Deno tcp"],
  ["Bun ws/tcp", "Bun ws", "Bun tcp"],
  ["Deno ws/libzmq ws", "Deno ws", "libzmq ws"],
  ["Bun ws/libzmq ws", "Bun ws", "libzmq ws"],
  ["Deno ws/WebSocket alone", "Deno ws", "Deno WebSocket alone"],
  ["Bun ws/WebSocket alone", "Bun ws", "Bun WebSocket alone"],
].filter(([, a, b]) => COLUMNS[a] && COLUMNS[b]);
lines.push(`| ${[...head, ...ratioHeads.map((r) => r[0])].join(" | ")} |`);
lines.push(`|${[...head, ...ratioHeads].map(() => "---").join("|")}|`);
for (const size of SIZES) {
  for (const metric of ["thr", "lat"]) {
    const cells = [sizeName(size), metric === "thr" ? "msg/s, MB/s" : "one way µs"];
    for (const name of names) {
      const s = fig(size, name, metric);
      if (!s) cells.push("failed");
      else if (metric === "thr") {
        cells.push(`${range(s, fmtRate, REPEAT)}, ${fmtMB(fig(size, name, "mb").med)} MB/s`);
      } else cells.push(range(s, fmtUs, REPEAT));
    }
    for (const [, a, b] of ratioHeads) cells.push(ratio(size, a, b, metric));
    lines.push(`| ${cells.join(" | ")} |`);
  }
}
lines.push("");
lines.push(
  "Ratios are of the medians: for throughput higher is better, for latency lower is better.",
);

const table = lines.join("\n") + "\n";
console.log(table);
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/${QUICK ? "ws_quick.md" : "ws.md"}`, table);
