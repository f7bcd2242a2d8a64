// A libzmq peer that dies and comes back; bad input on a bound port.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createConnection, type Socket as NetSocket } from "node:net";
import { Pull, Push } from "../../mod.ts";
import { LibzmqPeer, peerTest } from "../helpers/libzmq.ts";
import { nextEvent, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

peerTest(
  "a connected zmq-ts PUSH resumes delivery after the libzmq PULL is killed and restarted",
  async () => {
    let peer = await LibzmqPeer.start("PULL");
    const endpoint = await peer.bind("tcp://127.0.0.1:*");
    const push = new Push({ linger: 0, reconnectInterval: 50 });
    try {
      push.connect(endpoint);
      const first = peer.receive(10);
      for (let i = 0; i < 10; i++) await push.send(`before ${i}`);
      assert.equal((await first).length, 10);

      const lost = nextEvent(push.events, "disconnect", 10000);
      await peer.kill();
      await lost;

      peer = await LibzmqPeer.start("PULL");
      await peer.bind(endpoint);
      // Sent while the peer may still be coming up: they queue and go out on reconnect.
      const after = peer.receive(100, 20000);
      for (let i = 0; i < 100; i++) await within(push.send(`after ${i}`), 10000, `send ${i}`);
      const msgs = await after;
      assert.deepEqual(
        msgs.map((m) => text(m[0]!)),
        Array.from({ length: 100 }, (_, i) => `after ${i}`),
      );
    } finally {
      push.close();
      await peer.stop();
    }
  },
);

/** Opens a raw TCP connection, writes `bytes`, resolves when the server closes it. */
function rawClient(
  port: number,
  bytes: Uint8Array | string,
): Promise<{ closed: Promise<void>; sock: NetSocket }> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host: "127.0.0.1", port }, () => {
      sock.write(bytes);
      resolve({ sock, closed });
    });
    const closed = new Promise<void>((r) => sock.on("close", () => r()));
    sock.resume(); // read to EOF, or node:net never reports the close
    sock.on("error", () => {});
    sock.once("error", reject);
  });
}

const greeting = (major: number, mechanism = "NULL") => {
  const g = new Uint8Array(64);
  g[0] = 0xff;
  g[8] = 1;
  g[9] = 0x7f;
  g[10] = major;
  g[11] = 1;
  for (let i = 0; i < mechanism.length; i++) g[12 + i] = mechanism.charCodeAt(i);
  return g;
};

peerTest(
  "garbage, HTTP, old versions and a wrong mechanism are refused without disturbing a good peer",
  async () => {
    const pull = new Pull({ linger: 0, maxMessageSize: 1024 });
    await pull.bind("tcp://127.0.0.1:*");
    const port = Number(pull.lastEndpoint!.split(":").pop());
    const peer = await LibzmqPeer.start("PUSH");
    try {
      await peer.connect(pull.lastEndpoint!);
      const sending = peer.sendSeq(2000);
      const bad: Uint8Array[] = [
        new TextEncoder().encode("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        Uint8Array.from({ length: 512 }, (_, i) => (i * 131 + 17) & 0xff).map((
          b,
          i,
        ) => (i === 0 ? 0x42 : b)),
        greeting(2),
        greeting(3, "PLAIN"),
        // a ZMTP 1.0 peer: byte 9 has bit 0 clear
        Uint8Array.of(0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7e),
      ];
      const errors: string[] = [];
      pull.events.on("handshake:error:protocol", (e) => errors.push(e.error?.message ?? ""));
      const clients = await Promise.all(bad.map((b) => rawClient(port, b)));
      await within(
        Promise.all(clients.map((c) => c.closed)),
        5000,
        "every bad client to be disconnected",
      );
      assert.equal(errors.length, bad.length);

      for (let i = 0; i < 2000; i++) {
        const [m] = await within(pull.receive(), 10000, `good message ${i}`);
        assert.equal(text(m!), String(i));
      }
      await sending;
    } finally {
      pull.close();
      await peer.stop();
    }
  },
);

test("a frame above maxMessageSize, or a frame before the handshake, drops only that connection", async () => {
  const pull = new Pull({ linger: 0, maxMessageSize: 100 });
  await pull.bind("tcp://127.0.0.1:*");
  const port = Number(pull.lastEndpoint!.split(":").pop());
  const push = new Push({ linger: 0 });
  try {
    push.connect(pull.lastEndpoint!);
    await push.send("still fine");
    assert.equal(text((await within(pull.receive(), 5000, "first message"))[0]!), "still fine");

    const ready = Uint8Array.of(
      4,
      26,
      5,
      ...new TextEncoder().encode("READY"),
      11,
      ...new TextEncoder().encode("Socket-Type"),
      0,
      0,
      0,
      4,
      ...new TextEncoder().encode("PUSH"),
    );
    const oversize = Uint8Array.of(0x02, 0, 0, 0, 0, 0, 0, 0x10, 0); // a 4 KiB frame header
    const a = await rawClient(port, new Uint8Array([...greeting(3), ...ready, ...oversize]));
    const b = await rawClient(port, new Uint8Array([...greeting(3), 0x00, 0x01, 0x61]));
    await within(Promise.all([a.closed, b.closed]), 5000, "both bad clients to be disconnected");

    await push.send("after");
    assert.equal(text((await within(pull.receive(), 5000, "message after"))[0]!), "after");
  } finally {
    pull.close();
    push.close();
  }
});

peerTest(
  "an incompatible socket type is refused: libzmq PUSH cannot talk to zmq-ts PUSH",
  async () => {
    const push = new Push({ linger: 0 });
    await push.bind("tcp://127.0.0.1:*");
    const peer = await LibzmqPeer.start("PUSH");
    try {
      const refused = nextEvent(push.events, "handshake:error:protocol", 5000);
      await peer.connect(push.lastEndpoint!);
      const e = await refused;
      assert.match(e.error.message, /PUSH cannot talk to PUSH/);
    } finally {
      push.close();
      await peer.stop();
    }
  },
);

test("a SUBSCRIBE command sent to a non-publisher is ignored, not delivered as data", async () => {
  const pull = new Pull({ linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const port = Number(pull.lastEndpoint!.split(":").pop());
  try {
    const enc = (s: string) => [...new TextEncoder().encode(s)];
    const ready = [
      4,
      26,
      5,
      ...enc("READY"),
      11,
      ...enc("Socket-Type"),
      0,
      0,
      0,
      4,
      ...enc("PUSH"),
    ];
    const subscribe = [4, 11, 9, ...enc("SUBSCRIBE"), 0x41];
    const data = [0, 4, ...enc("data")];
    const c = await rawClient(
      port,
      new Uint8Array([...greeting(3), ...ready, ...subscribe, ...data]),
    );
    const [m, ...more] = await within(pull.receive(), 5000, "the data message");
    assert.equal(text(m!), "data");
    assert.equal(more.length, 0);
    c.sock.destroy();
  } finally {
    pull.close();
  }
});
