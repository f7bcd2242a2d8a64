// tcp and ipc between two processes, side by side (issue #6): libzmq (bench/c/thr.c, bench/c/lat.c
// against Debian's libzmq3-dev), zmq-ts on Deno and on Bun (bench/thr.ts, bench/lat.ts) and
// zeromq.js on Node (bench/thr_zeromqjs.cjs, bench/lat_zeromqjs.cjs), in one run.
// Throughput: PUSH process -> PULL process, the receiver times from the first to the last message.
// Latency: REQ process <-> REP process, one way = round trip / 2.
// Each pair: the receiver (PULL or REP) binds and prints "ready", then the sender is started; the
// sender (or REP) exits only once its stdin is closed, which happens when the result is in.
// Each figure is the median of REPEAT runs, with min and max; the repeats are interleaved.
// Writes bench/results/tcp_ipc.md.
// Usage: node bench/tcp_ipc.mjs        (needs gcc and libzmq3-dev for the libzmq column)
//        node bench/tcp_ipc.mjs --backend  only libzmq and the two libzmq-backend columns, judged on
//                                          the backend's targets (issue #19) -> tcp_ipc_backend.md
//        flags narrowing any run: --impls=libzmq,deno,bun,zeromqjs,denoFfi,bunFfi
//        --transports=tcp,ipc --sizes=1,64,1024,65536 --kinds=thr,lat --repeat=N
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
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
  range as rangeOf,
  root,
  sizeName,
  stats,
  targetCell,
  versions as runtimeVersions,
} from "./pairs.mjs";

const flags = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k, v ?? "1"];
  }),
);
const list = (name, all) =>
  flags[name]?.split(",").map((x) => (typeof all[0] === "number" ? Number(x) : x)) ?? all;
// --backend: the libzmq backend beside libzmq's own C programs, judged on issue #19's targets.
const BACKEND = flags.backend === "1";
const SIZES = list("sizes", [1, 64, 1024, 65536]);
const TRANSPORTS = list("transports", ["tcp", "ipc"]);
const KINDS = list("kinds", ["thr", "lat"]);
// TCP_IPC_QUICK=1 (a trial of the harness): one run, a tenth of the messages.
const QUICK = process.env.TCP_IPC_QUICK === "1";
const REPEAT = flags.repeat !== undefined ? Number(flags.repeat) : QUICK ? 1 : 3;
// Runs long enough that the JIT-compiled runtimes are measured warm, not mostly compiling (at
// 200k one-byte messages a run lasted about 0.2 s and reported half the steady rate); the same
// counts for every implementation.
const counts = QUICK
  ? { 1: 20_000, 64: 20_000, 1024: 20_000, 65536: 2000 }
  : { 1: 1_000_000, 64: 1_000_000, 1024: 1_000_000, 65536: 20_000 };
const ROUNDTRIPS = QUICK ? 500 : 20_000;
const PAIR_TIMEOUT_MS = 60_000;

const haveLibzmq = buildC(["thr", "lat"]);

const denoCmd = (kind, args) => [bin("deno"), ["run", "-A", `${root}bench/${kind}.ts`, ...args]];
const bunCmd = (kind, args) => [bin("bun"), [`${root}bench/${kind}.ts`, ...args]];
// kind: "thr" | "lat"; role: "recv" | "send" (thr), "rep" | "req" (lat)
const IMPLS = {
  libzmq: { name: "libzmq", cmd: (kind, args) => [cBin(kind), args] },
  zeromqjs: {
    name: "zeromq.js",
    cmd: (kind, args) => ["node", [`${root}bench/${kind}_zeromqjs.cjs`, ...args]],
  },
  deno: {
    name: "zmq-ts Deno",
    cmd: denoCmd,
  },
  bun: {
    name: "zmq-ts Bun",
    cmd: bunCmd,
  },
  // The same programs on the libzmq backend (issue #7): zmq-ts's API over the C library through FFI.
  denoFfi: {
    name: "Deno, libzmq backend",
    env: { ZMQ_TS_BACKEND: "libzmq" },
    cmd: denoCmd,
  },
  bunFfi: {
    name: "Bun, libzmq backend",
    env: { ZMQ_TS_BACKEND: "libzmq" },
    cmd: bunCmd,
  },
};
if (!haveLibzmq) {
  delete IMPLS.libzmq;
  delete IMPLS.denoFfi;
  delete IMPLS.bunFfi;
}
const chosen = flags.impls?.split(",") ?? (BACKEND ? ["libzmq", "denoFfi", "bunFfi"] : undefined);
if (chosen !== undefined) {
  for (const impl of Object.keys(IMPLS)) if (!chosen.includes(impl)) delete IMPLS[impl];
}
const NARROWED = chosen !== undefined ||
  ["sizes", "transports", "kinds", "repeat"].some((f) => f in flags);

let ipcSeq = 0;
async function endpoint(transport) {
  if (transport === "tcp") return { ep: `tcp://127.0.0.1:${await freePort()}`, cleanup() {} };
  const path = `/tmp/zmq-ts-bench-${process.pid}-${ipcSeq++}.ipc`;
  return { ep: `ipc://${path}`, cleanup: () => rmSync(path, { force: true }) };
}

// (throughput) or the REQ (latency). Both processes are gone when this returns.
async function pair(impl, kind, transport, size) {
  const { ep, cleanup } = await endpoint(transport);
  const n = kind === "thr" ? counts[size] : ROUNDTRIPS;
  const [rRole, sRole] = kind === "thr" ? ["recv", "send"] : ["rep", "req"];
  const args = (role) => [role, ep, String(size), String(n)];
  try {
    return await measurePair({
      label: `${impl} ${kind} ${transport} ${size} B`,
      kind,
      receiver: [...IMPLS[impl].cmd(kind, args(rRole)), IMPLS[impl].env],
      sender: [...IMPLS[impl].cmd(kind, args(sRole)), IMPLS[impl].env],
      timeoutMs: PAIR_TIMEOUT_MS,
    });
  } finally {
    cleanup();
  }
}

const runs = {}; // `${transport}/${size}/${impl}` -> { thr: [], mb: [], lat: [] }
const began = Date.now();
for (let rep = 0; rep < REPEAT; rep++) {
  for (const transport of TRANSPORTS) {
    for (const size of SIZES) {
      for (const impl of Object.keys(IMPLS)) {
        const r = (runs[`${transport}/${size}/${impl}`] ??= { thr: [], mb: [], lat: [] });
        const thr = KINDS.includes("thr") ? await pair(impl, "thr", transport, size) : undefined;
        if (thr) {
          r.thr.push(thr.msgs_per_s);
          r.mb.push(thr.mb_per_s);
        }
        const lat = KINDS.includes("lat") ? await pair(impl, "lat", transport, size) : undefined;
        if (lat) r.lat.push(lat.one_way_us);
        console.error(
          `run ${rep + 1}/${REPEAT} ${transport} ${size} B ${IMPLS[impl].name}: ` +
            `${thr?.msgs_per_s ?? "-"} msg/s, ${lat?.one_way_us ?? "-"} µs  (${
              ((Date.now() - began) / 1000).toFixed(0)
            } s)`,
        );
      }
    }
  }
}

const fig = (transport, size, impl, what) =>
  stats(runs[`${transport}/${size}/${impl}`]?.[what] ?? []);

const range = (s, f) => rangeOf(s, f, REPEAT);

// The targets, per group of zmq-ts columns: the core's (issue #6) and the libzmq backend's
// (issue #19), each a ratio to libzmq or zeromq.js per metric and size.
const GROUPS = {
  core: {
    issue: 6,
    runtimes: ["deno", "bun"],
    targets: {
      lat: { libzmq: { 1: 0.6, 64: 0.6, 1024: 0.6 }, zeromqjs: {} }, // at most
      thr: {
        libzmq: { 1: 0.5, 64: 0.5, 1024: 1, 65536: 1 },
        zeromqjs: { 1: 5, 64: 5, 1024: 5, 65536: 1 },
      }, // at least
    },
    rows: [
      [
        "one-way latency at 1 B-1 KiB ≤ 0.6x libzmq",
        (t) => t.metric === "lat" && t.against === "libzmq",
      ],
      [
        "throughput ≥ libzmq at 1 KiB and 64 KiB",
        (t) => t.metric === "thr" && t.against === "libzmq" && t.size >= 1024,
      ],
      [
        "throughput ≥ 0.5x libzmq at 1 B and 64 B",
        (t) => t.metric === "thr" && t.against === "libzmq" && t.size < 1024,
      ],
      [
        "throughput ≥ 5x zeromq.js at 1 B-1 KiB",
        (t) => t.metric === "thr" && t.against === "zeromqjs" && t.size < 65536,
      ],
      [
        "throughput ≥ zeromq.js at 64 KiB",
        (t) => t.metric === "thr" && t.against === "zeromqjs" && t.size === 65536,
      ],
    ],
  },
  backend: {
    issue: 19,
    runtimes: ["denoFfi", "bunFfi"],
    targets: {
      lat: { libzmq: { 1: 1.2, 64: 1.2, 1024: 1.2, 65536: 1.2 }, zeromqjs: {} },
      thr: { libzmq: { 1: 0.7, 64: 0.7, 1024: 0.9, 65536: 0.9 }, zeromqjs: {} },
    },
    rows: [
      ["one-way latency ≤ 1.2x libzmq", (t) => t.metric === "lat"],
      ["throughput ≥ 0.9x libzmq at 1 KiB and 64 KiB", (t) => t.metric === "thr" && t.size >= 1024],
      ["throughput ≥ 0.7x libzmq at 1 B and 64 B", (t) => t.metric === "thr" && t.size < 1024],
    ],
  },
};
const groupOf = (runtime) => Object.values(GROUPS).find((g) => g.runtimes.includes(runtime));
const tally = []; // [runtime, transport, metric, size, against, ratio, target, met]

function ratioCell(runtime, transport, size, metric, against) {
  const a = fig(transport, size, runtime, metric);
  const b = fig(transport, size, against, metric);
  if (!a || !b) return "-";
  const ratio = a.med / b.med;
  const target = groupOf(runtime).targets[metric][against][size];
  const text = ratio.toFixed(2);
  if (target === undefined) return text;
  const met = metric === "lat" ? ratio <= target : ratio >= target;
  tally.push({ runtime, transport, metric, size, against, ratio, target, met });
  return `${text} ${met ? "met" : "**missed**"} (${metric === "lat" ? "≤" : "≥"} ${target})`;
}

const impls = Object.keys(IMPLS);
const lines = [];
lines.push("# tcp and ipc: zmq-ts (Deno, Bun) vs libzmq and zeromq.js, two processes");
lines.push("");
const v = runtimeVersions();
const versions = [
  `libzmq ${v.libzmq} (Debian libzmq3-dev, C)`,
  `zeromq.js 6.8.0 (libzmq 4.3.5) on Node ${process.versions.node}`,
  `Deno ${v.deno}`,
  `Bun ${v.bun}`,
];
lines.push(
  `Run ${new Date().toISOString()} on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), ` +
    `${((Date.now() - began) / 60000).toFixed(1)} min; ${versions.join(", ")}. ` +
    `Median of ${REPEAT} runs (min-max). Throughput: a PUSH process sends N messages to a PULL process, which times ` +
    `from the first to the last (N = ${counts[1].toLocaleString("en")} at 1 B-1 KiB, ${
      counts[65536].toLocaleString("en")
    } at 64 KiB, the same for every implementation); MB/s is the median ` +
    `msg/s times the size. Latency: ${ROUNDTRIPS} REQ <-> REP round trips between two processes, one way = round trip / 2. ` +
    `Default high-water marks (1000) everywhere. tcp on 127.0.0.1 (a fresh port each run), ipc under /tmp. ` +
    `Ratios are zmq-ts / other, of the medians: for throughput higher is better, for latency (one way) lower is better; ` +
    `each target is judged on that ratio. ` +
    `Command: \`node bench/tcp_ipc.mjs${process.argv.slice(2).map((a) => " " + a).join("")}\`.`,
);
lines.push("");
const head = ["transport", "size", "metric", ...impls.map((i) => IMPLS[i].name)];
const rtNames = { deno: "Deno", bun: "Bun", denoFfi: "Deno backend", bunFfi: "Bun backend" };
// Ratio columns: each zmq-ts column that ran, against libzmq (and zeromq.js for the core).
const ratioCols = [];
for (const rt of ["deno", "bun", "denoFfi", "bunFfi"]) {
  if (!IMPLS[rt]) continue;
  for (const against of ["libzmq", "zeromqjs"]) {
    if (IMPLS[against] && (against === "libzmq" || groupOf(rt) === GROUPS.core)) {
      ratioCols.push([rt, against]);
    }
  }
}
for (const [rt, against] of ratioCols) head.push(`${rtNames[rt]}/${IMPLS[against].name}`);
lines.push(`| ${head.join(" | ")} |`);
lines.push(`|${head.map(() => "---").join("|")}|`);
for (const transport of TRANSPORTS) {
  for (const size of SIZES) {
    for (const metric of ["thr", "lat"]) {
      const cells = [transport, sizeName(size), metric === "thr" ? "msg/s, MB/s" : "one way µs"];
      for (const impl of impls) {
        const s = fig(transport, size, impl, metric);
        if (!s) {
          cells.push("failed");
          continue;
        }
        if (metric === "thr") {
          cells.push(`${range(s, fmtRate)}, ${fmtMB(fig(transport, size, impl, "mb").med)} MB/s`);
        } else cells.push(range(s, fmtUs));
      }
      for (const [rt, against] of ratioCols) {
        cells.push(ratioCell(rt, transport, size, metric, against));
      }
      lines.push(`| ${cells.join(" | ")} |`);
    }
  }
}
for (const group of Object.values(GROUPS)) {
  const rts = group.runtimes.filter((rt) => IMPLS[rt]);
  if (rts.length === 0 || !tally.some((t) => rts.includes(t.runtime))) continue;
  lines.push("");
  lines.push(`Targets (issue #${group.issue}), each per runtime and transport:`);
  lines.push("");
  const cols = rts.flatMap((rt) => TRANSPORTS.map((tr) => [rt, tr]));
  lines.push(`| target | ${cols.map(([rt, tr]) => `${rtNames[rt]} ${tr}`).join(" | ")} |`);
  lines.push(`|---|${cols.map(() => "---").join("|")}|`);
  for (const [label, test] of group.rows) {
    const cells = [label];
    for (const [rt, transport] of cols) {
      cells.push(
        targetCell(tally.filter((t) => t.runtime === rt && t.transport === transport && test(t))),
      );
    }
    // A target against an implementation left out of the run has nothing to say.
    if (cells.slice(1).some((c) => c !== "-")) lines.push(`| ${cells.join(" | ")} |`);
  }
}
for (const [name, group] of Object.entries(GROUPS)) {
  const ts = tally.filter((t) => group.runtimes.includes(t.runtime));
  if (ts.length === 0) continue;
  lines.push("");
  lines.push(
    `${name === "core" ? "Core" : "libzmq backend"}: ${
      ts.filter((t) => t.met).length
    } of ${ts.length} target checks met.`,
  );
  if (name === "backend") {
    lines.push("");
    lines.push(
      "What bounds the backend at 1 B and 64 B (per side, against C, profiles): " +
        "[backend_profile.md](backend_profile.md).",
    );
  }
}

const table = lines.join("\n") + "\n";
console.log(table);
mkdirSync(`${root}bench/results`, { recursive: true });
// A narrowed run writes beside the full one, never over it.
const out = `tcp_ipc${BACKEND ? "_backend" : NARROWED ? "_narrowed" : ""}${
  QUICK ? "_quick" : ""
}.md`;
writeFileSync(`${root}bench/results/${out}`, table);
console.error(`wrote bench/results/${out}`);
