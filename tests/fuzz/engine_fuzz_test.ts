// The engine under hostile tcp connections mixed with a well-behaved libzmq peer (issue #12):
// the CI-sized run of engine_attacks.ts, with a fixed seed. tests/fuzz/engine_long.ts runs it at
// length by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runEngineFuzz, type Target } from "./engine_attacks.ts";

for (const target of ["PULL", "ROUTER"] as Target[]) {
  test(`fuzz engine: 300 hostile connections against a ${target}, libzmq's 5,000 messages all arrive in order`, async () => {
    const report = await runEngineFuzz({ target, attacks: 300, messages: 5000, seed: 0x0e_9e1e });
    assert.ok(report.libzmqMessages >= 5000);
    assert.ok(report.protocolErrors > 0, "the attacks did reach the decoder");
  });
}
