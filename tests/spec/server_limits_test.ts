// The limits a server needs (zmq-ts extensions): maxConnections refuses connections beyond it
// with accept:error and frees a slot when one closes; maxUndecodedBytes stops reading at the cap
// without losing or reordering a message, and drops a peer whose message could never fit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createConnection } from "node:net";
import { Dealer, Pull, Push, Router } from "../../mod.ts";
import { eventCount, nextEvent, until, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A raw TCP connection that sends nothing; resolves once the server has closed it. */
function rawConnection(port: number): Promise<void> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: "127.0.0.1", port });
    sock.on("close", () => resolve());
    sock.on("error", () => {}); // a reset is a close too
    sock.resume();
  });
}

test("maxConnections: one more is refused with accept:error, and a closed one frees its slot", async () => {
  const router = new Router({ linger: 0, maxConnections: 2 });
  await router.bind("tcp://127.0.0.1:*");
  const port = Number(router.lastEndpoint!.split(":").pop());
  const dealers = [new Dealer({ linger: 0 }), new Dealer({ linger: 0 })];
  try {
    const handshakes = eventCount(router.events, "handshake", 2);
    for (const d of dealers) d.connect(router.lastEndpoint!);
    await handshakes;

    const refused = nextEvent(router.events, "accept:error");
    await within(rawConnection(port), 5000, "the third connection to be closed");
    const e = await refused;
    assert.equal(e.error.code, "ECONNREFUSED");
    assert.match(e.error.message, /maxConnections \(2\)/);

    const gone = nextEvent(router.events, "disconnect");
    dealers.shift()!.close();
    await gone;
    const third = new Dealer({ linger: 0 });
    dealers.push(third);
    const joined = nextEvent(router.events, "handshake");
    third.connect(router.lastEndpoint!);
    await joined;
    for (const d of dealers) await d.send("ping");
    for (let i = 0; i < 2; i++) {
      const [id, body] = await within(router.receive(), 5000, "a ping");
      await router.send([id!, body!]);
    }
    for (const d of dealers) {
      assert.equal(text((await within(d.receive(), 5000, "echo"))[0]!), "ping");
    }
  } finally {
    for (const d of dealers) d.close();
    router.close();
  }
});

test("maxUndecodedBytes: a message larger than the cap drops only its connection", async () => {
  const pull = new Pull({ linger: 0, maxUndecodedBytes: 4096 });
  await pull.bind("tcp://127.0.0.1:*");
  const big = new Push({ linger: 0 });
  const good = new Push({ linger: 0 });
  try {
    const refused = nextEvent(pull.events, "handshake:error:protocol");
    big.connect(pull.lastEndpoint!);
    await big.send([new Uint8Array(3000), new Uint8Array(3000)]); // one message of 6000 bytes
    assert.match((await refused).error.message, /maxUndecodedBytes/);
    good.connect(pull.lastEndpoint!);
    await good.send("small");
    assert.equal(text((await within(pull.receive(), 5000, "the good message"))[0]!), "small");
  } finally {
    big.close();
    good.close();
    pull.close();
  }
});

test("maxUndecodedBytes: at the cap connections stop reading, and every message arrives whole and in order", async () => {
  const cap = 128 * 1024;
  const pull = new Pull({ linger: 0, maxUndecodedBytes: cap, receiveHighWaterMark: 2 });
  await pull.bind("tcp://127.0.0.1:*");
  const peers = 6;
  const perPeer = 30;
  const frame = 20 * 1024; // three frames: a 60 KiB message, more than half the cap
  const pushes = Array.from({ length: peers }, () => new Push({ linger: 0 }));
  try {
    const sending = pushes.map(async (push, p) => {
      push.connect(pull.lastEndpoint!);
      for (let i = 0; i < perPeer; i++) {
        const head = new TextEncoder().encode(`${p}:${i}`);
        await push.send([head, new Uint8Array(frame).fill(p), new Uint8Array(frame).fill(i)]);
      }
    });
    // Nobody reads yet: the pipes fill, bytes pile up, and the cap stops connections.
    const limits = pull.core.limits;
    await until(() => limits.stopped > 0, 10000, "a connection stopped at the cap");

    const next = new Map<number, number>();
    for (let n = 0; n < peers * perPeer; n++) {
      const msg = await within(pull.receive(), 10000, `message ${n}`);
      const [p, i] = text(msg[0]!).split(":").map(Number) as [number, number];
      assert.equal(i, next.get(p) ?? 0, `peer ${p}'s messages in order`);
      next.set(p, i + 1);
      assert.equal(msg.length, 3);
      assert.ok(msg[1]!.length === frame && msg[1]!.every((b) => b === p));
      assert.ok(msg[2]!.length === frame && msg[2]!.every((b) => b === (i & 0xff)));
    }
    await within(Promise.all(sending), 10000, "every send to complete");
    assert.equal(limits.held, 0);
  } finally {
    for (const p of pushes) p.close();
    pull.close();
  }
});

test("a peer may not make us hold more than 64 KiB before its handshake completes", async () => {
  const pull = new Pull({ linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const port = Number(pull.lastEndpoint!.split(":").pop());
  try {
    const refused = nextEvent(pull.events, "handshake:error:protocol");
    const greeting = new Uint8Array(64);
    greeting.set([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1, 0x4e, 0x55, 0x4c, 0x4c]); // NULL
    const command = Uint8Array.of(0x06, 0, 0, 0, 0, 0, 0x10, 0, 0); // a 1 MiB command frame
    const closed = new Promise<void>((resolve) => {
      const sock = createConnection({ host: "127.0.0.1", port }, () => {
        sock.write(greeting);
        sock.write(command);
        sock.write(new Uint8Array(70 * 1024));
      });
      sock.on("close", () => resolve());
      sock.on("error", () => {});
      sock.resume();
    });
    assert.match((await refused).error.message, /handshake command of more than 65536 bytes/);
    await within(closed, 5000, "the connection to be closed");
  } finally {
    pull.close();
  }
});

test("garbage connections of every kind are let go once they close, and a good peer is answered meanwhile", async () => {
  const router = new Router({ linger: 0 });
  await router.bind("tcp://127.0.0.1:*");
  const port = Number(router.lastEndpoint!.split(":").pop());
  const greeting = new Uint8Array(64);
  greeting.set([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1, 0x4e, 0x55, 0x4c, 0x4c]); // NULL
  const ready = Uint8Array.of(
    0x04,
    0x1c,
    5,
    ...new TextEncoder().encode("READY"),
    11,
    ...new TextEncoder().encode("Socket-Type"),
    0,
    0,
    0,
    6,
    ...new TextEncoder().encode("DEALER"),
  );
  const huge = (flags: number) => Uint8Array.of(flags | 0x02, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff);
  const kinds: Uint8Array[][] = [
    [Uint8Array.from({ length: 1500 }, (_, i) => (i * 37 + 11) & 0xff)], // random bytes
    [greeting, huge(0x04)], // a command declaring 2 GiB - 1
    [greeting, ready, huge(0), new Uint8Array(1024)], // a message declaring 2 GiB - 1, 1 KiB of it
    [greeting.subarray(0, 10)], // a truncated greeting
  ];
  const dealer = new Dealer({ linger: 0 });
  const sockets: ReturnType<typeof createConnection>[] = [];
  try {
    const limits = router.core.limits;
    const opened = Array.from({ length: 200 }, (_, i) =>
      new Promise<void>((resolve) => {
        const sock = createConnection({ host: "127.0.0.1", port }, () => {
          for (const part of kinds[i % kinds.length]!) sock.write(part);
          resolve();
        });
        sock.on("error", () => resolve());
        sock.resume();
        sockets.push(sock);
      }));
    await within(Promise.all(opened), 10000, "200 garbage connections to open");
    dealer.connect(router.lastEndpoint!);
    await dealer.send("still answered");
    const [id, body] = await within(router.receive(), 5000, "the good peer's message");
    await router.send([id!, body!]);
    assert.equal(text((await within(dealer.receive(), 5000, "the echo"))[0]!), "still answered");
    assert.ok(limits.accepted > 1, "garbage connections were held");

    for (const s of sockets) s.destroy();
    await until(() => limits.accepted === 1, 10000, "every garbage connection to be let go");
    assert.equal(limits.held, 0);
  } finally {
    for (const s of sockets) s.destroy();
    dealer.close();
    router.close();
  }
});
