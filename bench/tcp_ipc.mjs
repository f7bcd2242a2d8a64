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
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import os from "node:os";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;
const SIZES = [1, 64, 1024, 65536];
const TRANSPORTS = ["tcp", "ipc"];
// TCP_IPC_QUICK=1 (a trial of the harness): one run, a tenth of the messages.
const QUICK = process.env.TCP_IPC_QUICK === "1";
const REPEAT = QUICK ? 1 : 3;
// Runs long enough that the JIT-compiled runtimes are measured warm, not mostly compiling (at
// 200k one-byte messages a run lasted about 0.2 s and reported half the steady rate); the same
// counts for every implementation.
const counts = QUICK
  ? { 1: 20_000, 64: 20_000, 1024: 20_000, 65536: 2000 }
  : { 1: 1_000_000, 64: 1_000_000, 1024: 1_000_000, 65536: 20_000 };
const ROUNDTRIPS = QUICK ? 500 : 20_000;
const PAIR_TIMEOUT_MS = 60_000;

const cBin = (name) => `${os.tmpdir()}/zmq-ts-bench-${name}`;
let haveLibzmq = false;
try {
  for (const name of ["thr", "lat"]) {
    execFileSync("gcc", ["-O2", "-o", cBin(name), `${root}bench/c/${name}.c`, "-lzmq"]);
  }
  haveLibzmq = true;
} catch {
  console.error("libzmq column skipped: needs gcc and libzmq3-dev (apt-get install libzmq3-dev)");
}

// kind: "thr" | "lat"; role: "recv" | "send" (thr), "rep" | "req" (lat)
const IMPLS = {
  libzmq: { name: "libzmq", cmd: (kind, args) => [cBin(kind), args] },
  zeromqjs: {
    name: "zeromq.js",
    cmd: (kind, args) => ["node", [`${root}bench/${kind}_zeromqjs.cjs`, ...args]],
  },
  deno: {
    name: "zmq-ts Deno",
    cmd: (kind, args) => [bin("deno"), ["run", "-A", `${root}bench/${kind}.ts`, ...args]],
  },
  bun: {
    name: "zmq-ts Bun",
    cmd: (kind, args) => [bin("bun"), [`${root}bench/${kind}.ts`, ...args]],
  },
  // The same programs on the libzmq backend (issue #7): zmq-ts's API over the C library through FFI.
  denoFfi: {
    name: "Deno, libzmq backend",
    env: { ZMQ_TS_BACKEND: "libzmq" },
    cmd: (kind, args) => IMPLS.deno.cmd(kind, args),
  },
  bunFfi: {
    name: "Bun, libzmq backend",
    env: { ZMQ_TS_BACKEND: "libzmq" },
    cmd: (kind, args) => IMPLS.bun.cmd(kind, args),
  },
};
if (!haveLibzmq) {
  delete IMPLS.libzmq;
  delete IMPLS.denoFfi;
  delete IMPLS.bunFfi;
}

// Every child we start, so none outlives the run (also on Ctrl-C).
const children = new Set();
const killAll = () => {
  for (const c of children) if (!c.closed) c.kill("SIGKILL");
};
process.on("exit", killAll);
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}

function start(cmd, args, env = {}) {
  const child = spawn(cmd, args, {
    cwd: root,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  children.add(child);
  child.lines = [];
  child.waiters = [];
  child.closed = false;
  const wake = () => {
    for (const w of child.waiters.splice(0)) w();
  };
  // "close" comes after "exit" and after stdout and stderr ended, so no line is missed.
  child.exited = new Promise((resolve) =>
    child.on("close", () => {
      child.closed = true;
      children.delete(child);
      wake();
      resolve();
    })
  );
  child.stdin.on("error", () => {}); // EPIPE if it already exited
  child.stderrText = "";
  child.stderr.on("data", (d) => {
    child.stderrText += d;
  });
  createInterface({ input: child.stdout }).on("line", (line) => {
    child.lines.push(line);
    wake();
  });
  return child;
}

// Resolves with the first stdout line of `child` that satisfies `test`; rejects if it ends first.
function line(child, test) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = child.lines.find(test);
      if (found !== undefined) resolve(found);
      else if (child.closed) {
        reject(
          new Error(
            `exited (${child.exitCode ?? child.signalCode}) without it: ${child.stderrText.trim()}`,
          ),
        );
      } else child.waiters.push(check);
    };
    check();
  });
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

let ipcSeq = 0;
async function endpoint(transport) {
  if (transport === "tcp") return { ep: `tcp://127.0.0.1:${await freePort()}`, cleanup() {} };
  const path = `/tmp/zmq-ts-bench-${process.pid}-${ipcSeq++}.ipc`;
  return { ep: `ipc://${path}`, cleanup: () => rmSync(path, { force: true }) };
}

const timeout = (ms, what) => {
  let timer;
  const p = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout: ${what}`)), ms);
  });
  return { p, cancel: () => clearTimeout(timer) };
};

// One measurement: receiver first, "ready", then the sender; the JSON result comes from the PULL
// (throughput) or the REQ (latency). Both processes are gone when this returns.
async function pair(impl, kind, transport, size) {
  const { ep, cleanup } = await endpoint(transport);
  const n = kind === "thr" ? counts[size] : ROUNDTRIPS;
  const [rRole, sRole] = kind === "thr" ? ["recv", "send"] : ["rep", "req"];
  const args = (role) => [role, ep, String(size), String(n)];
  const receiver = start(...IMPLS[impl].cmd(kind, args(rRole)), IMPLS[impl].env);
  let sender;
  const t = timeout(PAIR_TIMEOUT_MS, `${impl} ${kind} ${transport} ${size}`);
  try {
    await Promise.race([line(receiver, (l) => l === "ready"), t.p]);
    sender = start(...IMPLS[impl].cmd(kind, args(sRole)), IMPLS[impl].env);
    const reporter = kind === "thr" ? receiver : sender;
    const result = JSON.parse(await Promise.race([line(reporter, (l) => l.startsWith("{")), t.p]));
    // The sender (or REP) waits for its stdin to close, so it cannot exit before its peer has
    // everything (libzmq over ipc loses the tail otherwise, see bench/c/thr.c); then both end.
    receiver.stdin.end();
    sender.stdin.end();
    await Promise.race([
      Promise.all([receiver.exited, sender.exited]),
      new Promise((r) => setTimeout(r, 10_000)),
    ]);
    if (result.bad) {
      console.error(
        `  ${impl} ${kind} ${transport} ${size} B: ${result.bad} messages of the wrong size`,
      );
    }
    return result;
  } catch (e) {
    console.error(`  ${impl} ${kind} ${transport} ${size} B failed: ${e.message}`);
    return undefined;
  } finally {
    t.cancel();
    for (const c of [receiver, sender]) {
      if (c && !c.closed) {
        console.error(
          `  ${impl} ${kind} ${transport} ${size} B: killing a process left behind (pid ${c.pid})`,
        );
        c.kill("SIGKILL");
        await c.exited;
      }
    }
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
        const thr = await pair(impl, "thr", transport, size);
        if (thr) {
          r.thr.push(thr.msgs_per_s);
          r.mb.push(thr.mb_per_s);
        }
        const lat = await pair(impl, "lat", transport, size);
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

const stats = (xs) => {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return { med: s[Math.floor(s.length / 2)], min: s[0], max: s.at(-1), n: s.length };
};
const fig = (transport, size, impl, what) =>
  stats(runs[`${transport}/${size}/${impl}`]?.[what] ?? []);

const fmtRate = (
  n,
) => (n >= 1e6
  ? `${(n / 1e6).toFixed(2)}M`
  : n >= 1e4
  ? `${(n / 1e3).toFixed(0)}k`
  : `${(n / 1e3).toFixed(1)}k`);
const fmtMB = (n) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : n.toFixed(2));
const fmtUs = (n) => n.toFixed(1);
const range = (s, f) =>
  `${f(s.med)} (${f(s.min)}-${f(s.max)})${s.n < REPEAT ? ` [${s.n} of ${REPEAT} runs]` : ""}`;
const sizeName = (s) => (s >= 1024 ? `${s / 1024} KiB` : `${s} B`);

// The issue's targets: [ratio to libzmq or zeromq.js, test] per metric and size.
const TARGETS = {
  lat: { libzmq: { 1: 0.6, 64: 0.6, 1024: 0.6 }, zeromqjs: {} }, // at most
  thr: {
    libzmq: { 1: 0.5, 64: 0.5, 1024: 1, 65536: 1 },
    zeromqjs: { 1: 5, 64: 5, 1024: 5, 65536: 1 },
  }, // at least
};
const tally = []; // [runtime, transport, metric, size, against, ratio, target, met]

function ratioCell(runtime, transport, size, metric, against) {
  const a = fig(transport, size, runtime, metric);
  const b = fig(transport, size, against, metric);
  if (!a || !b) return "-";
  const ratio = a.med / b.med;
  const target = TARGETS[metric][against][size];
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
const versions = [
  `libzmq ${
    (() => {
      try {
        return execFileSync("pkg-config", ["--modversion", "libzmq"], { encoding: "utf8" }).trim();
      } catch {
        return "?";
      }
    })()
  } (Debian libzmq3-dev, C)`,
  `zeromq.js 6.8.0 (libzmq 4.3.5) on Node ${process.versions.node}`,
  `Deno ${
    execFileSync(bin("deno"), ["--version"], { encoding: "utf8" }).split("\n")[0].split(" ")[1]
  }`,
  `Bun ${execFileSync(bin("bun"), ["--version"], { encoding: "utf8" }).trim()}`,
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
    `Command: \`node bench/tcp_ipc.mjs\`.`,
);
lines.push("");
const head = ["transport", "size", "metric", ...impls.map((i) => IMPLS[i].name)];
const rtNames = { deno: "Deno", bun: "Bun" };
for (const rt of ["deno", "bun"]) {
  if (IMPLS.libzmq) head.push(`${rtNames[rt]}/libzmq`);
  head.push(`${rtNames[rt]}/zeromq.js`);
}
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
      for (const rt of ["deno", "bun"]) {
        if (IMPLS.libzmq) cells.push(ratioCell(rt, transport, size, metric, "libzmq"));
        cells.push(ratioCell(rt, transport, size, metric, "zeromqjs"));
      }
      lines.push(`| ${cells.join(" | ")} |`);
    }
  }
}
lines.push("");
lines.push("Targets (issue #6), each per runtime and transport:");
lines.push("");
const targetRows = [
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
];
lines.push("| target | Deno tcp | Deno ipc | Bun tcp | Bun ipc |");
lines.push("|---|---|---|---|---|");
for (const [label, test] of targetRows) {
  const cells = [label];
  for (const rt of ["deno", "bun"]) {
    for (const transport of TRANSPORTS) {
      const ts = tally.filter((t) => t.runtime === rt && t.transport === transport && test(t));
      if (ts.length === 0) {
        cells.push("-");
        continue;
      }
      const missed = ts.filter((t) => !t.met);
      cells.push(
        missed.length === 0
          ? "met"
          : `**missed** at ${
            missed.map((t) => `${sizeName(t.size)} (${t.ratio.toFixed(2)})`).join(", ")
          }`,
      );
    }
  }
  lines.push(`| ${cells.join(" | ")} |`);
}
const met = tally.filter((t) => t.met).length;
lines.push("");
lines.push(`${met} of ${tally.length} target checks met.`);

const table = lines.join("\n") + "\n";
console.log(table);
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/${QUICK ? "tcp_ipc_quick.md" : "tcp_ipc.md"}`, table);
