// Connecting twice to one endpoint makes two connections, as in libzmq; close() and disconnect()
// end both, and nothing keeps reconnecting (or keeps the process alive) afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { Dealer, Router } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { eventCount, within } from "../helpers/timeout.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const isBun = "Bun" in globalThis;

/** Receives `n` messages on a ROUTER and returns the distinct routing ids they came from. */
async function peersOf(router: Router, n: number): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let i = 0; i < n; i++) {
    const [id] = await within(router.receive(), 5000, `message ${i + 1} of ${n}`);
    ids.add(Array.from(id!).join(","));
  }
  return ids;
}

for (const transport of ["tcp", "ipc", "inproc"] as const) {
  test(`${transport}: a second connect() to one endpoint is a second connection`, async () => {
    const router = new Router({ linger: 0 });
    const dealer = new Dealer({ linger: 0 });
    try {
      await router.bind(freshEndpoint(transport));
      dealer.connect(router.lastEndpoint!);
      dealer.connect(router.lastEndpoint!);
      await dealer.send("a");
      await dealer.send("b");
      // Round-robin over two connections: the two messages come from two peers.
      assert.equal((await peersOf(router, 2)).size, 2);
    } finally {
      dealer.close();
      router.close();
    }
  });

  test(`${transport}: disconnect() ends every connection made to that address`, async () => {
    const router = new Router({ linger: 0 });
    const dealer = new Dealer({ linger: 0, reconnectInterval: 20, sendTimeout: 0 });
    try {
      await router.bind(freshEndpoint(transport));
      const address = router.lastEndpoint!;
      dealer.connect(address);
      dealer.connect(address);
      await dealer.send("a");
      await dealer.send("b");
      assert.equal((await peersOf(router, 2)).size, 2);
      const gone = transport === "inproc"
        ? Promise.resolve([])
        : eventCount(router.events, "disconnect", 2, 5000);
      dealer.disconnect(address);
      await gone;
      // No connection is left to send on, and none comes back.
      await assert.rejects(dealer.send("c"), { code: "EAGAIN" });
      assert.throws(() => dealer.disconnect(address), { code: "ENOENT" });
    } finally {
      dealer.close();
      router.close();
    }
  });
}

for (const transport of ["tcp", "ipc"] as const) {
  test(`${transport}: after close() of a socket that connected twice, the process exits by itself (no connection outlives it)`, async () => {
    const router = new Router({ linger: 0 });
    try {
      await router.bind(freshEndpoint(transport));
      const args = [
        ...(isBun ? [] : ["run", "-A"]),
        "tests/spec/fixtures/double_connect.ts",
        router.lastEndpoint!,
      ];
      const child = spawn(process.execPath, args, {
        cwd: root,
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout!.on("data", (c) => (out += c));
      const exited = new Promise<number | null>((resolve) =>
        child.on("exit", (code) => resolve(code))
      );
      try {
        const ids = await peersOf(router, 2);
        assert.equal(ids.size, 2, "the child's two connections");
        const [first] = [...ids];
        await router.send([new Uint8Array(first!.split(",").map(Number)), "bye"]);
        const closed = eventCount(router.events, "disconnect", 2, 5000);
        assert.equal(await within(exited, 10000, "the child to exit by itself after close()"), 0);
        assert.match(out, /closed after bye/);
        await closed;
      } finally {
        child.kill("SIGKILL");
      }
    } finally {
      router.close();
    }
  });
}
