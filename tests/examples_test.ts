// The README's demo runs to completion on this runtime and shows each pattern.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const isBun = "Bun" in globalThis;

test("examples/demo.ts runs and shows the pipeline, pair and inproc parts", async () => {
  const args = isBun ? ["examples/demo.ts"] : ["run", "-A", "examples/demo.ts"];
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, args, { cwd: root, timeout: 20000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`demo failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
  for (const who of ["ant", "bee", "cat"]) assert.match(out, new RegExp(`${who} did task \\d+, task \\d+, task \\d+, task \\d+`));
  assert.match(out, /right answered "pong 3"/);
  assert.match(out, /received 3 frames: 6 bytes, 0 bytes, 3 bytes/);
  assert.match(out, /done\.$/m);
});
