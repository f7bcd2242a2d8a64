// Our ws:// client (src/transports/ws_client.ts, over the runtime's tcp) against a hostile server:
// RFC 6455's rules on control frames, a message cut into endless fragments, and an upgrade that is
// never answered. Each must end the connection, not grow memory or wait forever.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Push } from "../../mod.ts";
import { nextEvent, until, within } from "../helpers/timeout.ts";
import { type FakeWsConnection, fakeWsServer, serverFrame } from "../helpers/ws_fake_server.ts";

const OP_CONT = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;

/** Connects a Push to a fake server that sends `script` after the upgrade; resolves when the client drops it. */
async function clientDrops(
  script: (c: FakeWsConnection) => void,
  what: string,
  afterHead?: Uint8Array,
): Promise<void> {
  const ctx = new Context();
  let dropped: Promise<void> | undefined;
  const server = await fakeWsServer((c) => {
    dropped ??= c.closed;
    script(c);
  }, { afterHead });
  try {
    const push = new Push({ context: ctx, linger: 0, reconnectInterval: 60_000 });
    const refused = nextEvent(push.events, "handshake:error:protocol", 10000);
    push.connect(`ws://127.0.0.1:${server.port}/`);
    const e = await refused;
    assert.match(String(e.error?.message), /WebSocket|framing|fragment|control|text/i, what);
    await until(() => dropped !== undefined, 5000, "the connection");
    await within(dropped!, 5000, `the client to close the connection after ${what}`);
  } finally {
    ctx.terminate();
    server.close();
  }
}

test("ws client: bad input in the same read as the upgrade's answer is reported at once, not at the handshake timeout", async () => {
  // A text frame: ZWS takes binary frames only. Before the engine existed, the refusal was lost.
  const textFrame = serverFrame(OP_TEXT, new TextEncoder().encode("hi"));
  await clientDrops(() => {}, "a text frame with the answer", textFrame);
});

test("ws client: a ping with a payload over 125 bytes ends the connection (RFC 6455 §5.5)", async () => {
  await clientDrops(
    (c) => c.socket.write(serverFrame(OP_PING, new Uint8Array(126))),
    "a long ping",
  );
});

test("ws client: a fragmented control frame ends the connection", async () => {
  await clientDrops(
    (c) => c.socket.write(serverFrame(OP_PING, new Uint8Array(4), false)),
    "a ping without FIN",
  );
});

test("ws client: a close frame with a one-byte payload ends the connection as bad framing", async () => {
  await clientDrops((c) => c.socket.write(serverFrame(OP_CLOSE, new Uint8Array([3]))), "close");
});

test("ws client: a message cut into endless empty fragments is refused past the fragment bound", async () => {
  await clientDrops((c) => {
    const empty = serverFrame(OP_CONT, new Uint8Array(0), false);
    const burst = new Uint8Array(empty.length * 8192);
    for (let i = 0; i < 8192; i++) burst.set(empty, i * empty.length);
    c.socket.write(serverFrame(OP_BINARY, new Uint8Array([0]), false));
    // 16 bursts: past any bound a sane server's fragmentation would reach.
    for (let i = 0; i < 16; i++) c.socket.write(burst);
  }, "endless fragments");
});

test("ws client: a server that never answers the upgrade is given up after handshakeInterval, and tried again", async () => {
  const ctx = new Context();
  const server = await fakeWsServer(() => {}, { answer: false });
  try {
    const push = new Push({
      context: ctx,
      linger: 0,
      handshakeInterval: 200,
      reconnectInterval: 50,
    });
    const retried = nextEvent(push.events, "connect:retry", 10000);
    push.connect(`ws://127.0.0.1:${server.port}/`);
    await retried;
    await until(() => server.connections() >= 2, 10000, "a second attempt");
  } finally {
    ctx.terminate();
    server.close();
  }
});
