// A Worker whose module cannot load is never silent: startWorker's program ends with exit code 1
// and a message naming the module, on Deno and on Bun, unless the program handles the Worker's
// error event itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { within } from "../helpers/timeout.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const program = "tests/threads/worker_failure_main.ts";

function run(...args: string[]): Promise<{ code: number | null; out: string }> {
  const argv = "Bun" in globalThis ? [program, ...args] : ["run", "-A", program, ...args];
  const child = spawn(process.execPath, argv, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (out += c));
  return within(
    new Promise<{ code: number | null; out: string }>((resolve) =>
      child.on("close", (code) => resolve({ code, out }))
    ),
    20000,
    "the program to end",
  ).finally(() => child.kill());
}

test("a Worker module that cannot load ends the program with exit code 1, naming the module", async () => {
  const { code, out } = await run();
  assert.equal(code, 1, out);
  assert.match(out, /no_such_worker_module\.ts/);
});

test("a program that handles the Worker's error event keeps running", async () => {
  const { code, out } = await run("handled");
  assert.equal(code, 0, out);
  assert.match(out, /handled the Worker's failure/);
});
