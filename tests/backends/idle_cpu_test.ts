// The libzmq backend spins for a moment before it parks a waiting call (src/libzmq/reactor.ts):
// that must end. A process whose backend sockets are idle, one of them with a receive waiting
// after traffic, uses almost no CPU. A spin or poll that never parks costs ~1000 ms per second.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { Context, Pull, Push, Request, Router, Subscriber } from "../../mod.ts";
import { libzmq } from "../../libzmq.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";

const loaded = await libzmq().then((b) => b, (e: Error) => e);
const run = loaded instanceof Error ? test.skip : test;

/** CPU (user + system, whole process: every thread, libzmq's and the poll Worker's) over `ms`. */
async function cpuMsOver(ms: number): Promise<number> {
  const before = process.cpuUsage();
  // The measurement's window, not a wait for an event: there is nothing to wait for while idle.
  await new Promise((resolve) => setTimeout(resolve, ms));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** Generous against the few ms per second of an idle process, far below a busy loop's ~1000. */
const MAX_IDLE_CPU_MS = 150;

run(
  `libzmq backend: idle sockets, with a receive waiting after traffic, use almost no CPU${
    loaded instanceof Error ? " (libzmq is not installed)" : ""
  }`,
  async () => {
    const ctx = new Context({ backend: loaded as Exclude<typeof loaded, Error> });
    try {
      const pull = new Pull({ context: ctx });
      await pull.bind(freshEndpoint("tcp"));
      const push = new Push({ context: ctx });
      push.connect(pull.lastEndpoint!);
      // Traffic first, so that the reactor has spun (its waits ended within the spin).
      for (let i = 0; i < 200; i++) {
        await push.send(String(i));
        await within(pull.receive(), 5000, `message ${i}`);
      }
      const router = new Router({ context: ctx });
      await router.bind(freshEndpoint("ipc"));
      const req = new Request({ context: ctx });
      req.connect(router.lastEndpoint!);
      await req.send("a request no one answers");
      const sub = new Subscriber({ context: ctx });
      sub.subscribe("");
      sub.connect("tcp://127.0.0.1:9"); // nothing listens: libzmq keeps reconnecting, slowly
      const waiting = [pull.receive(), req.receive(), sub.receive()].map((p) => p.catch(() => {}));
      const cpu = await cpuMsOver(1000);
      assert.ok(
        cpu < MAX_IDLE_CPU_MS,
        `the process used ${cpu.toFixed(1)} ms of CPU in 1 s while its sockets were idle`,
      );
      // The request did arrive: the sockets were live, not broken.
      await within(router.receive(), 5000, "the request at the ROUTER");
      ctx.terminate();
      await Promise.all(waiting);
    } finally {
      ctx.terminate();
    }
  },
);
