// Cross-thread inproc looks at its ring for a moment before it sleeps (src/threads/look_before_sleep.ts):
// that must end. A process whose cross-thread connections are idle, a receive waiting on each side
// after traffic, uses almost no CPU; a look that never gave up would cost ~1000 ms a second. The
// sockets run in a child process of their own, so that the test runner's own work is not counted.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { within } from "../helpers/timeout.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
/** Generous against the few ms per second of an idle process, far below a busy loop's ~1000. */
const MAX_IDLE_CPU_MS = 150;

test("cross-thread inproc: idle connections, a receive waiting on each side after traffic, use almost no CPU and still work", async () => {
  const args = [...(isBun ? [] : ["run", "-A"]), "tests/threads/fixtures/idle_cpu.ts"];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  try {
    assert.equal(await within(exited, 20000, "the idle child's report"), 0);
  } finally {
    child.kill("SIGKILL");
  }
  const { cpuMs, back } = JSON.parse(out) as { cpuMs: number; back: string };
  assert.equal(back, "after the idle second");
  assert.ok(
    cpuMs < MAX_IDLE_CPU_MS,
    `the process used ${cpuMs.toFixed(1)} ms of CPU in 1 s while its connections were idle`,
  );
});
