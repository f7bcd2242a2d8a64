// CURVE over tcp between two processes, side by side (issue #14): libzmq's C programs
// (bench/c/thr.c, bench/c/lat.c with bench/c/security.h) and zmq-ts on Deno and on Bun
// (bench/thr.ts, bench/lat.ts), with the same keys (one pair each for server and client, made by
// libzmq through zeromq.js), in one run. Throughput: PUSH (CURVE client) -> PULL (CURVE server,
// bound); latency: REQ (client) <-> REP (server), one way = round trip / 2. No ZAP handler on
// either side. Median of REPEAT interleaved runs with min-max; ratios zmq-ts / libzmq, with the
// issue's targets (throughput >= 0.5x, one-way latency <= 0.8x, every size) marked met or missed.
// Writes bench/results/curve.md.
// Usage: node bench/curve.mjs   (needs gcc and libzmq3-dev; CURVE_QUICK=1 for a short trial;
// ZMQ_TS_SODIUM=wasm measures CURVE's WebAssembly path alone, as before the native one)
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import {
  bin,
  buildC,
  cBin,
  fmtMB,
  fmtRate,
  fmtUs,
  measureTcp,
  root,
  sizeName,
  stats,
} from "./pairs.mjs";

const QUICK = process.env.CURVE_QUICK === "1";
const REPEAT = QUICK ? 1 : 3;
const SIZES = [1, 64, 1024, 65536];
// Long enough that the runtimes are measured warm: each run lasts about a second or more.
const counts = QUICK
  ? { 1: 20_000, 64: 20_000, 1024: 20_000, 65536: 1000 }
  : { 1: 500_000, 64: 500_000, 1024: 200_000, 65536: 10_000 };
const ROUNDTRIPS = QUICK ? 500 : 10_000;
const TARGET = { thr: 0.5, lat: 0.8 };

const { curveKeyPair } = createRequire(import.meta.url)("zeromq");
const server = curveKeyPair();
const client = curveKeyPair();
const env = {
  ZMQ_BENCH_CURVE_SERVER_SECRET: server.secretKey,
  ZMQ_BENCH_CURVE_SERVER_PUBLIC: server.publicKey,
  ZMQ_BENCH_CURVE_CLIENT_PUBLIC: client.publicKey,
  ZMQ_BENCH_CURVE_CLIENT_SECRET: client.secretKey,
};

if (!buildC(["thr", "lat"])) process.exit(1);
const IMPLS = {
  libzmq: { name: "libzmq", env, cmd: (kind, args) => [cBin(kind), args] },
  deno: {
    name: "zmq-ts Deno",
    env,
    cmd: (kind, args) => [bin("deno"), ["run", "-A", `${root}bench/${kind}.ts`, ...args]],
  },
  bun: {
    name: "zmq-ts Bun",
    env,
    cmd: (kind, args) => [bin("bun"), [`${root}bench/${kind}.ts`, ...args]],
  },
};

const runs = {}; // `${size}/${impl}` -> { thr: [], mb: [], lat: [] }
const began = Date.now();
for (let rep = 0; rep < REPEAT; rep++) {
  for (const size of SIZES) {
    for (const impl of Object.keys(IMPLS)) {
      const r = (runs[`${size}/${impl}`] ??= { thr: [], mb: [], lat: [] });
      const thr = await measureTcp(IMPLS[impl], "thr", size, counts[size]);
      if (thr) {
        r.thr.push(thr.msgs_per_s);
        r.mb.push(thr.mb_per_s);
      }
      const lat = await measureTcp(IMPLS[impl], "lat", size, ROUNDTRIPS);
      if (lat) r.lat.push(lat.one_way_us);
      console.error(
        `run ${rep + 1}/${REPEAT} ${size} B ${IMPLS[impl].name}: ${
          thr?.msgs_per_s ?? "-"
        } msg/s, ` +
          `${lat?.one_way_us ?? "-"} µs  (${((Date.now() - began) / 1000).toFixed(0)} s)`,
      );
    }
  }
}

const fig = (size, impl, what) => stats(runs[`${size}/${impl}`]?.[what] ?? []);
const range = (s, f) =>
  `${f(s.med)} (${f(s.min)}-${f(s.max)})${s.n < REPEAT ? ` [${s.n} of ${REPEAT} runs]` : ""}`;
const tally = [];
function ratioCell(runtime, size, metric) {
  const a = fig(size, runtime, metric);
  const b = fig(size, "libzmq", metric);
  if (!a || !b) return "-";
  const ratio = a.med / b.med;
  const met = metric === "lat" ? ratio <= TARGET.lat : ratio >= TARGET.thr;
  tally.push({ runtime, size, metric, ratio, met });
  return `${ratio.toFixed(2)} ${met ? "met" : "**missed**"} (${metric === "lat" ? "≤" : "≥"} ${
    TARGET[metric]
  })`;
}

const lines = [];
lines.push("# CURVE over tcp: zmq-ts (Deno, Bun) vs libzmq, two processes");
lines.push("");
const pkg = (() => {
  try {
    return execFileSync("pkg-config", ["--modversion", "libzmq"], { encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
})();
/** Which library CURVE used on each runtime (curveCryptoBackend(), asked the way the bench runs). */
function sealsWith() {
  const program = `import { curveCryptoBackend } from "${root}mod.ts";
console.log(JSON.stringify(await curveCryptoBackend()));`;
  const ask = (cmd, args) => {
    try {
      return JSON.parse(execFileSync(cmd, args, { cwd: root, encoding: "utf8" }).trim());
    } catch (e) {
      return { name: "?", reason: e.message.split("\n")[0] };
    }
  };
  const said = {
    Deno: ask(bin("deno"), ["eval", program]),
    Bun: ask(bin("bun"), ["-e", program]),
  };
  const words = (b) =>
    b.name === "native"
      ? `the system's libsodium through FFI (${b.library}) from 1 KiB, libsodium-wrappers 0.8.4 (WebAssembly) below`
      : `libsodium-wrappers 0.8.4 (WebAssembly) alone: ${b.reason}`;
  return said.Deno.name === said.Bun.name && said.Deno.library === said.Bun.library
    ? words(said.Deno)
    : `${words(said.Deno)} on Deno, ${words(said.Bun)} on Bun`;
}
lines.push(
  `Run ${new Date().toISOString()} on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), ` +
    `${
      ((Date.now() - began) / 60000).toFixed(1)
    } min; libzmq ${pkg} (Debian libzmq3-dev, C, libsodium), ` +
    `Deno ${
      execFileSync(bin("deno"), ["--version"], { encoding: "utf8" }).split("\n")[0].split(" ")[1]
    }, ` +
    `Bun ${
      execFileSync(bin("bun"), ["--version"], { encoding: "utf8" }).trim()
    }; zmq-ts seals with ${sealsWith()}. ` +
    `Median of ${REPEAT} runs (min-max), interleaved. Throughput: a PUSH process (CURVE client) sends N messages to a PULL ` +
    `process (CURVE server, bound), which times from the first to the last (N = ${
      counts[1].toLocaleString("en")
    } at 1 B and 64 B, ` +
    `${counts[1024].toLocaleString("en")} at 1 KiB, ${
      counts[65536].toLocaleString("en")
    } at 64 KiB). Latency: ${ROUNDTRIPS.toLocaleString("en")} REQ <-> REP ` +
    `round trips, one way = round trip / 2. The same key pairs for every implementation; no ZAP handler. tcp on 127.0.0.1. ` +
    `Ratios are zmq-ts / libzmq of the medians. Command: \`node bench/curve.mjs\`.`,
);
lines.push("");
lines.push("| size | metric | libzmq | zmq-ts Deno | zmq-ts Bun | Deno/libzmq | Bun/libzmq |");
lines.push("|---|---|---|---|---|---|---|");
for (const size of SIZES) {
  for (const metric of ["thr", "lat"]) {
    const cells = [sizeName(size), metric === "thr" ? "msg/s, MB/s" : "one way µs"];
    for (const impl of Object.keys(IMPLS)) {
      const s = fig(size, impl, metric);
      if (!s) cells.push("failed");
      else if (metric === "thr") {
        cells.push(`${range(s, fmtRate)}, ${fmtMB(fig(size, impl, "mb").med)} MB/s`);
      } else cells.push(range(s, fmtUs));
    }
    cells.push(ratioCell("deno", size, metric), ratioCell("bun", size, metric));
    lines.push(`| ${cells.join(" | ")} |`);
  }
}
lines.push("");
lines.push(
  `Targets (issue #14): throughput ≥ 0.5x libzmq CURVE and one-way latency ≤ 0.8x at every size, on both runtimes: ` +
    `${tally.filter((t) => t.met).length} of ${tally.length} checks met` +
    (tally.some((t) => !t.met)
      ? `; missed: ${
        tally.filter((t) => !t.met).map((t) =>
          `${t.runtime} ${t.metric} ${sizeName(t.size)} (${t.ratio.toFixed(2)})`
        )
          .join(", ")
      }.`
      : "."),
);
lines.push("");
lines.push("What bounds the misses, by profile: [curve_profile.md](curve_profile.md).");
const table = lines.join("\n") + "\n";
console.log(table);
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/${QUICK ? "curve_quick.md" : "curve.md"}`, table);
