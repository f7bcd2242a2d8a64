// What a hostile peer can send after (or instead of) a good handshake, and what it must not get:
// memory that grows without bound, a hang, or harm to another connection. Raw peers write the
// bytes by hand (tests/helpers/zmtp_raw.ts, ws_raw.ts), so the library's encoder cannot hide a
// bug of its decoder.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Pull, Push } from "../../mod.ts";
import { MAX_MESSAGE_FRAMES } from "../../src/message_assembly.ts";
import { nextEvent, until, within } from "../helpers/timeout.ts";
import { frame, RawPeer } from "../helpers/zmtp_raw.ts";
import { clientFrame, RawWs, upgradeRequest, zwsReady } from "../helpers/ws_raw.ts";

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const portOf = (endpoint: string) => Number(endpoint.split(":")[2]!.split("/")[0]);

/** `n` empty frames marked MORE, as one buffer. */
const moreFrames = (n: number) => {
  const out = new Uint8Array(2 * n);
  for (let i = 0; i < n; i++) out[2 * i] = 0x01;
  return out;
};

test("tcp: a peer sending frames marked MORE forever is dropped once its message passes the frame bound; a good peer is not harmed", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx, linger: 0 });
    await pull.bind("tcp://127.0.0.1:*");
    const port = portOf(pull.lastEndpoint!);
    const push = new Push({ context: ctx, linger: 0 });
    push.connect(pull.lastEndpoint!);
    await push.send("before");
    assert.equal(text((await within(pull.receive(), 5000, "the good message"))[0]), "before");

    const refused = nextEvent(pull.events, "handshake:error:protocol", 10000);
    const bad = await RawPeer.connect(port);
    await bad.handshake(1, "PUSH");
    // Just past the bound, in pieces, as a peer that never ends its message would.
    const total = MAX_MESSAGE_FRAMES + 1;
    for (let sent = 0; sent < total; sent += 8192) {
      bad.write(moreFrames(Math.min(8192, total - sent)));
    }
    const e = await refused;
    assert.match(String(e.error?.message), /frames/);
    await within(bad.closed, 5000, "the hostile connection to close");

    await push.send("after");
    assert.equal(text((await within(pull.receive(), 5000, "the message after"))[0]), "after");
  } finally {
    ctx.terminate();
  }
});

test("tcp: a message of many frames below the bound still arrives whole", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx, linger: 0 });
    await pull.bind("tcp://127.0.0.1:*");
    const peer = await RawPeer.connect(portOf(pull.lastEndpoint!));
    await peer.handshake(1, "PUSH");
    peer.write(moreFrames(MAX_MESSAGE_FRAMES - 1), frame(new Uint8Array([0x41])));
    const msg = await within(pull.receive(), 10000, "the long message");
    assert.equal(msg.length, MAX_MESSAGE_FRAMES);
    assert.equal(text(msg.at(-1)), "A");
    peer.close();
  } finally {
    ctx.terminate();
  }
});

test("ws: a peer sending frames marked MORE forever is dropped once its message passes the frame bound", async () => {
  const ctx = new Context();
  try {
    const pull = new Pull({ context: ctx, linger: 0 });
    await pull.bind("ws://127.0.0.1:*/zmq");
    const refused = nextEvent(pull.events, "handshake:error:protocol", 20000);
    const ws = await RawWs.open(portOf(pull.lastEndpoint!), upgradeRequest("/zmq", "ZWS2.0/NULL"));
    assert.equal(ws.status, 101);
    ws.send(clientFrame(0x2, zwsReady("PUSH")));
    const more = clientFrame(0x2, new Uint8Array([0x01]));
    const burst = new Uint8Array(more.length * 8192);
    for (let i = 0; i < 8192; i++) burst.set(more, i * more.length);
    for (let sent = 0; sent <= MAX_MESSAGE_FRAMES; sent += 8192) ws.send(burst);
    const e = await refused;
    assert.match(String(e.error?.message), /frames/);
    await within(ws.closed, 5000, "the hostile WebSocket to close");
  } finally {
    ctx.terminate();
  }
});

test("ws server: an upgrade with no key, another version or no Connection: Upgrade is refused with 4xx and reported, logging nothing", async () => {
  const ctx = new Context();
  const logged: unknown[] = [];
  const consoleError = console.error;
  console.error = (...a: unknown[]) => void logged.push(a);
  try {
    const pull = new Pull({ context: ctx, linger: 0 });
    await pull.bind("ws://127.0.0.1:*/zmq");
    const port = portOf(pull.lastEndpoint!);
    const refusals: string[] = [];
    pull.events.on("handshake:error:protocol", (e) => refusals.push(e.error?.message ?? ""));
    const head = (lines: string[]) =>
      ["GET /zmq HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket", ...lines].join("\r\n") +
      "\r\n\r\n";
    const key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==";
    const bad: [string, string[], number][] = [
      ["no key", ["Connection: Upgrade", "Sec-WebSocket-Version: 13"], 400],
      ["version 8", ["Connection: Upgrade", key, "Sec-WebSocket-Version: 8"], 426],
      ["Connection: keep-alive", ["Connection: keep-alive", key, "Sec-WebSocket-Version: 13"], 426],
    ];
    for (const [what, lines, status] of bad) {
      const ws = await RawWs.open(port, head([...lines, "Sec-WebSocket-Protocol: ZWS2.0"]));
      assert.equal(ws.status, status, what);
      if (what === "version 8") assert.equal(ws.headers.get("sec-websocket-version"), "13");
      ws.destroy();
    }
    await until(() => refusals.length === bad.length, 5000, "every refusal to be reported");
    const good = await RawWs.open(
      port,
      head([
        "Connection: Upgrade",
        key,
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Protocol: ZWS2.0",
      ]),
    );
    assert.equal(good.status, 101, "a good upgrade still passes");
    good.destroy();
    assert.deepEqual(logged, [], "nothing logged");
  } finally {
    console.error = consoleError;
    ctx.terminate();
  }
});
