// What fairness costs (issue 15): calls that complete at once now give the event loop a turn every
// millisecond (src/fairness.ts). This runs, in one interleaved run, libzmq's bench/c/thr.c and
// bench/thr.ts from this tree and from a baseline commit (default: where this branch left main)
// over tcp at 1 B and 64 B, 1M messages, median of 3; and bench/fairness_probe.ts from both trees
// (how often a setInterval(0) fires beside a stream of sends or receives). -> results/fairness.md
// Usage: flock /tmp/zmq-bench.lock node bench/fairness.mjs [baseline-ref]
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import os from "node:os";

const root = fileURLToPath(new URL("../", import.meta.url));
const git = (...a) => execFileSync("git", ["-C", root, ...a]).toString().trim();
const ref = process.argv[2] ?? git("merge-base", "HEAD", "main");
const SIZES = [1, 64];
const COUNT = Number(process.env.FAIRNESS_COUNT ?? 1_000_000);
const REPEAT = 3;

// The baseline tree, from git, beside this one (its bench/ programs are this tree's).
const base = mkdtempSync(`${os.tmpdir()}/zmq-ts-fairness-`);
execFileSync("sh", ["-c", `git -C '${root}' archive ${ref} | tar -x -C '${base}'`]);
mkdirSync(`${base}/bench`, { recursive: true });
for (const f of ["thr.ts", "common.ts", "fairness_probe.ts"]) {
  execFileSync("cp", [`${root}bench/${f}`, `${base}/bench/${f}`]);
}
symlinkSync(`${root}node_modules`, `${base}/node_modules`);

const cThr = `${os.tmpdir()}/zmq-ts-bench-thr`;
let haveLibzmq = true;
try {
  execFileSync("gcc", ["-O2", "-o", cThr, `${root}bench/c/thr.c`, "-lzmq"]);
} catch {
  haveLibzmq = false;
  console.error("libzmq column skipped: needs gcc and libzmq3-dev");
}

const bin = (n) => `${root}node_modules/.bin/${n}`;
const impls = {
  ...(haveLibzmq ? { libzmq: (args) => [cThr, args] } : {}),
  "Deno now": (args) => [bin("deno"), ["run", "-A", `${root}bench/thr.ts`, ...args]],
  "Deno base": (args) => [bin("deno"), ["run", "-A", `${base}/bench/thr.ts`, ...args]],
  "Bun now": (args) => [bin("bun"), [`${root}bench/thr.ts`, ...args]],
  "Bun base": (args) => [bin("bun"), [`${base}/bench/thr.ts`, ...args]],
};

const freePort = () =>
  new Promise((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

function run(cmd, args, onLine) {
  const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "inherit"] });
  let buf = "";
  child.stdout.on("data", (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  child.stdin.on("error", () => {});
  return child;
}

/** One throughput pair: receiver binds and says ready, then the sender; resolves with msg/s. */
async function pair(impl, size) {
  const ep = `tcp://127.0.0.1:${await freePort()}`;
  const args = (role) => [role, ep, String(size), String(COUNT)];
  return new Promise((resolve, reject) => {
    let sender;
    const timer = setTimeout(() => reject(new Error(`${impl} ${size}: timed out`)), 120_000);
    const recv = run(...impls[impl](args("recv")), (line) => {
      if (line === "ready") sender = run(...impls[impl](args("send")), () => {});
      else if (line.startsWith("{")) {
        clearTimeout(timer);
        sender?.stdin.end();
        resolve(JSON.parse(line).msgs_per_s);
      }
    });
    recv.on("exit", () => sender?.stdin.end());
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
for (let r = 0; r < REPEAT; r++) {
  for (const size of SIZES) {
    for (const impl of Object.keys(impls)) {
      const rate = await pair(impl, size);
      (results[`${impl}|${size}`] ??= []).push(rate);
      console.log(`${impl} ${size} B: ${rate} msg/s`);
    }
  }
}

const probes = [];
for (const [name, dir] of [["now", root], ["base", base]]) {
  for (const rt of ["deno", "bun"]) {
    for (const mode of ["send", "receive"]) {
      const argv = rt === "deno" ? ["run", "-A", `${dir}/bench/fairness_probe.ts`] : [
        `${dir}/bench/fairness_probe.ts`,
      ];
      const out = execFileSync(bin(rt), [...argv, mode, "1000000"]).toString().trim();
      probes.push({ tree: name, runtime: rt, ...JSON.parse(out) });
      console.log(name, rt, out);
    }
  }
}
rmSync(base, { recursive: true, force: true });

const fmt = (n) => n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1e3)}k`;
const lines = [
  `# Fairness: what yielding to the event loop costs`,
  ``,
  `\`node bench/fairness.mjs\` on ${
    new Date().toISOString().slice(0, 10)
  }, ${os.cpus().length} cores; ` +
  `baseline ${ref.slice(0, 7)} (before fairness.ts); tcp, PUSH process -> PULL process, ` +
  `${COUNT} messages, median of ${REPEAT} (interleaved).`,
  ``,
  `| size | ${Object.keys(impls).join(" | ")} | Deno now/base | Bun now/base |`,
  `| --- | ${Object.keys(impls).map(() => "---").join(" | ")} | --- | --- |`,
];
for (const size of SIZES) {
  const m = (impl) => median(results[`${impl}|${size}`]);
  const cells = Object.keys(impls).map((impl) =>
    haveLibzmq && impl !== "libzmq"
      ? `${fmt(m(impl))} (${(m(impl) / m("libzmq")).toFixed(2)}x libzmq)`
      : fmt(m(impl))
  );
  lines.push(
    `| ${size} B | ${cells.join(" | ")} | ${(m("Deno now") / m("Deno base")).toFixed(2)} | ${
      (m("Bun now") / m("Bun base")).toFixed(2)
    } |`,
  );
}
lines.push(
  ``,
  `A setInterval(0) beside 1M inproc calls that all complete at once (\`bench/fairness_probe.ts\`):`,
  ``,
  `| tree | runtime | stream | msg/s | interval fires | longest gap (ms) |`,
  `| --- | --- | --- | --- | --- | --- |`,
  ...probes.map((p) =>
    `| ${p.tree} | ${p.runtime} | ${p.mode} | ${
      fmt(p.msgs_per_s)
    } | ${p.interval_fires} | ${p.max_gap_ms} |`
  ),
  ``,
);
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/fairness.md`, lines.join("\n"));
console.log(lines.join("\n"));
