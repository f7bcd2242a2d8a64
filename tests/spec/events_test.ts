// A socket's events read as a stream (events.receive(), for await), the backlog they keep, and
// accept:error (the runtime failing to accept a connection).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createConnection, type Socket as NetSocket } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { Context, Pull, Push, type SocketEvent } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";

const isBun = "Bun" in globalThis;

/** A bind that fails at once (a malformed endpoint), reported as bind:error naming `address`. */
const failBind = (sock: Pull, address: string) =>
  assert.rejects(sock.bind(address), { code: "EINVAL" });

test("events.receive() hands out events in order, `end` last, then EBADF", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx });
    const first = pull.events.receive(); // waits: nothing has happened yet
    await pull.bind(freshEndpoint("tcp"));
    assert.deepEqual(await within(first, 5000, "the bind event"), {
      type: "bind",
      address: pull.lastEndpoint,
    });
    const push = new Push({ context: ctx });
    push.connect(pull.lastEndpoint!);
    // From the first receive() on, events wait to be read.
    const types: string[] = [];
    while (types.at(-1) !== "handshake") {
      types.push((await within(pull.events.receive(), 5000, "the next event"))!.type);
    }
    assert.deepEqual(types, ["accept", "handshake"]);
    pull.close();
    assert.equal((await within(pull.events.receive(), 5000, "the close event"))?.type, "close");
    assert.equal((await within(pull.events.receive(), 5000, "the end event"))?.type, "end");
    assert.equal(pull.events.closed, true);
    await assert.rejects(pull.events.receive(), { code: "EBADF" }); // as zeromq.js
    await assert.rejects(pull.events.receive(), { code: "EBADF" }, "and for every receive after");
  } finally {
    ctx.terminate();
  }
});

test("for await over events yields each one and ends when the socket closes", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx });
    const seen: SocketEvent[] = [];
    const loop = (async () => {
      for await (const e of pull.events) seen.push(e);
    })();
    await pull.bind(freshEndpoint("ipc"));
    await failBind(pull, "tcp://nowhere");
    pull.close();
    await within(loop, 5000, "the loop to end");
    assert.deepEqual(seen.map((e) => e.type), ["bind", "bind:error", "close", "end"]);
    assert.equal(seen[1]!.address, "nowhere"); // libzmq's bind:error address has no scheme
    assert.equal((seen[1]!.error as { code?: string }).code, "EINVAL");
  } finally {
    ctx.terminate();
  }
});

test("events.on() after reading: the kept events go to the listeners, and receive() is refused from then on", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx });
    const first = pull.events.receive(); // from here events are kept
    await failBind(pull, "tcp://one");
    assert.equal((await within(first, 5000, "the first event"))?.address, "one");
    await failBind(pull, "tcp://kept-1");
    await failBind(pull, "tcp://kept-2");
    const seen: string[] = [];
    pull.events.on("bind:error", (e) => seen.push(e.address!));
    assert.deepEqual(seen, [], "kept events wait for the end of this turn...");
    await failBind(pull, "tcp://live");
    assert.deepEqual(seen, ["kept-1", "kept-2", "live"], "...and come before the newer ones");
    assert.throws(() => pull.events.receive(), /event emitter mode/);
    pull.close();
  } finally {
    ctx.terminate();
  }
});

test("events.receive(): a second waiting receive is EBUSY; close() ends the waiting one with undefined, and for await with it", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx });
    const waiting = pull.events.receive();
    assert.throws(() => pull.events.receive(), { code: "EBUSY" });
    pull.events.close();
    assert.equal(await within(waiting, 5000, "the waiting receive"), undefined);
    assert.equal(pull.events.closed, true);
    await failBind(pull, "tcp://after-close"); // not kept: nobody can read it
    await assert.rejects(pull.events.receive(), { code: "EBADF" });

    const other = new Pull({ context: ctx });
    const seen: string[] = [];
    const loop = (async () => {
      for await (const e of other.events) seen.push(e.type);
    })();
    await failBind(other, "tcp://nowhere");
    other.events.close(); // the loop's waiting receive resolves with undefined: the loop ends
    await within(loop, 5000, "the for await loop to end on close()");
    assert.deepEqual(seen, ["bind:error"]);
    pull.close();
    other.close();
  } finally {
    ctx.terminate();
  }
});

test("events are kept only from the first read of socket.events, and then only the newest 1000", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx });
    // Unwatched (events never read): nothing is kept for a later receive().
    for (let i = 0; i < 5; i++) await failBind(pull, `tcp://unwatched-${i}`);
    const next = pull.events.receive();
    await failBind(pull, "tcp://watched");
    assert.equal((await within(next, 5000, "the first watched event"))?.address, "watched");
    // Watched: 1200 more events wait for a reader; the oldest 200 make room for newer ones.
    for (let i = 0; i < 1200; i++) await failBind(pull, `tcp://backlog-${i}`);
    await failBind(pull, "tcp://last");
    const kept: string[] = [];
    for (let i = 0; i < 1000; i++) kept.push((await pull.events.receive())!.address!);
    assert.deepEqual(kept.slice(0, 2), ["backlog-201", "backlog-202"]);
    assert.equal(kept.at(-1), "last");
    const after = pull.events.receive(); // nothing left: waits for the next event
    pull.close(); // nothing was bound: no close event, only the end
    assert.equal((await within(after, 5000, "the end event"))?.type, "end");
  } finally {
    ctx.terminate();
  }
});

// Bun's listener accepts in native code and reports nothing of a connection it failed to accept.
(isBun ? test.skip : test)(
  "accept:error: a socket out of file descriptors reports each failed accept, and accepts again once some are free",
  async () => {
    // A child with a low descriptor limit binds a PULL; raw connections use up its descriptors.
    const child = spawn(
      "sh",
      [
        "-c",
        `ulimit -n 64 && exec "${process.execPath}" run -A "${
          fileURLToPath(new URL("../helpers/accept_limit_peer.ts", import.meta.url))
        }"`,
      ],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    const lines: Record<string, string>[] = [];
    const waiters: (() => void)[] = [];
    createInterface({ input: child.stdout! }).on("line", (l) => {
      lines.push(JSON.parse(l));
      for (const w of waiters.splice(0)) w();
    });
    const exited = new Promise((r) => child.on("exit", r));
    /** Resolves with the first line that `pick` accepts, from any seen so far. */
    const line = (pick: (l: Record<string, string>) => boolean, what: string) =>
      within(
        new Promise<Record<string, string>>((resolve) => {
          const look = () => {
            const found = lines.find(pick);
            if (found !== undefined) resolve(found);
            else waiters.push(look);
          };
          look();
        }),
        20000,
        what,
      );
    const raw: NetSocket[] = [];
    const ctx = new Context();
    try {
      const { endpoint } = await line((l) => l.endpoint !== undefined, "the child's endpoint");
      const port = Number(endpoint!.split(":").at(-1));
      const failed = line((l) => l.event === "accept:error", "an accept:error event");
      let gaveUp = false;
      void failed.then(() => (gaveUp = true), () => {});
      // One at a time: the kernel completes each connection (it waits in the listen backlog) and
      // the child accepts it, until it has no descriptor left to accept with.
      for (let i = 0; i < 200 && !gaveUp; i++) {
        const s = createConnection({ host: "127.0.0.1", port });
        s.on("error", () => {}); // reset once the child gives up on it
        raw.push(s);
        await within(new Promise((r) => s.once("connect", r)), 5000, `raw connection ${i}`);
      }
      const e = await failed;
      assert.match(e.error!, /open files/i);
      // Descriptors freed, the same listener accepts again: a PUSH gets through.
      for (const s of raw) s.destroy();
      const push = new Push({ context: ctx });
      push.connect(endpoint!);
      await push.send("after the storm");
      await line((l) => l.message === "after the storm", "the message after the failures");
    } finally {
      for (const s of raw) s.destroy();
      ctx.terminate();
      child.stdin!.end();
      await within(exited, 10000, "the child to exit");
    }
  },
);
