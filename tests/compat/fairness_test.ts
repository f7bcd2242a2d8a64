// zeromq.js compatibility (issue 15): a stream of sends or receives that complete at once gives the
// event loop a turn at least every 1024 calls (and every millisecond), so timers, heartbeats and
// other sockets keep running. Checked by counting turns of the loop, not by timing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setImmediate } from "node:timers";
import { Context, Pair, Publisher } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";

/** Counts turns of the event loop until stopped. */
function turnCounter(): { stop(): number } {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop() {
      running = false;
      return turns;
    },
  };
}

test("10000 sends that complete at once let the event loop turn at least 9 times", async () => {
  const ctx = new Context();
  try {
    const pub = new Publisher({ context: ctx }); // a PUB never waits: every send completes at once
    await pub.bind(freshEndpoint("inproc"));
    const turns = turnCounter();
    for (let i = 0; i < 10000; i++) await pub.send("x");
    assert.ok(turns.stop() >= 9);
  } finally {
    ctx.terminate();
  }
});

for (const transport of ["tcp", "inproc"] as const) {
  test(`receiving 5000 queued messages lets the event loop turn at least 4 times (${transport})`, async () => {
    const ctx = new Context();
    try {
      const a = new Pair({ context: ctx, sendHighWaterMark: 0 });
      const b = new Pair({ context: ctx, receiveHighWaterMark: 0 });
      await b.bind(freshEndpoint(transport));
      a.connect(b.lastEndpoint!);
      for (let i = 0; i < 5000; i++) await a.send("x");
      await b.receive(); // the first may wait for the connection; the rest are queued by now or soon
      const turns = turnCounter();
      for (let i = 1; i < 5000; i++) await b.receive();
      assert.ok(turns.stop() >= 4);
    } finally {
      ctx.terminate();
    }
  });
}
