// The Guide's brokers and pollers, run as programs: msgqueue and rrbroker carry requests between
// libzmq REQ clients and libzmq REP workers, wuproxy carries weather between a libzmq PUB and a
// libzmq SUB, and mspoller serves both of its sockets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { Publisher, Push } from "../mod.ts";
import { LibzmqPeer, peerTest } from "./helpers/libzmq.ts";
import { until, within } from "./helpers/timeout.ts";
import { publishUntil } from "./helpers/pubsub.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const isBun = "Bun" in globalThis;
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Starts an example; `out()` is what it has printed so far. */
function start(
  file: string,
  ...flags: string[]
): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [...(isBun ? [] : ["run", "-A"]), file, ...flags], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, out: () => out, exited };
}

async function endpoints(out: () => string, pattern: RegExp): Promise<string[]> {
  await until(() => pattern.test(out()), 20000, "the example to print its endpoints");
  return pattern.exec(out())!.slice(1);
}

for (const broker of ["msgqueue", "rrbroker"]) {
  peerTest(
    `examples/${broker}.ts carries requests and replies between libzmq REQs and libzmq REPs`,
    async () => {
      const ex = start(
        `examples/${broker}.ts`,
        "--frontend",
        "tcp://127.0.0.1:*",
        "--backend",
        "tcp://127.0.0.1:*",
      );
      const peers: LibzmqPeer[] = [];
      try {
        const [front, back] = await endpoints(ex.out, /frontend (tcp:\S+), backend (tcp:\S+)/);
        const rep = await LibzmqPeer.start("REP");
        const req = await LibzmqPeer.start("REQ");
        peers.push(rep, req);
        await rep.connect(back!);
        await req.connect(front!);
        const served = rep.echo(5);
        for (let i = 0; i < 5; i++) {
          assert.deepEqual((await req.request([`Hello ${i}`])).map(text), [`Hello ${i}`]);
        }
        await within(served, 10000, "the worker to serve 5");
      } finally {
        ex.child.kill("SIGKILL");
        for (const p of peers) await p.stop();
      }
    },
  );
}

peerTest(
  "examples/wuproxy.ts carries weather from a libzmq PUB to a libzmq SUB, subscriptions going up",
  async () => {
    const pub = await LibzmqPeer.start("PUB");
    const sub = await LibzmqPeer.start("SUB");
    const upstream = await pub.bind("tcp://127.0.0.1:*");
    const ex = start(
      "examples/wuproxy.ts",
      "--upstream",
      upstream,
      "--endpoint",
      "tcp://127.0.0.1:*",
    );
    try {
      const [endpoint] = await endpoints(ex.out, /to (tcp:\S+)/);
      await sub.subscribe("10001 ");
      await sub.connect(endpoint!);
      const got = await publishUntil(
        async () => {
          await pub.send(["10002 1 1"]); // not subscribed: filtered upstream
          await pub.send(["10001 25 60"]);
        },
        sub.receive(1, 20000),
        "an update through the proxy",
        20000,
      );
      assert.deepEqual(got.map((m) => m.map(text)), [["10001 25 60"]]);
    } finally {
      ex.child.kill("SIGKILL");
      await pub.stop();
      await sub.stop();
    }
  },
);

test("examples/mspoller.ts serves its task socket and its weather socket", async () => {
  const tasks = new Push({ linger: 0 });
  const weather = new Publisher({ linger: 0 });
  try {
    await tasks.bind("tcp://127.0.0.1:*");
    await weather.bind("tcp://127.0.0.1:*");
    const ex = start(
      "examples/mspoller.ts",
      "--tasks",
      tasks.lastEndpoint!,
      "--weather",
      weather.lastEndpoint!,
      "--count",
      "4",
    );
    try {
      await tasks.send("task 1");
      await tasks.send("task 2");
      // At a weather server's pace until the example has read its four messages and exits.
      const code = await publishUntil(
        async () => {
          await weather.send("10001 20 50");
          await weather.send("99999 0 0");
        },
        ex.exited,
        "mspoller to exit",
        20000,
      );
      assert.equal(code, 0);
      const lines = ex.out().trim().split("\n");
      assert.equal(lines.length, 4);
      assert.deepEqual(lines.filter((l) => l.startsWith("task: ")).sort(), [
        "task: task 1",
        "task: task 2",
      ]);
      assert.ok(lines.filter((l) => l === "weather: 10001 20 50").length === 2, ex.out());
    } finally {
      ex.child.kill("SIGKILL");
    }
  } finally {
    tasks.close();
    weather.close();
  }
});
