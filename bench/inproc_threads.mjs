// Cross-thread inproc, side by side: zmq-ts (main thread <-> Worker) on Deno and on Bun, and
// libzmq (two threads, bench/c/inproc_threads.c against Debian's libzmq3-dev), in one run.
// Each figure is the median of REPEAT runs, with min and max. Writes bench/results/inproc_threads.md.
// Usage: node bench/inproc_threads.mjs        (needs gcc and libzmq3-dev for the libzmq column)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import os from "node:os";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;
const SIZES = [1, 64, 1024, 65536];
const REPEAT = 3;
const counts = { 1: 300_000, 64: 300_000, 1024: 200_000, 65536: 20_000 };
const ROUNDTRIPS = 5000;

const libzmqBin = `${os.tmpdir()}/zmq-ts-inproc-threads`;
let haveLibzmq = false;
try {
  execFileSync("gcc", [
    "-O2",
    "-o",
    libzmqBin,
    `${root}bench/c/inproc_threads.c`,
    "-lzmq",
    "-lpthread",
  ]);
  haveLibzmq = true;
} catch {
  console.error("libzmq column skipped: needs gcc and libzmq3-dev (apt-get install libzmq3-dev)");
}

const runners = {
  libzmq: haveLibzmq ? (a) => [libzmqBin, a] : undefined,
  deno: (a) => [bin("deno"), ["run", "-A", `${root}bench/inproc_threads.ts`, ...a]],
  bun: (a) => [bin("bun"), [`${root}bench/inproc_threads.ts`, ...a]],
};

function once(impl, size) {
  const [cmd, args] = runners[impl]([String(size), String(counts[size]), String(ROUNDTRIPS)]);
  const out = execFileSync(cmd, args, { encoding: "utf8", timeout: 300_000 });
  const lines = out.trim().split("\n").map((l) => JSON.parse(l));
  return {
    thr: lines.find((l) => l.kind === "throughput").msgs_per_s,
    lat: lines.find((l) => l.kind === "latency").one_way_us,
  };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { med: s[Math.floor(s.length / 2)], min: s[0], max: s.at(-1) };
};

const results = {};
for (const size of SIZES) {
  for (const impl of Object.keys(runners)) {
    if (runners[impl] === undefined) continue;
    const runs = [];
    for (let i = 0; i < REPEAT; i++) runs.push(once(impl, size));
    results[`${impl}/${size}`] = {
      thr: stats(runs.map((r) => r.thr)),
      lat: stats(runs.map((r) => r.lat)),
    };
    console.error(
      `${impl} ${size} B: ${results[`${impl}/${size}`].thr.med} msg/s, ${
        results[`${impl}/${size}`].lat.med
      } us`,
    );
  }
}

const fmtK = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`);
const cell = (s, f) => `${f(s.med)} (${f(s.min)}-${f(s.max)})`;
const lines = [];
lines.push(`# Cross-thread inproc: zmq-ts (main thread <-> Worker) vs libzmq (two threads)`);
lines.push("");
lines.push(
  `Run ${new Date().toISOString()} on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}); ` +
    `median of ${REPEAT} runs (min-max). Throughput: PUSH in the Worker -> PULL in the main thread; ` +
    `latency: REQ (main) <-> REP (Worker), one way = round trip / 2. Command: \`node bench/inproc_threads.mjs\`.`,
);
lines.push("");
lines.push(
  "| size | libzmq msg/s | Deno msg/s | Bun msg/s | Deno/libzmq | Bun/libzmq | libzmq µs | Deno µs | Bun µs | Deno/libzmq | Bun/libzmq |",
);
lines.push("|---|---|---|---|---|---|---|---|---|---|---|");
for (const size of SIZES) {
  const l = results[`libzmq/${size}`];
  const d = results[`deno/${size}`];
  const b = results[`bun/${size}`];
  const ratio = (x, y) => (x && y ? (x.med / y.med).toFixed(2) : "-");
  lines.push(
    `| ${size} B | ${l ? cell(l.thr, fmtK) : "-"} | ${cell(d.thr, fmtK)} | ${
      cell(b.thr, fmtK)
    } | ` +
      `${ratio(d.thr, l?.thr)} | ${ratio(b.thr, l?.thr)} | ${
        l ? cell(l.lat, (x) => x.toFixed(1)) : "-"
      } | ` +
      `${cell(d.lat, (x) => x.toFixed(1))} | ${cell(b.lat, (x) => x.toFixed(1))} | ${
        ratio(d.lat, l?.lat)
      } | ${ratio(b.lat, l?.lat)} |`,
  );
}
const table = lines.join("\n") + "\n";
console.log(table);
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/inproc_threads.md`, table);
if (!existsSync(`${root}bench/results/inproc_threads.md`)) process.exit(1);
