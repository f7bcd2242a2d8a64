// The libzmq backend spins for a moment before it parks a waiting call (src/libzmq/reactor.ts):
// that must end. A process whose backend sockets are idle, one of them with a receive waiting
// after traffic, uses almost no CPU; a spin or poll that never parks costs ~1000 ms a second. The
// sockets run in a child process of their own (tests/backends/fixtures/idle_cpu.ts), so that the
// test runner's own work (Deno runs every test file in one process) is not counted.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { libzmq } from "../../libzmq.ts";
import { within } from "../helpers/timeout.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const loaded = await libzmq().then((b) => b, (e: Error) => e);
const run = loaded instanceof Error ? test.skip : test;

/** Generous against the few ms per second of an idle process, far below a busy loop's ~1000. */
const MAX_IDLE_CPU_MS = 150;

run(
  `libzmq backend: idle sockets, with a receive waiting after traffic, use almost no CPU${
    loaded instanceof Error ? " (libzmq is not installed)" : ""
  }`,
  async () => {
    const args = [...(isBun ? [] : ["run", "-A"]), "tests/backends/fixtures/idle_cpu.ts"];
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout!.on("data", (c) => (out += c));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      assert.equal(await within(exited, 20000, "the idle child's report"), 0);
    } finally {
      child.kill("SIGKILL");
    }
    const { cpuMs, request } = JSON.parse(out) as { cpuMs: number; request: string };
    assert.equal(request, "a request no one answers");
    assert.ok(
      cpuMs < MAX_IDLE_CPU_MS,
      `the process used ${cpuMs.toFixed(1)} ms of CPU in 1 s while its sockets were idle`,
    );
  },
);
