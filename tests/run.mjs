// Runs the whole suite under Deno and then Bun (the same test files), then CURVE's tests again on
// both with CURVE's WebAssembly path forced, streams their output, and ends with one line summing
// all: `N passed, N failed, N skipped`.
// Exit code 1 if anything failed or a runner could not run. Bun's 60 s test timeout
// comes from bunfig.toml's preload, as for a bare `bun test`.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
// The runtimes npm installed, else the ones on PATH.
const bin = (name) =>
  existsSync(`${root}node_modules/.bin/${name}`) ? `${root}node_modules/.bin/${name}` : name;
const args = process.argv.slice(2); // optional test paths
const paths = args.length > 0 ? args : ["tests/"];

const forRuntimes = (paths, env = {}, tag = "") => [
  {
    name: `deno${tag}`,
    kind: "deno",
    cmd: bin("deno"),
    argv: ["test", "--allow-all", ...paths],
    env,
  },
  {
    name: `bun${tag}`,
    kind: "bun",
    cmd: bin("bun"),
    argv: ["test", ...paths.map((p) => (p.startsWith(".") || p.startsWith("/") ? p : `./${p}`))],
    env,
  },
];
// CURVE seals with the system's libsodium when it can (src/security/sodium_native.ts): the whole
// suite then runs CURVE's tests once more with the WebAssembly build forced, so both paths stay
// tested (tests/security/native_sodium_test.ts checks which one each run used).
const CURVE_TESTS = [
  "tests/security/",
  "tests/interop/security_test.ts",
  "tests/interop/curve_tamper_test.ts",
  "tests/backends/security_backends_test.ts",
];
const runners = [
  ...forRuntimes(paths),
  ...(args.length > 0
    ? []
    : forRuntimes(CURVE_TESTS, { ZMQ_TS_SODIUM: "wasm" }, " (CURVE in WebAssembly)")),
];

// deno: "ok | 12 passed | 0 failed | 3 ignored" (the last part only when some were skipped);
// bun: " 12 pass", " 3 skip", " 0 fail" on lines of their own.
function count(kind, text) {
  const plain = text.replace(new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g"), "");
  if (kind === "deno") {
    const summary = /\|\s*(\d+) passed[^|]*\|\s*(\d+) failed(?:\s*\|\s*(\d+) ignored)?/g;
    const m = [...plain.matchAll(summary)].pop();
    return m ? { passed: +m[1], failed: +m[2], skipped: +(m[3] ?? 0) } : undefined;
  }
  const line = (word) => +(plain.match(new RegExp(`^\\s*(\\d+) ${word}\\s*$`, "m"))?.[1] ?? 0);
  return /^\s*\d+ pass\s*$/m.test(plain)
    ? { passed: line("pass"), failed: line("fail"), skipped: line("skip") }
    : undefined;
}

// NO_COLOR, and no FORCE_COLOR at all: Deno turns colours on when it sees one, even "0". The
// runtimes npm installed come first on PATH, for the tests that start one (e.g. deno doc).
const { FORCE_COLOR: _, ...env } = {
  ...process.env,
  NO_COLOR: "1",
  PATH: `${root}node_modules/.bin${delimiter}${process.env.PATH ?? ""}`,
};

function run({ name, kind, cmd, argv, env: extra }) {
  return new Promise((resolve) => {
    console.log(`\n=== ${name} ${argv.join(" ")}`);
    const child = spawn(cmd, argv, {
      cwd: root,
      env: { ...env, ...extra },
    });
    let text = "";
    const keep = (chunk, to) => {
      text += chunk.toString();
      to.write(chunk);
    };
    child.stdout.on("data", (c) => keep(c, process.stdout));
    child.stderr.on("data", (c) => keep(c, process.stderr));
    child.on("error", (e) => resolve({ name, code: 1, counts: undefined, error: e }));
    child.on("close", (code) => resolve({ name, code, counts: count(kind, text) }));
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;
let broken = false;
for (const r of runners) {
  const res = await run(r);
  if (res.counts === undefined) {
    console.log(
      `!!! ${res.name}: no test summary found (exit ${res.code}${
        res.error ? `, ${res.error.message}` : ""
      })`,
    );
    broken = true;
    failed += 1;
    continue;
  }
  console.log(
    `--- ${res.name}: ${res.counts.passed} passed, ${res.counts.failed} failed, ` +
      `${res.counts.skipped} skipped (exit ${res.code})`,
  );
  passed += res.counts.passed;
  failed += res.counts.failed;
  skipped += res.counts.skipped;
  if (res.code !== 0 && res.counts.failed === 0) {
    broken = true;
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || broken ? 1 : 0);
