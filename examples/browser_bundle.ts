/**
 * Builds browser.ts into one ES module with the runtime's own bundler: `deno bundle --platform
 * browser` on Deno, `bun build --target browser` on Bun. Used by examples/ws_dashboard.ts and the
 * browser test; by hand: `deno bundle --platform browser -o zmq-ts.js browser.ts`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("../browser.ts", import.meta.url));

/** The bundle's source text. Throws with the bundler's output if it fails. */
export function buildBrowserBundle(): string {
  const dir = mkdtempSync(join(tmpdir(), "zmq-ts-bundle-"));
  const out = join(dir, "zmq-ts.js");
  try {
    const isBun = (globalThis as { Bun?: unknown }).Bun !== undefined;
    const args = isBun
      ? ["build", entry, "--target", "browser", "--format", "esm", "--minify", "--outfile", out]
      : ["bundle", "--platform", "browser", "--minify", "-o", out, entry];
    const r = spawnSync(process.execPath, args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`bundling failed:\n${r.stdout}\n${r.stderr}`);
    return readFileSync(out, "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
