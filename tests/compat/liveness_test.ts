// zeromq.js compatibility (issue 15): a waiting send, receive or events read keeps the process
// alive; idle bound or connected sockets (with heartbeats and reconnects) do not, in a process or
// a Worker. Each case runs tests/compat/fixtures/liveness.ts in a child of this runtime.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { within } from "../helpers/timeout.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

/** Runs the fixture in `mode`; resolves with its exit code and output, failing after `ms`. */
async function run(mode: string, ms = 10000): Promise<{ code: number | null; out: string }> {
  const args = [...(isBun ? [] : ["run", "-A"]), "tests/compat/fixtures/liveness.ts", mode];
  // Not under `deno test --coverage`'s collector (DENO_COVERAGE_DIR is inherited): it keeps a
  // Worker's isolate alive after its last task, so no Worker could be seen ending by itself.
  const { DENO_COVERAGE_DIR: _collector, ...env } = process.env;
  const child = spawn(process.execPath, args, {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  try {
    const code = await within(exited, ms, `the child (${mode}) to exit by itself`);
    return { code, out };
  } finally {
    child.kill("SIGKILL");
  }
}

test("a waiting inproc receive keeps the process alive until its message comes", async () => {
  const { code, out } = await run("receive");
  assert.equal(code, 0);
  assert.match(out, /got late/);
});

test("a send waiting for a peer keeps the process alive until it is sent", async () => {
  const { code, out } = await run("send");
  assert.equal(code, 0);
  assert.match(out, /sent/);
});

test("reading socket.events keeps the process alive until the socket ends", async () => {
  const { code, out } = await run("events");
  assert.equal(code, 0);
  assert.match(out, /events end/);
});

test("idle bound and connected sockets, heartbeats and reconnects let the process exit", async () => {
  const { code, out } = await run("idle");
  assert.equal(code, 0);
  assert.match(out, /idle/);
});

test("a Worker whose sockets are idle ends by itself", async () => {
  const { code, out } = await run("worker");
  assert.equal(code, 0);
  assert.match(out, /worker exited 0/);
});
