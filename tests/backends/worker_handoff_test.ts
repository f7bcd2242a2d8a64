// A context on the libzmq backend handed to a Worker (issue #7): the Worker joins the same libzmq
// context by address, and the two threads talk over inproc, as they do on the core.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Pair } from "../../mod.ts";
import { libzmq } from "../../libzmq.ts";
import { startWorker } from "../../workers/mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";

const loaded = await libzmq().then((b) => b, (e: Error) => e);
const run = loaded instanceof Error ? test.skip : test;
const peer = new URL("../threads/peer_worker.ts", import.meta.url);

run(
  `libzmq backend: a Worker joins the context and echoes over inproc${
    loaded instanceof Error ? " (libzmq is not installed)" : ""
  }`,
  async () => {
    const ctx = new Context({ backend: loaded as Exclude<typeof loaded, Error> });
    const ep = freshEndpoint("inproc");
    const pair = new Pair({ context: ctx });
    await pair.bind(ep);
    const worker = startWorker(peer, {
      context: ctx,
      data: { role: "pair-echo", endpoint: ep, count: 50 },
    });
    const done = new Promise((resolve) => (worker.onmessage = (e) => resolve(e.data)));
    try {
      for (let i = 0; i < 50; i++) {
        await pair.send([String(i), new Uint8Array(i * 100)]);
        const [n, body] = await within(pair.receive(), 10000, `echo ${i}`);
        assert.equal(new TextDecoder().decode(n), String(i));
        assert.equal(body!.length, i * 100);
      }
      assert.deepEqual(await within(done, 10000, "the worker's report"), { done: true });
    } finally {
      worker.terminate();
      pair.close();
      ctx.terminate();
    }
  },
);
