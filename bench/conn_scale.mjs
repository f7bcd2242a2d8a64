// Connection scale (issue #18): N tcp connections to one ROUTER that echoes one message from each.
// Servers, in one run: libzmq (a pyzmq ROUTER, bench/conn_scale_server.py), zmq-ts on Deno and
// on Bun (bench/conn_scale_server.ts). Clients: libzmq DEALERs in two processes
// (bench/conn_scale_client.py, /usr/bin/python3 with zmq), one socket and one connection each.
// For each server and N it reports the server's rss (from /proc) at the start, once every DEALER
// has its echo, after a GC with the connections still open, and after they closed and a GC; the
// memory per connection; and the time from "go" (connect and send) to the last echo.
// Writes bench/results/conn_scale.md.
// Usage: node bench/conn_scale.mjs
//   CONN_SCALE_COUNTS=4000,10000   connection counts (default)
//   CONN_SCALE_SERVERS=libzmq,deno,bun
//   CONN_SCALE_CLIENTS=2           client processes
//   CONN_SCALE_SOURCES=127.0.0.1,127.0.0.2   client source addresses (past one address's ports)
//   CONN_SCALE_REPEAT=1            runs per figure (median reported)
//   CONN_SCALE_SETTLE_MS=90000     longest wait, after the close, for rss to stop falling (it
//                                  must not fall for 30 s; V8 gives pages back after ~25 s idle)
//   CONN_SCALE_OUT=path            where the table goes (default bench/results/conn_scale.md)
import { mkdirSync, writeFileSync } from "node:fs";
import {
  cpuMs,
  fdsBackTo,
  gc,
  line,
  listenOverflows,
  memoryUsage,
  mib,
  openFds,
  portsFree,
  PYTHON,
  root,
  rssKiB,
  SERVERS,
  settledRss,
  start,
  stop,
  versions,
} from "./server_procs.mjs";

const env = process.env;
const COUNTS = (env.CONN_SCALE_COUNTS ?? "4000,10000").split(",").map(Number);
const CLIENTS = Number(env.CONN_SCALE_CLIENTS ?? 2);
const SOURCES = env.CONN_SCALE_SOURCES ? env.CONN_SCALE_SOURCES.split(",") : [];
const REPEAT = Number(env.CONN_SCALE_REPEAT ?? 1);
const SETTLE_MS = Number(env.CONN_SCALE_SETTLE_MS ?? 90_000);
const servers = (env.CONN_SCALE_SERVERS ?? "libzmq,libzmq512,deno,bun").split(",");

/** One measurement of `impl` at `n` connections. */
async function measure(impl, n) {
  const server = start(SERVERS[impl].cmd);
  const clients = [];
  try {
    const endpoint = (await line(server, (l) => l.startsWith("ready "))).slice(6);
    await gc(server);
    const pid = server.pid;
    const fdStart = openFds(pid);
    const rssStart = rssKiB(pid);
    const memStart = await memoryUsage(server, impl);
    for (let i = 0; i < CLIENTS; i++) {
      const share = Math.floor(n / CLIENTS) + (i < n % CLIENTS ? 1 : 0);
      clients.push(
        start([PYTHON, `${root}bench/conn_scale_client.py`, endpoint, String(share), ...SOURCES]),
      );
    }
    await Promise.all(clients.map((c) => line(c, (l) => l === "made")));
    if (SOURCES.length > 0) await portsFree();
    const overflowsBefore = listenOverflows();
    const cpuBefore = cpuMs(pid);
    const t0 = performance.now();
    for (const c of clients) c.stdin.write("go\n");
    await Promise.all(clients.map((c) => line(c, (l) => l.startsWith("done "))));
    const ms = performance.now() - t0;
    const overflows = listenOverflows() - overflowsBefore;
    const cpu = cpuMs(pid) - cpuBefore;
    const rssAnswered = rssKiB(pid);
    const fdsOpen = openFds(pid) - fdStart;
    await gc(server);
    const rssIdle = rssKiB(pid);
    const memIdle = await memoryUsage(server, impl);
    for (const c of clients) c.stdin.write("close\n");
    await Promise.all(clients.map((c) => line(c, (l) => l === "closed")));
    // The server has let go of them once its descriptors are back where they started.
    const fdsLeft = await fdsBackTo(pid, fdStart);
    await gc(server);
    const rssClosed = rssKiB(pid);
    const memClosed = await memoryUsage(server, impl);
    // C frees at once; the runtimes' collectors return memory after some idle seconds.
    const settled = await settledRss(server, impl.startsWith("libzmq") ? 0 : 30_000, SETTLE_MS);
    return {
      n,
      ms,
      overflows,
      cpu,
      fdsOpen,
      fdsLeft,
      rssStart,
      rssAnswered,
      rssIdle,
      memStart,
      memIdle,
      memClosed,
      rssClosed,
      rssSettled: settled.rss,
      settleS: settled.seconds,
    };
  } catch (e) {
    console.error(`  ${impl} ${n}: failed: ${e.message}`);
    return undefined;
  } finally {
    for (const c of [...clients, server]) await stop(c);
  }
}

const results = {}; // `${impl}/${n}` -> [result]
const began = Date.now();
for (let rep = 0; rep < REPEAT; rep++) {
  for (const n of COUNTS) {
    for (const impl of servers) {
      const r = await measure(impl, n);
      if (r) (results[`${impl}/${n}`] ??= []).push(r);
      console.error(
        `run ${rep + 1}/${REPEAT} ${SERVERS[impl].name} ${n}: ` +
          (r
            ? `${(r.ms / 1000).toFixed(2)} s, rss ${mib(r.rssStart)} -> ${mib(r.rssAnswered)} ` +
              `(gc ${mib(r.rssIdle)}) -> closed ${mib(r.rssClosed)} -> settled ${
                mib(r.rssSettled)
              } MiB in ${r.settleS.toFixed(0)} s, fds ${r.fdsOpen}/${r.fdsLeft}, ` +
              `listen queue overflows ${r.overflows}, server cpu ${(r.cpu / 1000).toFixed(2)} s` +
              (r.memIdle
                ? `, heap used/total ${mib(r.memStart.heapUsed)}/${mib(r.memStart.heapTotal)} -> ` +
                  `${mib(r.memIdle.heapUsed)}/${mib(r.memIdle.heapTotal)} MiB, external ` +
                  `${mib(r.memStart.external)} -> ${mib(r.memIdle.external)} MiB; after close ` +
                  `heap ${mib(r.memClosed.heapUsed)}/${mib(r.memClosed.heapTotal)}, external ` +
                  `${mib(r.memClosed.external)} MiB`
                : "")
            : "failed") +
          `  (${((Date.now() - began) / 1000).toFixed(0)} s)`,
      );
    }
  }
}

/** The run with the median time, so each row's figures come from one run. */
function median(impl, n) {
  const rs = [...(results[`${impl}/${n}`] ?? [])].sort((a, b) => a.ms - b.ms);
  return rs[Math.floor(rs.length / 2)];
}
const perConn = (r, at) => ((r[at] - r.rssStart) / r.n).toFixed(1);

const lines = [];
lines.push("# Connection scale: one ROUTER, N tcp connections from libzmq DEALERs");
lines.push("");
lines.push(
  `Run ${new Date().toISOString()} on ${versions()}; ${
    ((Date.now() - began) / 60000).toFixed(1)
  } min. ` +
    `${CLIENTS} client processes of pyzmq DEALERs, one connection each${
      SOURCES.length ? ` from ${SOURCES.join(", ")}` : ""
    }; each sends one message and waits for its echo. ` +
    `Time: from "go" (connect and send) to the last echo. rss of the server process from /proc: at the ` +
    `start (bound, after a GC), once all are answered, after a GC with the connections still open ` +
    `("idle"), after they closed and a GC, and once rss has stopped falling (V8 returns emptied pages ` +
    `only after some idle seconds; then another GC). Per connection = (rss - start) / N. Server CPU: ` +
    `user + system time of the server process during the burst. Dropped connections: the kernel's ` +
    `ListenOverflows during the burst (this network namespace): each is retried by its client after ` +
    `1 s, then 3, 7... so it dominates the time when it is not 0. ` +
    `${REPEAT > 1 ? `Median of ${REPEAT} runs by time. ` : "One run. "}` +
    `Command: \`node bench/conn_scale.mjs\`.`,
);
lines.push("");
lines.push(
  "| N | server | time to answer all | server CPU | connections the listen queue dropped | rss start | rss answered (per conn) | rss idle, after a GC (per conn) | rss after close + GC | rss settled after close (wait) | settled / start |",
);
lines.push("|---|---|---|---|---|---|---|---|---|---|---|");
for (const n of COUNTS) {
  for (const impl of servers) {
    const r = median(impl, n);
    const cells = [n.toLocaleString("en"), SERVERS[impl].name];
    if (!r) cells.push("failed", "", "", "", "", "", "", "", "");
    else {
      cells.push(
        `${(r.ms / 1000).toFixed(2)} s`,
        `${(r.cpu / 1000).toFixed(2)} s`,
        String(r.overflows),
        `${mib(r.rssStart)} MiB`,
        `${mib(r.rssAnswered)} MiB (${perConn(r, "rssAnswered")} KiB)`,
        `${mib(r.rssIdle)} MiB (${perConn(r, "rssIdle")} KiB)`,
        `${mib(r.rssClosed)} MiB`,
        `${mib(r.rssSettled)} MiB (${r.settleS.toFixed(0)} s)`,
        (r.rssSettled / r.rssStart).toFixed(2),
      );
    }
    lines.push(`| ${cells.join(" | ")} |`);
  }
}

// Issue #18's targets.
lines.push("");
lines.push("Targets (issue #18):");
lines.push("");
lines.push("| N | target | Deno | Bun |");
lines.push("|---|---|---|---|");
const verdict = (ok, text) => `${ok ? "met" : "**missed**"} (${text})`;
let met = 0;
let checks = 0;
const judge = (ok, text) => {
  checks++;
  if (ok) met++;
  return verdict(ok, text);
};
for (const n of COUNTS) {
  const lib = median("libzmq", n) ?? median("libzmq512", n); // memory does not depend on the backlog
  const libTime = median("libzmq512", n) ?? median("libzmq", n);
  const rows = [
    ["memory per idle connection ≤ half of libzmq's", (r) => {
      if (!lib) return "-";
      const mine = (r.rssIdle - r.rssStart) / n;
      const half = (lib.rssIdle - lib.rssStart) / n / 2;
      return judge(mine <= half, `${mine.toFixed(1)} vs ${half.toFixed(1)} KiB`);
    }],
    [
      `time to answer all ≤ libzmq's (${
        libTime ? SERVERS[servers.find((s) => median(s, n) === libTime)].name : "-"
      })`,
      (r) =>
        libTime
          ? judge(
            r.ms <= libTime.ms,
            `${(r.ms / 1000).toFixed(2)} vs ${(libTime.ms / 1000).toFixed(2)} s`,
          )
          : "-",
    ],
    [
      "rss after close, settled, ≤ 1.5x start",
      (r) => judge(r.rssSettled <= 1.5 * r.rssStart, `${(r.rssSettled / r.rssStart).toFixed(2)}x`),
    ],
  ];
  for (const [label, f] of rows) {
    const cells = ["deno", "bun"].map((impl) => (median(impl, n) ? f(median(impl, n)) : "-"));
    lines.push(`| ${n.toLocaleString("en")} | ${label} | ${cells.join(" | ")} |`);
  }
  const d = median("deno", n);
  const b = median("bun", n);
  if (d && b) {
    lines.push(
      `| ${n.toLocaleString("en")} | Deno's time ≤ 1.5x Bun's | ${
        judge(d.ms <= 1.5 * b.ms, `${(d.ms / b.ms).toFixed(2)}x`)
      } | |`,
    );
  }
}
// What one more idle connection costs, without the fixed costs a single N folds in (code paged in,
// the young generation a burst grows once): the slope of idle rss between the smallest and largest N.
if (COUNTS.length > 1) {
  const [lo, hi] = [Math.min(...COUNTS), Math.max(...COUNTS)];
  const slope = (impl) => {
    const a = median(impl, lo);
    const b = median(impl, hi);
    return a && b ? (b.rssIdle - a.rssIdle) / (hi - lo) : undefined;
  };
  const lib = slope("libzmq") ?? slope("libzmq512");
  const cells = ["deno", "bun"].map((impl) => {
    const mine = slope(impl);
    return mine === undefined || lib === undefined
      ? "-"
      : judge(mine <= lib / 2, `${mine.toFixed(1)} vs ${(lib / 2).toFixed(1)} KiB`);
  });
  lines.push(
    `| ${lo.toLocaleString("en")} -> ${
      hi.toLocaleString("en")
    } | marginal memory per idle connection ≤ half of libzmq's | ${cells.join(" | ")} |`,
  );
  lines.push("");
  lines.push(
    `Marginal memory per idle connection, (rss idle at ${hi.toLocaleString("en")} - at ${
      lo.toLocaleString("en")
    }) / ${(hi - lo).toLocaleString("en")}: ` +
      servers.map((impl) =>
        `${SERVERS[impl].name} ${slope(impl) === undefined ? "-" : slope(impl).toFixed(1) + " KiB"}`
      ).join(", ") + ".",
  );
}
lines.push("");
lines.push(`${met} of ${checks} target checks met.`);

const table = lines.join("\n") + "\n";
console.log(table);
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(env.CONN_SCALE_OUT ?? `${root}bench/results/conn_scale.md`, table);
