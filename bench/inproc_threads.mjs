// inproc side by side with libzmq, in one run (issue 16): zmq-ts between the main thread and a
// Worker (bench/inproc_threads.ts) and within one thread (bench/inproc_same_thread.ts), on Deno and
// on Bun, against libzmq's inproc between two threads (bench/c/inproc_threads.c, Debian's
// libzmq3-dev); zmq-ts's own tcp between two processes (bench/thr.ts) for the "2x tcp" targets,
// with libzmq's (bench/c/thr.c) beside it; and strings sent instead of the same bytes.
// Each figure is the median of REPEAT runs, with min and max; the repeats are interleaved, so a
// noisy moment of this shared machine touches every column alike. libzmq's own figure swings a
// lot between runs here (1 B: 2.2M-12M msg/s), hence medians, never a single run.
// Writes bench/results/inproc_threads.md.
// Usage: node bench/inproc_threads.mjs          (INPROC_QUICK=1: one run, a tenth of the messages)
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import {
  bin,
  buildC,
  cBin,
  fmtRate,
  freePort,
  line,
  measurePair,
  range as rangeOf,
  root,
  sizeName,
  start,
  stats,
  targetCell,
  versions as runtimeVersions,
} from "./pairs.mjs";

const SIZES = [1, 64, 1024, 65536];
const STRING_SIZES = [1, 64, 1024];
const QUICK = process.env.INPROC_QUICK === "1";
const REPEAT = QUICK ? 1 : 5;
// Long enough that the JIT-compiled runtimes are measured warm (300k one-byte messages measured
// mostly compilation: 1.0M msg/s where 2M messages give 3.0M); the same for every implementation.
const counts = QUICK
  ? { 1: 200_000, 64: 200_000, 1024: 100_000, 65536: 5_000 }
  : { 1: 2_000_000, 64: 2_000_000, 1024: 1_000_000, 65536: 50_000 };
const ROUNDTRIPS = QUICK ? 2_000 : 20_000;

const haveLibzmq = buildC(["inproc_threads", "thr"]);

const RUNTIMES = {
  deno: (file, args) => [bin("deno"), ["run", "-A", `${root}bench/${file}`, ...args]],
  bun: (file, args) => [bin("bun"), [`${root}bench/${file}`, ...args]],
};

/** One process printing a throughput line and a latency line. */
async function oneProcess(cmd, args, label) {
  const child = start(cmd, args);
  try {
    const thr = JSON.parse(await line(child, (l) => l.includes('"throughput"')));
    const lat = JSON.parse(await line(child, (l) => l.includes('"latency"')));
    if (thr.bad) console.error(`  ${label}: ${thr.bad} messages of the wrong size`);
    return { thr: thr.msgs_per_s, lat: lat.one_way_us };
  } catch (e) {
    console.error(`  ${label} failed: ${e.message}`);
    return undefined;
  } finally {
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    await child.exited;
    clearTimeout(killer);
  }
}

const inprocArgs = (size) => [String(size), String(counts[size]), String(ROUNDTRIPS)];

/** Throughput over tcp between two processes (a fresh port each run). */
async function tcp(impl, size, string = false) {
  const ep = `tcp://127.0.0.1:${await freePort()}`;
  const args = (
    role,
  ) => [role, ep, String(size), String(counts[size]), ...(string ? ["string"] : [])];
  const cmd = (role) =>
    impl === "libzmq" ? [cBin("thr"), args(role)] : RUNTIMES[impl]("thr.ts", args(role));
  const r = await measurePair({
    kind: "thr",
    receiver: cmd("recv"),
    sender: cmd("send"),
    label: `${impl} tcp ${size} B${string ? " string" : ""}`,
  });
  return r?.msgs_per_s;
}

// What is measured, each a function of the size returning { thr, lat? } or undefined.
const MEASURES = {
  "libzmq/threads": (size) =>
    haveLibzmq
      ? oneProcess(cBin("inproc_threads"), inprocArgs(size), `libzmq inproc ${size} B`)
      : undefined,
  "deno/threads": (size) =>
    oneProcess(...RUNTIMES.deno("inproc_threads.ts", inprocArgs(size)), `deno workers ${size} B`),
  "bun/threads": (size) =>
    oneProcess(...RUNTIMES.bun("inproc_threads.ts", inprocArgs(size)), `bun workers ${size} B`),
  "deno/same": (size) =>
    oneProcess(...RUNTIMES.deno("inproc_same_thread.ts", inprocArgs(size)), `deno same ${size} B`),
  "bun/same": (size) =>
    oneProcess(...RUNTIMES.bun("inproc_same_thread.ts", inprocArgs(size)), `bun same ${size} B`),
  "deno/same-string": async (size) =>
    STRING_SIZES.includes(size)
      ? await oneProcess(
        ...RUNTIMES.deno("inproc_same_thread.ts", [...inprocArgs(size), "string"]),
        `deno same string ${size} B`,
      )
      : undefined,
  "bun/same-string": async (size) =>
    STRING_SIZES.includes(size)
      ? await oneProcess(
        ...RUNTIMES.bun("inproc_same_thread.ts", [...inprocArgs(size), "string"]),
        `bun same string ${size} B`,
      )
      : undefined,
  "libzmq/tcp": async (size) => haveLibzmq ? { thr: await tcp("libzmq", size) } : undefined,
  "deno/tcp": async (size) => ({ thr: await tcp("deno", size) }),
  "bun/tcp": async (size) => ({ thr: await tcp("bun", size) }),
  "deno/tcp-string": async (size) =>
    STRING_SIZES.includes(size) ? { thr: await tcp("deno", size, true) } : undefined,
  "bun/tcp-string": async (size) =>
    STRING_SIZES.includes(size) ? { thr: await tcp("bun", size, true) } : undefined,
};

const runs = {}; // `${measure}/${size}` -> { thr: [], lat: [] }
const began = Date.now();
for (let rep = 0; rep < REPEAT; rep++) {
  for (const size of SIZES) {
    for (const [name, measure] of Object.entries(MEASURES)) {
      const r = await measure(size);
      if (r === undefined) continue;
      const k = (runs[`${name}/${size}`] ??= { thr: [], lat: [] });
      if (r.thr !== undefined) k.thr.push(r.thr);
      if (r.lat !== undefined) k.lat.push(r.lat);
      console.error(
        `run ${rep + 1}/${REPEAT} ${sizeName(size)} ${name}: ${r.thr ?? "-"} msg/s` +
          `${r.lat !== undefined ? `, ${r.lat} µs` : ""}  (${
            ((Date.now() - began) / 1000).toFixed(0)
          } s)`,
      );
    }
  }
}

const fig = (name, size, what = "thr") => stats(runs[`${name}/${size}`]?.[what] ?? []);
const range = (s, f) => (s ? rangeOf(s, f, REPEAT) : "-");
const us = (n) => (n >= 10 ? n.toFixed(1) : n.toFixed(2));
const tally = []; // { group, runtime, size, ratio, target, met, atMost }

/** The ratio of two medians, marked against a target when there is one. */
function ratio(group, runtime, size, a, b, target, atMost = false) {
  if (!a || !b) return "-";
  const r = a.med / b.med;
  if (target === undefined) return r.toFixed(2);
  const met = atMost ? r <= target : r >= target;
  tally.push({ group, runtime, size, ratio: r, target, met, atMost });
  return `${r.toFixed(2)} ${met ? "met" : "**missed**"} (${atMost ? "≤" : "≥"} ${target})`;
}

const WORKERS_VS_LIBZMQ = { 1: 0.4, 64: 0.4, 1024: 0.6, 65536: 1 };
const v = runtimeVersions();
const versions = [`libzmq ${v.libzmq} (Debian libzmq3-dev, C)`, `Deno ${v.deno}`, `Bun ${v.bun}`];

const out = [];
const table = (head, rows) => {
  out.push(`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`);
  for (const r of rows) out.push(`| ${r.join(" | ")} |`);
  out.push("");
};
out.push("# inproc: zmq-ts across Workers and within one thread, beside libzmq", "");
out.push(
  `Run ${new Date().toISOString()} on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), ` +
    `${((Date.now() - began) / 60000).toFixed(1)} min; ${
      versions.join(", ")
    }. Median of ${REPEAT} ` +
    `interleaved runs (min-max). Throughput: a PUSH sends N messages to a PULL, which times from the ` +
    `first to the last (N = ${counts[1].toLocaleString("en")} at 1 B and 64 B, ` +
    `${counts[1024].toLocaleString("en")} at 1 KiB, ${
      counts[65536].toLocaleString("en")
    } at 64 KiB, ` +
    `the same for everyone); latency: ${
      ROUNDTRIPS.toLocaleString("en")
    } REQ <-> REP round trips, ` +
    `one way = round trip / 2. libzmq: two threads of one process (\`bench/c/inproc_threads.c\`). ` +
    `zmq-ts across Workers: PUSH in a Worker, PULL in the main thread; REQ in the main thread, REP ` +
    `in the Worker (\`bench/inproc_threads.ts\`). Within one thread: both loops in one thread ` +
    `(\`bench/inproc_same_thread.ts\`). tcp: two processes on 127.0.0.1 (\`bench/thr.ts\`, ` +
    `\`bench/c/thr.c\`). Ratios are of the medians; for latency lower is better. ` +
    `Command: \`node bench/inproc_threads.mjs\`.`,
  "",
);

out.push("## Across Workers (main thread <-> Worker) vs libzmq between two threads", "");
{
  const head = ["size", "libzmq msg/s", "Deno msg/s", "Bun msg/s", "Deno/libzmq", "Bun/libzmq"];
  head.push("Deno/Deno tcp", "Bun/Bun tcp", "libzmq µs", "Deno µs", "Bun µs");
  head.push("Deno/libzmq µs", "Bun/libzmq µs");
  const rows = SIZES.map((size) => {
    const l = fig("libzmq/threads", size);
    const row = [sizeName(size), range(l, fmtRate)];
    for (const rt of ["deno", "bun"]) row.push(range(fig(`${rt}/threads`, size), fmtRate));
    for (const rt of ["deno", "bun"]) {
      row.push(
        ratio("workers-libzmq", rt, size, fig(`${rt}/threads`, size), l, WORKERS_VS_LIBZMQ[size]),
      );
    }
    for (const rt of ["deno", "bun"]) {
      row.push(
        ratio("workers-tcp", rt, size, fig(`${rt}/threads`, size), fig(`${rt}/tcp`, size), 2),
      );
    }
    const ll = fig("libzmq/threads", size, "lat");
    row.push(range(ll, us));
    for (const rt of ["deno", "bun"]) row.push(range(fig(`${rt}/threads`, size, "lat"), us));
    for (const rt of ["deno", "bun"]) {
      row.push(ratio("workers-latency", rt, size, fig(`${rt}/threads`, size, "lat"), ll, 1, true));
    }
    return row;
  });
  table(head, rows);
}

out.push("## Within one thread (pipes joined directly) vs libzmq between two threads", "");
{
  const head = ["size", "libzmq msg/s", "Deno msg/s", "Bun msg/s", "Deno/libzmq", "Bun/libzmq"];
  head.push("libzmq µs", "Deno µs", "Bun µs");
  const rows = SIZES.map((size) => {
    const l = fig("libzmq/threads", size);
    const row = [sizeName(size), range(l, fmtRate)];
    for (const rt of ["deno", "bun"]) row.push(range(fig(`${rt}/same`, size), fmtRate));
    for (const rt of ["deno", "bun"]) {
      row.push(ratio("same-libzmq", rt, size, fig(`${rt}/same`, size), l, 1));
    }
    row.push(range(fig("libzmq/threads", size, "lat"), us));
    for (const rt of ["deno", "bun"]) row.push(range(fig(`${rt}/same`, size, "lat"), us));
    return row;
  });
  table(head, rows);
}

out.push("## tcp between two processes (for the 2x targets above; kept where it was)", "");
{
  const head = ["size", "libzmq msg/s", "Deno msg/s", "Bun msg/s", "Deno/libzmq", "Bun/libzmq"];
  const rows = SIZES.map((size) => {
    const l = fig("libzmq/tcp", size);
    const row = [sizeName(size), range(l, fmtRate)];
    for (const rt of ["deno", "bun"]) row.push(range(fig(`${rt}/tcp`, size), fmtRate));
    for (const rt of ["deno", "bun"]) row.push(ratio("tcp", rt, size, fig(`${rt}/tcp`, size), l));
    return row;
  });
  table(head, rows);
}

out.push('## Strings: `send("xxx…")` against `send(bytes)` of the same bytes', "");
{
  const head = ["size", "path", "Deno bytes", "Deno string", "Deno string/bytes", "Bun bytes"];
  head.push("Bun string", "Bun string/bytes");
  const rows = [];
  for (const size of STRING_SIZES) {
    for (
      const [path, bytes, str] of [["inproc, one thread", "same", "same-string"], [
        "tcp",
        "tcp",
        "tcp-string",
      ]]
    ) {
      const row = [sizeName(size), path];
      for (const rt of ["deno", "bun"]) {
        const b = fig(`${rt}/${bytes}`, size);
        const s = fig(`${rt}/${str}`, size);
        row.push(range(b, fmtRate), range(s, fmtRate));
        row.push(ratio(`strings-${path}`, rt, size, s, b, rt === "deno" ? 0.9 : undefined));
      }
      rows.push(row);
    }
  }
  table(head, rows);
}

out.push("## Targets (issue 16)", "");
{
  const rows = [
    ["across Workers ≥ 0.4x libzmq at 1 B and 64 B, 0.6x at 1 KiB, 1x at 64 KiB", "workers-libzmq"],
    ["across Workers ≥ 2x our own tcp, every size", "workers-tcp"],
    ["across Workers, one-way latency ≤ 1.0x libzmq, every size", "workers-latency"],
    ["within one thread ≥ 1x libzmq inproc, every size", "same-libzmq"],
    [
      "strings on Deno within 10% of bytes (≥ 0.9), inproc in one thread",
      "strings-inproc, one thread",
    ],
    ["strings on Deno within 10% of bytes (≥ 0.9), tcp", "strings-tcp"],
  ].map(([label, group]) => {
    const cells = [label];
    for (const rt of ["deno", "bun"]) {
      cells.push(targetCell(tally.filter((t) => t.group === group && t.runtime === rt)));
    }
    return cells;
  });
  table(["target", "Deno", "Bun"], rows);
  const met = tally.filter((t) => t.met).length;
  out.push(`${met} of ${tally.length} target checks met.`, "");
  // What the profiles of the misses showed (docs/architecture.md, Performance, says more).
  out.push(
    "## What bounds the misses (CPU profiles, `deno run --cpu-prof`; per-thread CPU from /proc)",
    "",
    "- Across Workers at 64 KiB: libzmq passes a pointer; here a message is copied into the ring",
    "  and out into a fresh 64 KiB buffer (the receiver owns it). On Deno, 100,000 such messages",
    "  took the reader 1.11 s of CPU in 1.44 s, the writer 0.75 s, and V8's GC threads 0.55 s (89",
    "  collections per 50,000 messages, about half of them incremental mark-compacts started by the",
    "  fresh buffers' external memory): the two cores are nearly full. Bun's collector keeps up.",
    "- Across Workers, 2x our own tcp: the receiving thread is the bound. At 1 B it was busy 470 ms",
    "  of 493 (117 ns a message: copying out of the ring 28% of its time, taking 14%, the receive",
    "  promise 14%, the bench's own loop 10%) while the writer was busy half the time; the tcp",
    "  reader does the same per-message work, so crossing threads is about as fast as tcp, not",
    "  twice. (Wake-ups no longer bound it: a side looks at the ring for 50 µs before sleeping,",
    "  which met the latency target.)",
    "- Within one thread at 1 B (and Bun at 64 B): a promise and its microtasks per send and per",
    "  receive (Deno at 1 B: the receive path 22%, the two loops' continuations 26%, microtasks",
    "  10%, waking the reader after the sender's burst 13%, GC 5%).",
    "- Strings within one thread: the bytes baseline hands the same array to the receiver, no copy",
    "  at all; a string needs fresh bytes for every message (a view of a slab, copied from the kept",
    "  bytes of a repeated string), so it cannot come within 10% there; over tcp, where both copy,",
    "  it does.",
    "",
  );
}

const text = out.join("\n");
console.log(text);
if (!QUICK) {
  mkdirSync(`${root}bench/results`, { recursive: true });
  const file = `${root}bench/results/inproc_threads.md`;
  writeFileSync(file, text);
  // The tree is kept formatted (deno fmt aligns the tables' columns).
  execFileSync(bin("deno"), ["fmt", "--quiet", file]);
}
