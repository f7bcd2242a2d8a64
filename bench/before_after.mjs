// Did a change cost the NULL path anything? Throughput over tcp at 1 B and 64 KiB for zmq-ts at a
// git ref ("before") and in this working tree ("after"), on Deno and Bun, beside libzmq's C
// program, interleaved in one run: median of REPEAT with min-max, and after/before per runtime.
// Usage: node bench/before_after.mjs <git ref> [output.md]     (default: main, results/before_after.md)
//   BACKEND=libzmq: zmq-ts on its libzmq backend (issue #19) instead of the core
//   SIZES=1,64: the message sizes (default 1 and 65536); REPEAT=5: runs per implementation
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import { bin, buildC, cBin, fmtRate, measureTcp, root, sizeName, stats } from "./pairs.mjs";

const ref = process.argv[2] ?? "main";
const out = process.argv[3] ?? `${root}bench/results/before_after.md`;
const REPEAT = Number(process.env.REPEAT ?? 5);
const BACKEND = process.env.BACKEND === "libzmq";
const sizes = (process.env.SIZES ?? "1,65536").split(",").map(Number);
const counts = Object.fromEntries(sizes.map((n) => [n, n >= 65536 ? 20_000 : 1_000_000]));

// The ref's tree, with this checkout's node_modules (the runtimes).
const before = mkdtempSync(`${os.tmpdir()}/zmq-ts-before-`);
execFileSync("sh", ["-c", `git -C "${root}" archive "${ref}" | tar -x -C "${before}"`]);
symlinkSync(`${root}node_modules`, `${before}/node_modules`);
process.on("exit", () => rmSync(before, { recursive: true, force: true }));
const commit = execFileSync("git", ["-C", root, "rev-parse", "--short", ref], { encoding: "utf8" })
  .trim();
const head = execFileSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8" })
  .trim();

if (!buildC(["thr"])) process.exit(1);
const cThr = cBin("thr");
const zmqts = (name, runtime, dir) => ({
  name,
  env: BACKEND ? { ZMQ_TS_BACKEND: "libzmq" } : {},
  cmd: (kind, args) =>
    runtime === "deno"
      ? [bin("deno"), ["run", "-A", `${dir}/bench/${kind}.ts`, ...args]]
      : [bin("bun"), [`${dir}/bench/${kind}.ts`, ...args]],
});
const IMPLS = {
  libzmq: { name: "libzmq", cmd: (_kind, args) => [cThr, args] },
  denoBefore: zmqts(`Deno ${commit}`, "deno", before),
  denoAfter: zmqts(`Deno ${head}+`, "deno", root.replace(/\/$/, "")),
  bunBefore: zmqts(`Bun ${commit}`, "bun", before),
  bunAfter: zmqts(`Bun ${head}+`, "bun", root.replace(/\/$/, "")),
};

const runs = {};
for (let rep = 0; rep < REPEAT; rep++) {
  for (const size of sizes) {
    for (const [key, impl] of Object.entries(IMPLS)) {
      const r = await measureTcp(impl, "thr", size, counts[size]);
      (runs[`${size}/${key}`] ??= []).push(...(r ? [r.msgs_per_s] : []));
      console.error(
        `run ${rep + 1}/${REPEAT} ${sizeName(size)} ${impl.name}: ${r?.msgs_per_s ?? "-"} msg/s`,
      );
    }
  }
}

const lines = [
  `# ${
    BACKEND ? "libzmq backend" : "NULL"
  } throughput before and after: ${ref} (${commit}) vs the working tree (${head} + changes)`,
  "",
  `Run ${
    new Date().toISOString()
  } on ${os.cpus().length} CPUs; tcp, PUSH -> PULL between two processes, ` +
  `${
    sizes.map((n) => `${counts[n].toLocaleString("en")} messages at ${sizeName(n)}`).join(", ")
  }; ` +
  `median of ${REPEAT} interleaved runs (min-max). Command: \`${BACKEND ? "BACKEND=libzmq " : ""}${
    process.env.SIZES ? `SIZES=${process.env.SIZES} ` : ""
  }node bench/before_after.mjs ${ref}\`.`,
  "",
  `| size | ${
    Object.values(IMPLS).map((i) => i.name).join(" | ")
  } | Deno after/before | Bun after/before |`,
  `|---|${Object.keys(IMPLS).map(() => "---").join("|")}|---|---|`,
];
for (const size of sizes) {
  const cells = [sizeName(size)];
  for (const key of Object.keys(IMPLS)) {
    const s = stats(runs[`${size}/${key}`] ?? []);
    cells.push(s ? `${fmtRate(s.med)} (${fmtRate(s.min)}-${fmtRate(s.max)})` : "failed");
  }
  for (const rt of ["deno", "bun"]) {
    const a = stats(runs[`${size}/${rt}After`] ?? []);
    const b = stats(runs[`${size}/${rt}Before`] ?? []);
    cells.push(a && b ? (a.med / b.med).toFixed(2) : "-");
  }
  lines.push(`| ${cells.join(" | ")} |`);
}
const table = lines.join("\n") + "\n";
console.log(table);
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(out, table);
