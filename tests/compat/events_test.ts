// zeromq.js compatibility (issue 15): events are kept from the first read of `socket.events`
// until received; a never-used socket reports only `end`; on() switches to emitter mode, where
// receive() throws; the observer is `closed` after `end`. (bind:error's address, as libzmq gives
// it: tests/spec/connection_life_test.ts.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Dealer, Pair, Pull } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";

test("closing a never-used socket reports `end` alone, kept until received; then closed", async () => {
  const ctx = new Context();
  try {
    const sock = new Dealer({ context: ctx });
    const events = sock.events;
    sock.close();
    assert.equal(events.closed, false);
    assert.deepEqual(await events.receive(), { type: "end" });
    assert.equal(events.closed, true);
    await assert.rejects(events.receive(), { code: "EBADF" });
  } finally {
    ctx.terminate();
  }
});

test("events raised before the first receive() are kept, in order", async () => {
  const ctx = new Context();
  try {
    const server = new Pull({ context: ctx });
    const events = server.events;
    await server.bind("tcp://127.0.0.1:*");
    const address = server.lastEndpoint!;
    server.close();
    const seen = [];
    for await (const e of events) seen.push(e);
    assert.deepEqual(seen, [
      { type: "bind", address },
      { type: "close", address },
      { type: "end" },
    ]);
  } finally {
    ctx.terminate();
  }
});

test("after on(), receive() throws: the observer is in emitter mode", async () => {
  const ctx = new Context();
  try {
    const sock = new Pair({ context: ctx });
    const ended = new Promise((resolve) => sock.events.on("end", resolve));
    assert.throws(() => sock.events.receive(), /emitter mode/);
    sock.close();
    assert.deepEqual(await within(ended, 5000, "end"), { type: "end" });
  } finally {
    ctx.terminate();
  }
});

test("inproc binds raise no bind event (libzmq reports none)", async () => {
  const ctx = new Context();
  try {
    const sock = new Pair({ context: ctx });
    const events = sock.events;
    await sock.bind(freshEndpoint("inproc"));
    sock.close();
    assert.deepEqual(await events.receive(), { type: "end" });
  } finally {
    ctx.terminate();
  }
});
