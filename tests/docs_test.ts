// Every public symbol is documented: `deno doc --lint` over the public entry points passes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

test("deno doc --lint finds nothing missing in mod.ts, workers/mod.ts and libzmq.ts", async () => {
  const deno = `${root}node_modules/.bin/deno`;
  const result = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile(deno, ["doc", "--lint", "mod.ts", "workers/mod.ts", "libzmq.ts"], {
      cwd: root,
      timeout: 60000,
    }, (err, stdout, stderr) => {
      resolve({
        code: err ? (typeof err.code === "number" ? err.code : 1) : 0,
        out: stdout + stderr,
      });
    });
  });
  assert.equal(
    result.code,
    0,
    result.out.replace(new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g"), "").slice(0, 4000),
  );
});
