// What the two-process benchmarks share (bench/tcp_ipc.mjs, bench/ws.mjs): starting programs
// and reading their lines, one measured pair (receiver ready, then sender; a JSON result line),
// free ports, and the statistics and formats of the tables.
import { execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import os from "node:os";

export const root = fileURLToPath(new URL("../", import.meta.url));
export const bin = (name) => `${root}node_modules/.bin/${name}`;

/** Where the C programs of bench/c are built. */
export const cBin = (name) => `${os.tmpdir()}/zmq-ts-bench-${name}`;

/** Builds bench/c/<name>.c against the system's libzmq; false (saying why) if it cannot. */
export function buildC(names) {
  try {
    for (const name of names) {
      execFileSync("gcc", ["-O2", "-o", cBin(name), `${root}bench/c/${name}.c`, "-lzmq"]);
    }
    return true;
  } catch {
    console.error("libzmq column skipped: needs gcc and libzmq3-dev (apt-get install libzmq3-dev)");
    return false;
  }
}

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

export function start(cmd, args, env = {}) {
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
export function line(child, test) {
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

export const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

export const timeout = (ms, what) => {
  let timer;
  const p = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout: ${what}`)), ms);
  });
  return { p, cancel: () => clearTimeout(timer) };
};

// One measurement: receiver first, "ready", then the sender; the JSON result comes from the PULL

/**
 * One measurement: the receiver starts and prints "ready", then the sender; the JSON result comes
 * from the receiver (throughput, `kind` "thr") or the sender (latency). Both processes are gone
 * when this returns; undefined (said on stderr) if the pair failed.
 */
export async function measurePair({ label, kind, receiver: r, sender: s, timeoutMs = 60_000 }) {
  const receiver = start(...r);
  let sender;
  const t = timeout(timeoutMs, label);
  try {
    await Promise.race([line(receiver, (l) => l === "ready"), t.p]);
    sender = start(...s);
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
    if (result.bad) console.error(`  ${label}: ${result.bad} messages of the wrong size`);
    return result;
  } catch (e) {
    console.error(`  ${label} failed: ${e.message}`);
    return undefined;
  } finally {
    t.cancel();
    for (const c of [receiver, sender]) {
      if (c && !c.closed) {
        console.error(`  ${label}: killing a process left behind (pid ${c.pid})`);
        c.kill("SIGKILL");
        await c.exited;
      }
    }
  }
}

export const stats = (xs) => {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return { med: s[Math.floor(s.length / 2)], min: s[0], max: s.at(-1), n: s.length };
};

export const fmtRate = (
  n,
) => (n >= 1e6
  ? `${(n / 1e6).toFixed(2)}M`
  : n >= 1e4
  ? `${(n / 1e3).toFixed(0)}k`
  : `${(n / 1e3).toFixed(1)}k`);
export const fmtMB = (n) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : n.toFixed(2));
export const fmtUs = (n) => n.toFixed(1);
/** A median with its range, and how many runs it has when some failed. */
export const range = (s, f, repeat) =>
  `${f(s.med)} (${f(s.min)}-${f(s.max)})${s.n < repeat ? ` [${s.n} of ${repeat} runs]` : ""}`;
export const sizeName = (s) => (s >= 1024 ? `${s / 1024} KiB` : `${s} B`);

/**
 * A cell of a targets table: "-" when nothing was checked, "met", or the sizes that missed with
 * their ratios (`checks`: { size, ratio, met }).
 */
export function targetCell(checks) {
  if (checks.length === 0) return "-";
  const missed = checks.filter((t) => !t.met);
  if (missed.length === 0) return "met";
  return `**missed** at ${
    missed.map((t) => `${sizeName(t.size)} (${t.ratio.toFixed(2)})`).join(", ")
  }`;
}

/** The runtime versions, for a results header. */
export function versions() {
  const ver = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: "utf8" }).trim();
    } catch {
      return "?";
    }
  };
  return {
    libzmq: ver("pkg-config", ["--modversion", "libzmq"]),
    deno: ver(bin("deno"), ["--version"]).split("\n")[0].split(" ")[1],
    bun: ver(bin("bun"), ["--version"]),
  };
}

/**
 * One measurement over a fresh tcp port on 127.0.0.1, for the benches that compare programs on tcp
 * only (bench/curve.mjs, bench/before_after.mjs): `impl` is { name, cmd(kind, args) -> [command,
 * args], env? }; `n` is messages (thr) or round trips (lat).
 */
export async function measureTcp(impl, kind, size, n, timeoutMs = 60_000) {
  const ep = `tcp://127.0.0.1:${await freePort()}`;
  const [rRole, sRole] = kind === "thr" ? ["recv", "send"] : ["rep", "req"];
  const args = (role) => [role, ep, String(size), String(n)];
  return await measurePair({
    label: `${impl.name} ${kind} tcp ${size} B`,
    kind,
    receiver: [...impl.cmd(kind, args(rRole)), impl.env],
    sender: [...impl.cmd(kind, args(sRole)), impl.env],
    timeoutMs,
  });
}
