/**
 * The idle-CPU tests' child process: runs a fixture (a path from the repository's root) under the
 * runtime running the test, so that only its sockets are counted, and returns the JSON it printed
 * (its CPU use, and what shows its sockets were live). Fails the test if the child does not exit
 * with 0 within 20 s.
 */
import assert from "node:assert/strict";
import process from "node:process";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { within } from "./timeout.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

/** Generous against the few ms per second of an idle process, far below a busy loop's ~1000. */
export const MAX_IDLE_CPU_MS = 150;

/** Runs `fixture` in a child process and returns what it printed, parsed. */
export async function idleChildReport<T>(fixture: string): Promise<T> {
  const args = [...(isBun ? [] : ["run", "-A"]), fixture];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  try {
    assert.equal(await within(exited, 20000, "the idle child's report"), 0);
  } finally {
    child.kill("SIGKILL");
  }
  return JSON.parse(out) as T;
}
