// Preloaded by bunfig.toml for every `bun test`, so a bare `bun test` from the root gives each test
// the same 60 s that `deno test` and tests/run.mjs give. Bun 1.4's bunfig.toml has no test timeout
// key, and setDefaultTimeout() called here would cover only the first test file; so node:test's
// `test` is wrapped once to pass a default `timeout` (a test's own timeout still wins).
// JavaScript on purpose: `deno check` of the tree must not type-check a `bun:` import.
import * as nodeTest from "node:test";
import { mock } from "bun:test";

const TIMEOUT_MS = 60000;
const original = nodeTest.test;

function test(name, options, fn) {
  if (typeof name === "function") return original({ timeout: TIMEOUT_MS }, name);
  if (typeof options === "function") return original(name, { timeout: TIMEOUT_MS }, options);
  return original(name, { timeout: TIMEOUT_MS, ...options }, fn);
}
// test.skip, test.only, test.todo stay as they are.
Object.assign(test, original);

mock.module("node:test", () => ({ ...nodeTest, test, it: test, default: test }));
