// Line coverage of the library, per file, on both runtimes: runs the given test paths (default: the
// whole tests/ tree) under `deno test --coverage` and `bun test --coverage`, and prints one table.
// "own" is the runtime a file is judged on: Bun for the Bun-only files, Deno for the rest (the two
// count lines differently, so the columns are not comparable with each other).
//
//   node tests/coverage.mjs                       # the whole suite
//   node tests/coverage.mjs tests/unit tests/spec # some of it
//
// Exit code 1 if a runner failed (a failing test or no coverage table).
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;
const paths = process.argv.length > 2 ? process.argv.slice(2) : ["tests/"];
/** Below this, a file is marked in the table. */
const TARGET = 90;
const BUN_ONLY = new Set([
  "src/transports/bun.ts",
  "src/libzmq/ffi_bun.ts",
  "src/security/sodium_ffi_bun.ts",
  "src/transports/ws_bun.ts",
]);
const isLibrary = (f) => /^(src\/|workers\/|mod\.ts$|libzmq\.ts$)/.test(f);

/** Runs a command quietly (its output kept, shown only on failure); resolves with its exit and output. */
function run(cmd, argv) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    child.on("error", (e) => resolve({ code: 1, out: `${out}\n${e.message}` }));
    child.on("close", (code) => resolve({ code, out }));
  });
}

/** Rows of a text table whose cells are split by `|`: file -> the cell at `column`. */
function column(text, column) {
  const plain = text.replace(new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g"), "");
  const lines = new Map();
  for (const line of plain.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (line.startsWith("|")) cells.shift(); // deno's table has an outer border
    const file = cells[0];
    const value = Number(cells[column]);
    if (file && isLibrary(file) && cells[column] !== "" && !Number.isNaN(value)) {
      lines.set(file, value);
    }
  }
  return lines;
}

async function deno() {
  const dir = mkdtempSync(join(tmpdir(), "zmq-ts-coverage-"));
  try {
    const test = await run(bin("deno"), ["test", "--allow-all", `--coverage=${dir}`, ...paths]);
    // Child processes the tests start (examples, workers) write profiles there too; one killed
    // while writing leaves a truncated file, and `deno coverage` gives up on the whole set.
    for (const f of readdirSync(dir)) {
      if (!f.endsWith(".json")) continue;
      try {
        JSON.parse(readFileSync(join(dir, f), "utf8"));
      } catch {
        rmSync(join(dir, f));
      }
    }
    const report = await run(bin("deno"), ["coverage", dir]);
    // | File | Branch % | Function % | Line % |
    return { ok: test.code === 0, out: `${test.out}\n${report.out}`, lines: column(report.out, 3) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bun() {
  const argv = paths.map((p) => (p.startsWith(".") || p.startsWith("/") ? p : `./${p}`));
  const test = await run(bin("bun"), ["test", "--timeout", "60000", "--coverage", ...argv]);
  // File | % Funcs | % Lines | Uncovered Line #s
  return { ok: test.code === 0, out: test.out, lines: column(test.out, 2) };
}

console.log(`coverage of ${paths.join(" ")} (deno, then bun)...`);
const d = await deno();
const b = await bun();
let broken = false;
for (const [name, r] of [["deno", d], ["bun", b]]) {
  if (r.ok && r.lines.size > 0) continue;
  broken = true;
  console.log(`\n!!! ${name}: tests failed or no coverage table; its output:\n${r.out}`);
}

const files = [...new Set([...d.lines.keys(), ...b.lines.keys()])].sort();
const fmt = (v) => (v === undefined ? "-" : v.toFixed(1)).padStart(6);
const width = Math.max(...files.map((f) => f.length), 4);
console.log(`\n${"file".padEnd(width)} |   deno |    bun |    own`);
console.log(`${"-".repeat(width)}-|--------|--------|-------`);
const below = [];
for (const f of files) {
  const own = BUN_ONLY.has(f) ? b.lines.get(f) : d.lines.get(f);
  if (own !== undefined && own < TARGET) below.push(f);
  const mark = own !== undefined && own < TARGET ? "  <" : "";
  console.log(
    `${f.padEnd(width)} | ${fmt(d.lines.get(f))} | ${fmt(b.lines.get(f))} | ${fmt(own)}${mark}`,
  );
}
console.log(
  `\nlines, per file ("own": Bun for ${[...BUN_ONLY].join(", ")}; Deno for the rest). ` +
    `${below.length} of ${files.length} under ${TARGET}%${
      below.length ? ": " + below.join(", ") : ""
    }`,
);
process.exit(broken ? 1 : 0);
