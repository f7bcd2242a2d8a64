// The README's demo runs to completion on this runtime and shows each pattern.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { Request } from "../mod.ts";
import { until, within } from "./helpers/timeout.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const isBun = "Bun" in globalThis;

/** Runs an example to completion on this runtime and returns what it printed. */
function runExample(file: string): Promise<string> {
  const args = isBun ? [file] : ["run", "-A", file];
  return new Promise<string>((resolve, reject) => {
    execFile(process.execPath, args, { cwd: root, timeout: 20000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

test("examples/demo.ts runs and shows the pipeline, pair and inproc parts", async () => {
  const out = await runExample("examples/demo.ts");
  for (const who of ["ant", "bee", "cat"]) assert.match(out, new RegExp(`${who} did task \\d+, task \\d+, task \\d+, task \\d+`));
  assert.match(out, /right answered "pong 3"/);
  assert.match(out, /received 3 frames: 6 bytes, 0 bytes, 3 bytes/);
  assert.match(out, /done\.$/m);
});

test("examples/mtrelay.ts: three threads signal each other in turn", async () => {
  const out = await runExample("examples/mtrelay.ts");
  assert.deepEqual(out.trim().split("\n"), [
    "Step 1 ready, signaling step 2",
    "Step 2 ready, signaling step 3",
    "Test successful!",
  ]);
});

test("examples/mtserver.ts: requests over tcp are answered by REP workers in Worker threads", async () => {
  const args = [...(isBun ? [] : ["run", "-A"]), "examples/mtserver.ts", "--endpoint", "tcp://127.0.0.1:*", "--workers", "3", "--work-ms", "0"];
  const server = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  server.stdout!.on("data", (d) => (out += d));
  const req = new Request({ linger: 0 });
  try {
    await until(() => /listening on (tcp:\/\/\S+)/.test(out), 20000, "the server to listen");
    req.connect(/listening on (tcp:\/\/\S+)/.exec(out)![1]!);
    for (let i = 0; i < 10; i++) {
      await req.send(`Hello ${i}`);
      assert.equal(new TextDecoder().decode((await within(req.receive(), 10000, `reply ${i}`))[0]!), "World");
    }
    await until(() => (out.match(/Received request: \[Hello \d\]/g) ?? []).length === 10, 5000, "the workers' lines");
  } finally {
    req.close();
    server.kill("SIGKILL");
  }
});
