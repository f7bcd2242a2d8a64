// zeromq.js compatibility (issue 15): an inproc connect before the bind queues up to the
// connecting side's own high-water mark (libzmq 4.3), not that plus the binder's default.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Pair } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

test("inproc before the bind: sendHighWaterMark 1 takes one message, then EAGAIN", async () => {
  const ctx = new Context();
  try {
    const endpoint = freshEndpoint("inproc");
    const a = new Pair({ context: ctx, sendHighWaterMark: 1, sendTimeout: 20 });
    a.connect(endpoint);
    await a.send("first");
    await assert.rejects(a.send("second"), { code: "EAGAIN" });
    // Once the peer binds, what was queued arrives and both sides' marks count.
    const b = new Pair({ context: ctx });
    await b.bind(endpoint);
    assert.equal(text((await within(b.receive(), 5000, "first"))[0]!), "first");
    await a.send("second");
    await a.send("third"); // room for 1 + the binder's 1000 now
    assert.equal(text((await within(b.receive(), 5000, "second"))[0]!), "second");
  } finally {
    ctx.terminate();
  }
});
