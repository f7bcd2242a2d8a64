// The libzmq backend spins for a moment before it parks a waiting call (src/libzmq/reactor.ts):
// that must end. A process whose backend sockets are idle, one of them with a receive waiting
// after traffic, uses almost no CPU; a spin or poll that never parks costs ~1000 ms a second. The
// sockets run in a child process of their own (tests/backends/fixtures/idle_cpu.ts), so that the
// test runner's own work (Deno runs every test file in one process) is not counted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { libzmq } from "../../libzmq.ts";
import { idleChildReport, MAX_IDLE_CPU_MS } from "../helpers/idle_child.ts";

const loaded = await libzmq().then((b) => b, (e: Error) => e);
const run = loaded instanceof Error ? test.skip : test;

run(
  `libzmq backend: idle sockets, with a receive waiting after traffic, use almost no CPU${
    loaded instanceof Error ? " (libzmq is not installed)" : ""
  }`,
  async () => {
    const { cpuMs, request } = await idleChildReport<{ cpuMs: number; request: string }>(
      "tests/backends/fixtures/idle_cpu.ts",
    );
    assert.equal(request, "a request no one answers");
    assert.ok(
      cpuMs < MAX_IDLE_CPU_MS,
      `the process used ${cpuMs.toFixed(1)} ms of CPU in 1 s while its sockets were idle`,
    );
  },
);
