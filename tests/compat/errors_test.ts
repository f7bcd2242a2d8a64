// zeromq.js compatibility (issue 15): errors carry `errno` beside `code`; a closed socket is
// EBADF; a second waiting send or receive throws EBUSY at once; the async iterator rethrows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Pair, Pull, Push, Request, ZmqError } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";

test("every ZmqError has the POSIX errno of its code (libzmq's own for EFSM and ETERM)", () => {
  const cases: [ZmqError["code"], number][] = [
    ["EAGAIN", 11],
    ["EINVAL", 22],
    ["EBADF", 9],
    ["EBUSY", 16],
    ["ENOENT", 2],
    ["EADDRINUSE", 98],
    ["EPROTONOSUPPORT", 93],
    ["EHOSTUNREACH", 113],
    ["EMFILE", 24],
    ["EFSM", 156384763],
    ["ETERM", 156384765],
  ];
  for (const [code, errno] of cases) assert.equal(new ZmqError(code, "x").errno, errno, code);
});

test("a closed socket: send, receive, bind and connect fail with EBADF", async () => {
  const ctx = new Context();
  try {
    const pair = new Pair({ context: ctx });
    pair.close();
    await assert.rejects(pair.send("x"), { code: "EBADF", errno: 9 });
    await assert.rejects(pair.receive(), { code: "EBADF", errno: 9 });
    await assert.rejects(pair.bind(freshEndpoint("inproc")), { code: "EBADF" });
    assert.throws(() => pair.connect(freshEndpoint("inproc")), { code: "EBADF" });
  } finally {
    ctx.terminate();
  }
});

test("close() ends a waiting send and a waiting receive with EAGAIN", async () => {
  const ctx = new Context();
  try {
    const push = new Push({ context: ctx });
    const pull = new Pull({ context: ctx });
    const sending = push.send("no peer");
    const receiving = pull.receive();
    push.close();
    pull.close();
    await assert.rejects(sending, { code: "EAGAIN", errno: 11 });
    await assert.rejects(receiving, { code: "EAGAIN", errno: 11 });
  } finally {
    ctx.terminate();
  }
});

test("for await over a Request rethrows EFSM instead of ending quietly", async () => {
  const ctx = new Context();
  try {
    const req = new Request({ context: ctx });
    setTimeout(() => req.close(), 0); // closed right after, as zeromq.js's own test does
    const loop = (async () => {
      for await (const _ of req) { /* a REQ may not receive before it sent */ }
    })();
    await assert.rejects(within(loop, 5000, "the loop to end"), { code: "EFSM" });
  } finally {
    ctx.terminate();
  }
});

test("for await ends quietly when close() cuts its receive short", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx });
    await pull.bind(freshEndpoint("inproc"));
    const loop = (async () => {
      for await (const _ of pull) { /* nothing arrives */ }
      return "ended";
    })();
    setTimeout(() => pull.close(), 0);
    assert.equal(await within(loop, 5000, "the loop to end"), "ended");
  } finally {
    ctx.terminate();
  }
});
