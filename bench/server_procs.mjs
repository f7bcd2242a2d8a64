// What bench/conn_scale.mjs and bench/conn_attack.mjs share: the servers they measure (a pyzmq
// ROUTER, zmq-ts on Deno and on Bun, each echoing what it gets), starting processes with the
// open-files limit raised, reading their lines, and what /proc tells of a process (rss, CPU,
// descriptors) and of the kernel (connections dropped by a full listen queue).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { bin, line as firstLine, root, start as startProgram, timeout } from "./pairs.mjs";

export { bin, root };
/** The python with zmq (the pyenv python3 first on PATH has none). */
export const PYTHON = "/usr/bin/python3";
const STEP_TIMEOUT_MS = 180_000;

/** The servers, each started as `[...cmd, endpoint]`; they print "ready <endpoint>". */
export const SERVERS = {
  libzmq: {
    name: "libzmq (pyzmq ROUTER)",
    cmd: [PYTHON, `${root}bench/conn_scale_server.py`, "tcp://127.0.0.1:*"],
  },
  // libzmq listens with a backlog of 100 by default: beyond it the kernel drops connections and the
  // clients retry after 1, 3, 7... s, which then dominates the time. Deno and Bun listen with 511 and
  // 512, so this row is the like-for-like one, and the time target is judged against it.
  libzmq512: {
    name: "libzmq, backlog 512",
    cmd: [PYTHON, `${root}bench/conn_scale_server.py`, "tcp://127.0.0.1:*", "512"],
  },
  deno: {
    name: "zmq-ts Deno",
    cmd: [
      bin("deno"),
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      `${root}bench/conn_scale_server.ts`,
      "tcp://127.0.0.1:*",
    ],
  },
  bun: {
    name: "zmq-ts Bun",
    cmd: [bin("bun"), `${root}bench/conn_scale_server.ts`, "tcp://127.0.0.1:*"],
  },
};

/** The versions measured, for a results header. */
export function versions() {
  return `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}); libzmq ${
    execFileSync(PYTHON, ["-c", "import zmq; print(zmq.zmq_version())"], { encoding: "utf8" })
      .trim()
  } (pyzmq), Deno ${
    execFileSync(bin("deno"), ["--version"], { encoding: "utf8" }).split("\n")[0].split(" ")[1]
  }, Bun ${execFileSync(bin("bun"), ["--version"], { encoding: "utf8" }).trim()}`;
}

/** Starts `cmd` with the open-files limit raised to the hard limit (sh's ulimit, then exec). */
export function start(cmd) {
  return startProgram("sh", ["-c", 'ulimit -n "$(ulimit -Hn)" && exec "$@"', "sh", ...cmd]);
}

/** Ends `child` (closing its stdin), killing it if it has not gone within 5 s. */
export async function stop(child) {
  child.stdin.end();
  await Promise.race([child.exited, sleep(5000)]);
  if (!child.closed) {
    child.kill("SIGKILL");
    await child.exited;
  }
}

/** The first stdout line of `child` from index `from` on that passes `test` (at most 3 minutes). */
export function line(child, test, from = 0) {
  const t = timeout(STEP_TIMEOUT_MS, "a line");
  return Promise.race([firstLine(child, (l, i) => i >= from && test(l)), t.p]).finally(t.cancel);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const rssKiB = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]);
/** CPU time (user + system, ms) the process has used, from /proc/<pid>/stat. */
export const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
};
export const openFds = (pid) => readdirSync(`/proc/${pid}/fd`).length;

/** The kernel's count of connections dropped because a listen queue was full (this network namespace). */
export function listenOverflows() {
  const rows = readFileSync("/proc/net/netstat", "utf8").split("\n");
  for (let i = 0; i + 1 < rows.length; i += 2) {
    const names = rows[i].split(" ");
    const at = names.indexOf("ListenOverflows");
    if (at >= 0) return Number(rows[i + 1].split(" ")[at]);
  }
  return 0;
}

/** Sockets in TIME_WAIT (IPv4, this network namespace): each holds a local port for 60 s. */
export function timeWaitSockets() {
  return readFileSync("/proc/net/tcp", "utf8").split("\n").filter((l) => l.split(/\s+/)[4] === "06")
    .length;
}

/**
 * Waits (at most 90 s) until fewer than `n` sockets are in TIME_WAIT: a run's closed connections
 * hold their client ports for 60 s, and a client binding its source address (`tcp://src:0;...`)
 * cannot take one, so a run started at once after a large one finds too few ports.
 */
export async function portsFree(n = 1000) {
  const deadline = Date.now() + 90_000;
  while (timeWaitSockets() >= n && Date.now() < deadline) await sleep(1000);
}

/** The JS heap and off-heap memory of a zmq-ts server (process.memoryUsage()), in KiB. */
export async function memoryUsage(server, impl) {
  if (impl.startsWith("libzmq")) return undefined;
  const from = server.lines.length;
  server.stdin.write("mem\n");
  const m = JSON.parse((await line(server, (l) => l.startsWith("mem "), from)).slice(4));
  return {
    heapUsed: m.heapUsed / 1024,
    heapTotal: m.heapTotal / 1024,
    external: m.external / 1024,
  };
}

/** A full garbage collection in the server (a no-op for libzmq's C). */
export async function gc(server) {
  const from = server.lines.length;
  server.stdin.write("gc\n");
  await line(server, (l) => l === "gc", from);
  await sleep(200); // let freed pages go back before rss is read
}

/** Waits until the server holds no more descriptors than `fds`; returns how many more it holds. */
export async function fdsBackTo(pid, fds) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (openFds(pid) > fds + 2 && Date.now() < deadline) await sleep(100);
  return openFds(pid) - fds;
}

/**
 * V8 gives emptied pages back only once the process has been idle a while (its memory reducer:
 * 22-24 s after a 10,000-connection burst closed, measured on Deno): waits until rss stops
 * falling (`quietMs` without dropping 1 MiB), at most `maxMs`, then collects again. Returns the
 * rss then and the seconds waited.
 */
export async function settledRss(server, quietMs, maxMs) {
  const pid = server.pid;
  const began = Date.now();
  let low = rssKiB(pid);
  let lowAt = Date.now();
  while (Date.now() - lowAt < quietMs && Date.now() - began < maxMs) {
    await sleep(500);
    const now = rssKiB(pid);
    if (now < low - 1024) (low = now), (lowAt = Date.now());
  }
  await gc(server);
  return { rss: rssKiB(pid), seconds: (Date.now() - began) / 1000 };
}

export const mib = (kib) => (kib / 1024).toFixed(0);
