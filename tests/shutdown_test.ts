// Clean shutdown (issue #5): on SIGINT or SIGTERM, blocked calls end, queued messages still go
// out within the linger, and the process exits 0. Also Context.shutdown() itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { Context, Pull, Push, Request } from "../mod.ts";
import { until, within } from "./helpers/timeout.ts";
import { freshEndpoint } from "./helpers/endpoints.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const isBun = "Bun" in globalThis;

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  test(`examples/interrupt.ts: ${signal} ends the blocked receive and the process exits 0`, async () => {
    const args = [
      ...(isBun ? [] : ["run", "-A"]),
      "examples/interrupt.ts",
      "--endpoint",
      "tcp://127.0.0.1:*",
    ];
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    const req = new Request({ linger: 0 });
    try {
      await until(() => /listening on (tcp:\S+)/.test(out), 20000, "the server to listen");
      req.connect(/listening on (tcp:\S+)/.exec(out)![1]!);
      await req.send("Hello");
      assert.equal(
        new TextDecoder().decode((await within(req.receive(), 10000, "the reply"))[0]!),
        "World",
      );
      process.kill(child.pid!, signal); // not child.kill(): Deno then reports the exit as signalled
      assert.equal(await within(exited, 10000, "the process to exit"), 0);
      assert.match(out, /W: interrupt received, killing server\.\.\.\nI: clean exit\n$/);
    } finally {
      req.close();
      child.kill("SIGKILL");
    }
  });
}

test("Context.shutdown(): pending calls end with ETERM, and queued messages are still delivered", async () => {
  const ctx = new Context();
  const other = new Context();
  try {
    const pull = new Pull({ context: other });
    await pull.bind(freshEndpoint("tcp"));
    const push = new Push({ context: ctx }); // linger -1 by default: deliver everything
    push.connect(pull.lastEndpoint!);
    for (let i = 0; i < 100; i++) await push.send(String(i));
    const waiting = new Pull({ context: ctx }).receive();
    const done = ctx.shutdown(5000);
    await assert.rejects(waiting, { code: "ETERM" });
    for (let i = 0; i < 100; i++) {
      assert.equal(
        new TextDecoder().decode((await within(pull.receive(), 5000, `message ${i}`))[0]!),
        String(i),
      );
    }
    await within(done, 5000, "shutdown to finish");
  } finally {
    ctx.terminate();
    other.terminate();
  }
});
