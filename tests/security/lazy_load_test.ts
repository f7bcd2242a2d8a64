// CURVE's library is loaded only when CURVE is used: mod.ts's static import graph has nothing but
// our own files and node: built-ins, and a program using NULL, PLAIN and ZAP runs on Deno and Bun
// from a copy of the library with no package available at all; the same program with CURVE fails
// there, saying which package it needs (so the check can fail).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = (name: string) => join(root, "node_modules", ".bin", name);

/** Every module mod.ts reaches through static imports and re-exports (type-only imports skipped). */
function staticGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const source = readFileSync(file, "utf8");
    const specifiers: string[] = [];
    for (const m of source.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?\sfrom\s+"([^"]+)"/gms)) {
      if (m[1] === undefined) specifiers.push(m[2]!);
    }
    for (const m of source.matchAll(/^import\s+"([^"]+)"/gm)) specifiers.push(m[1]!);
    graph.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith(".")) visit(resolve(dirname(file), s));
  };
  visit(entry);
  return graph;
}

test("mod.ts statically imports only our own files and node: built-ins", () => {
  const graph = staticGraph(join(root, "mod.ts"));
  assert.ok(graph.size > 30, `walked ${graph.size} modules`);
  for (const [file, specifiers] of graph) {
    for (const s of specifiers) {
      assert.ok(s.startsWith(".") || s.startsWith("node:"), `${file} imports ${s}`);
    }
  }
  assert.ok(![...graph.keys()].some((f) => f.endsWith("sodium.ts")), "sodium.ts is never static");
});

test("browser.ts reaches neither CURVE nor its libraries (WebAssembly, FFI), even through import() (the browser bundle leaves them out)", () => {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    for (const m of source.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)) {
      visit(resolve(dirname(file), m[1]!));
    }
  };
  visit(join(root, "browser.ts"));
  const reached = [...seen].map((f) => f.slice(root.length));
  assert.ok(reached.includes("src/engine.ts"), "the walk reached the engine");
  for (
    const kept of [
      "src/security/sodium.ts",
      "src/security/sodium_native.ts",
      "src/security/sodium_ffi.ts",
      "src/security/sodium_ffi_deno.ts",
      "src/security/sodium_ffi_bun.ts",
      "src/mechanisms/curve_client.ts",
      "src/mechanisms/curve_support.ts",
    ]
  ) {
    assert.ok(!reached.includes(kept), `browser.ts reaches ${kept}`);
  }
});

const program = (curve: boolean) =>
  `import process from "node:process";
import { Authenticator, Context, Pull, Push } from "./mod.ts";
const ctx = new Context();
const auth = new Authenticator({ context: ctx, passwords: { u: "p" } });
await auth.start();
${
    curve
      ? `const pull = new Pull({ context: ctx, curveServer: true, curveSecretKey: new Uint8Array(32).fill(1) });
const push = new Push({ context: ctx, curveServerKey: new Uint8Array(32).fill(2), curveSecretKey: new Uint8Array(32).fill(3) });`
      : `const pull = new Pull({ context: ctx, plainServer: true });
const push = new Push({ context: ctx, plainUsername: "u", plainPassword: "p" });
const nullPull = new Pull({ context: ctx, zapDomain: "d" });
const nullPush = new Push({ context: ctx });`
  }
for (const e of ["handshake:error:protocol", "handshake:error:other"]) {
  pull.events.on(e, (ev) => { console.log("FAILED " + ev.error?.message); process.exit(1); });
}
await pull.bind("tcp://127.0.0.1:*");
push.connect(pull.lastEndpoint);
await push.send("plain");
console.log(new TextDecoder().decode((await pull.receive())[0]));
${
    curve ? "" : `await nullPull.bind("tcp://127.0.0.1:*");
nullPush.connect(nullPull.lastEndpoint);
await nullPush.send("null");
console.log(new TextDecoder().decode((await nullPull.receive())[0]));`
  }
ctx.terminate();
`;

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: 30000 }, (error, stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
        out: stdout + stderr,
      });
    });
  });
}

test("a NULL/PLAIN/ZAP program runs on Deno and Bun with no package installed; CURVE asks for one", async () => {
  const dir = mkdtempSync(join(tmpdir(), "zmq-ts-lazy-"));
  try {
    for (const entry of ["mod.ts", "browser.ts"]) cpSync(join(root, entry), join(dir, entry));
    cpSync(join(root, "src"), join(dir, "src"), { recursive: true });
    writeFileSync(join(dir, "plain.ts"), program(false));
    writeFileSync(join(dir, "curve.ts"), program(true));
    const runners: [string, (file: string) => string[]][] = [
      [bin("deno"), (f) => ["run", "-A", "--no-config", "--no-npm", "--no-lock", f]],
      [bin("bun"), (f) => ["--no-install", f]],
    ];
    for (const [cmd, args] of runners) {
      const plain = await run(cmd, args("plain.ts"), dir);
      assert.equal(plain.code, 0, `${cmd} plain.ts: ${plain.out}`);
      assert.match(plain.out, /plain\s+null/);
      const curve = await run(cmd, args("curve.ts"), dir);
      assert.notEqual(curve.code, 0, `${cmd} curve.ts ran without its package: ${curve.out}`);
      assert.match(curve.out, /libsodium-wrappers/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
