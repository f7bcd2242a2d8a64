// The JSR package's shape, so an entry point added later cannot be half done: every export is
// published and documented as a module, and the library itself imports nothing third-party but
// CURVE's cryptography, loaded on first use.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const denoJson = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
const entries: [string, string][] = Object.entries(denoJson.exports);

test("deno.json exports the library, workers, the libzmq backend and the CLI", () => {
  for (const name of [".", "./workers", "./libzmq", "./cli"]) {
    assert.ok(denoJson.exports[name] !== undefined, `no "${name}" export`);
  }
});

test("every entry point exists, is published, and has @module docs", () => {
  const include: string[] = denoJson.publish.include;
  for (const [name, target] of entries) {
    const file = target.replace(/^\.\//, "");
    assert.ok(existsSync(join(root, file)), `${name}: ${file} does not exist`);
    assert.ok(
      include.some((p) => p.endsWith("/") ? file.startsWith(p) : file === p),
      `${name}: ${file} is not in publish.include`,
    );
    assert.match(readFileSync(join(root, file), "utf8"), /@module/, `${name}: no @module doc`);
  }
});

test("the library (mod.ts and all it imports) imports only its own files, node: built-ins, and the one declared dependency", () => {
  // The one third-party package is CURVE's cryptography (deno.json "imports", package.json
  // "dependencies"), imported by one file that is itself only ever loaded by import()
  // (tests/security/lazy_load_test.ts checks that no static import reaches it).
  const declared = Object.keys(denoJson.imports ?? {});
  assert.deepEqual(declared, ["libsodium-wrappers"]);
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    // Code only: the doc comments' examples import the package by its name, as users do.
    const source = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, "");
    for (const [, specifier] of source.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
      if (specifier!.startsWith("node:")) continue;
      if (declared.includes(specifier!)) {
        assert.equal(
          relative(root, file),
          join("src", "security", "sodium.ts"),
          `${file} imports ${specifier}`,
        );
        continue;
      }
      assert.ok(
        specifier!.startsWith("./") || specifier!.startsWith("../"),
        `${relative(root, file)} imports "${specifier}"`,
      );
      visit(join(dirname(file), specifier!));
    }
  };
  visit(join(root, "mod.ts"));
  assert.ok(seen.size > 20, `only ${seen.size} files found from mod.ts`);
});
