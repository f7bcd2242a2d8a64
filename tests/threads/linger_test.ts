// A PUSH in a Worker that closes (default linger) before anything is bound still delivers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Pull } from "../../mod.ts";
import { startWorker } from "../../workers/mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

test("messages of a socket closed with linger before the bind arrive once bound", async () => {
  const ctx = new Context();
  const ep = freshEndpoint("inproc");
  const worker = startWorker(new URL("./linger_worker.ts", import.meta.url), {
    context: ctx,
    data: { endpoint: ep, count: 50 },
  });
  try {
    await within(
      new Promise((r) => (worker.onmessage = r)),
      10000,
      "the worker to close its socket",
    );
    const pull = new Pull({ context: ctx });
    await pull.bind(ep);
    for (let i = 0; i < 50; i++) {
      assert.equal(text((await within(pull.receive(), 5000, `message ${i}`))[0]!), String(i));
    }
  } finally {
    worker.terminate();
    ctx.terminate();
  }
});
