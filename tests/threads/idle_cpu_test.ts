// Cross-thread inproc looks at its ring for a moment before it sleeps (src/threads/look_before_sleep.ts):
// that must end. A process whose cross-thread connections are idle, a receive waiting on each side
// after traffic, uses almost no CPU; a look that never gave up would cost ~1000 ms a second. The
// sockets run in a child process of their own, so that the test runner's own work is not counted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { idleChildReport, MAX_IDLE_CPU_MS } from "../helpers/idle_child.ts";

test("cross-thread inproc: idle connections, a receive waiting on each side after traffic, use almost no CPU and still work", async () => {
  const { cpuMs, back } = await idleChildReport<{ cpuMs: number; back: string }>(
    "tests/threads/fixtures/idle_cpu.ts",
  );
  assert.equal(back, "after the idle second");
  assert.ok(
    cpuMs < MAX_IDLE_CPU_MS,
    `the process used ${cpuMs.toFixed(1)} ms of CPU in 1 s while its connections were idle`,
  );
});
