// Runs the whole suite under Deno and then Bun (the same test files), streams
// their output, and ends with one line summing both: `N passed, N failed`.
// Exit code 1 if anything failed or a runner could not run.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;
const args = process.argv.slice(2); // optional test paths
const paths = args.length > 0 ? args : ["tests/"];

const runners = [
  { name: "deno", cmd: bin("deno"), argv: ["test", "--allow-all", ...paths] },
  {
    name: "bun",
    cmd: bin("bun"),
    argv: [
      "test",
      "--timeout",
      "60000",
      ...paths.map((p) => (p.startsWith(".") || p.startsWith("/") ? p : `./${p}`)),
    ],
  },
];

// deno: "ok | 12 passed | 0 failed"; bun: " 12 pass" / " 0 fail" on lines of their own.
function count(name, text) {
  const plain = text.replace(new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g"), "");
  if (name === "deno") {
    const m = [...plain.matchAll(/\|\s*(\d+) passed[^|]*\|\s*(\d+) failed/g)].pop();
    return m ? { passed: +m[1], failed: +m[2] } : undefined;
  }
  const p = plain.match(/^\s*(\d+) pass\s*$/m);
  const f = plain.match(/^\s*(\d+) fail\s*$/m);
  return p ? { passed: +p[1], failed: f ? +f[1] : 0 } : undefined;
}

function run({ name, cmd, argv }) {
  return new Promise((resolve) => {
    console.log(`\n=== ${name} ${argv.join(" ")}`);
    const child = spawn(cmd, argv, {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    let text = "";
    const keep = (chunk, to) => {
      text += chunk.toString();
      to.write(chunk);
    };
    child.stdout.on("data", (c) => keep(c, process.stdout));
    child.stderr.on("data", (c) => keep(c, process.stderr));
    child.on("error", (e) => resolve({ name, code: 1, counts: undefined, error: e }));
    child.on("close", (code) => resolve({ name, code, counts: count(name, text) }));
  });
}

let passed = 0;
let failed = 0;
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
    `--- ${res.name}: ${res.counts.passed} passed, ${res.counts.failed} failed (exit ${res.code})`,
  );
  passed += res.counts.passed;
  failed += res.counts.failed;
  if (res.code !== 0 && res.counts.failed === 0) {
    broken = true;
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || broken ? 1 : 0);
