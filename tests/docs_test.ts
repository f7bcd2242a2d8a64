// Every public symbol is documented: `deno doc --lint` over every entry point deno.json exports
// passes. Runs the Deno that runs this test, or under Bun the `deno` on PATH (skipped without one).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import process from "node:process";

const root = fileURLToPath(new URL("..", import.meta.url));
const deno = "Deno" in globalThis ? process.execPath : "deno";
const noDeno = spawnSync(deno, ["--version"]).error !== undefined;
const exports: Record<string, string> =
  JSON.parse(readFileSync(`${root}deno.json`, "utf8")).exports;
const entries = Object.values(exports);

(noDeno ? test.skip : test)(
  `deno doc --lint finds nothing missing in ${entries.join(", ")}`,
  async () => {
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        deno,
        ["doc", "--lint", ...entries],
        { cwd: root, timeout: 60000 },
        (err, stdout, stderr) => {
          resolve({
            code: err ? (typeof err.code === "number" ? err.code : 1) : 0,
            out: stdout + stderr,
          });
        },
      );
    });
    assert.equal(
      result.code,
      0,
      result.out.replace(new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g"), "").slice(
        0,
        4000,
      ),
    );
  },
);
