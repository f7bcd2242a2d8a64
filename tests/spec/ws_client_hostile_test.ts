// Our ws:// client (src/transports/ws_client.ts, over the runtime's tcp) against a hostile server:
// RFC 6455's rules on control frames, a message cut into endless fragments, and an upgrade that is
// never answered. Each must end the connection, not grow memory or wait forever.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Push } from "../../mod.ts";
import { nextEvent, until, within } from "../helpers/timeout.ts";
import { type FakeWsConnection, fakeWsServer, serverFrame } from "../helpers/ws_fake_server.ts";

const OP_TEXT = 0x1;

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
