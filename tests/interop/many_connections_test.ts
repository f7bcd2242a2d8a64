// One ROUTER holds 1,000 concurrent tcp connections from libzmq DEALERs (npm zeromq under Node)
// and answers each of them (issues #12 and #18): every DEALER gets its own echo while all 1,000
// are connected, and the socket lets go of every one when they close.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Router } from "../../mod.ts";
import { until, within } from "../helpers/timeout.ts";

const COUNT = 1000;
const script = fileURLToPath(new URL("./many_dealers.cjs", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));

/** This process's soft limit on open files (Linux), or Infinity where /proc is absent. */
function openFilesLimit(): number {
  try {
    const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync("/proc/self/limits", "utf8"));
    return m === null || m[1] === "unlimited" ? Infinity : Number(m[1]);
  } catch {
    return Infinity;
  }
}

const skip = openFilesLimit() < COUNT + 200
  ? `needs ${COUNT + 200} open files (ulimit -n is ${openFilesLimit()})`
  : false;

test(
  `one ROUTER answers ${COUNT} concurrent libzmq DEALERs, each on its own connection`,
  { skip },
  async () => {
    const router = new Router({ linger: 0 });
    await router.bind("tcp://127.0.0.1:*");
    let connected = 0;
    let peak = 0;
    router.events.on("handshake", () => (peak = Math.max(peak, ++connected)));
    router.events.on("disconnect", () => connected--);
    const echoing = (async () => {
      for await (const msg of router) await router.send(msg);
    })();
    // The DEALERs need about two descriptors each: raise the child's soft limit to its hard one.
    const child = spawn("sh", [
      "-c",
      'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec node "$@"',
      "sh",
      script,
      router.lastEndpoint!,
      String(COUNT),
    ], { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
    try {
      const line = new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once("line", resolve);
        child.on("exit", (code) => reject(new Error(`the DEALERs' process exited (${code})`)));
      });
      const result = JSON.parse(await within(line, 60000, `${COUNT} echoes`));
      assert.equal(result.answered, COUNT);
      assert.equal(connected, COUNT, "every connection still open once all are answered");
      assert.equal(peak, COUNT);

      child.stdin!.end();
      const limits = router.core.limits;
      await until(
        () => connected === 0 && limits.accepted === 0,
        30000,
        "every connection to close",
      );
    } finally {
      child.kill();
      router.close();
      await echoing;
    }
  },
);
