// ZWS 2.0 (RFC 45): subprotocol names, and the translation between the engine's ZMTP bytes and
// ZWS messages, fed in every split (zmtp.md §6).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  parseProtocols,
  readyAsRoutingId,
  ZmtpToZws,
  ZWS_BARE,
  zwsMechanism,
  zwsOffer,
  zwsPeerGreeting,
  zwsSelect,
  ZwsToZmtp,
} from "../../src/codec/zws.ts";
import {
  encodeCommandFrame,
  FrameDecoder,
  messageSize,
  writeMessage,
} from "../../src/codec/frame.ts";
import { encodeGreeting } from "../../src/codec/greeting.ts";
import { checkGreeting } from "../../src/codec/greeting.ts";
import { parseCommand, parseReady, pingBody, readyBody } from "../../src/codec/command.ts";
import { parseEndpoint } from "../../src/endpoint.ts";

const text = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");

function zmtp(frames: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(messageSize(frames));
  writeMessage(out, 0, frames);
  return out;
}

/** Feeds `bytes` to a fresh cutter (after a greeting) in pieces of `step`; returns the messages, copied. */
function cut(bytes: Uint8Array, step: number): Uint8Array[] {
  const c = new ZmtpToZws();
  const out: Uint8Array[] = [];
  const all = new Uint8Array(64 + bytes.length);
  all.set(encodeGreeting("NULL"));
  all.set(bytes, 64);
  for (let at = 0; at < all.length; at += step) {
    c.push(all.subarray(at, at + step), (m) => out.push(m.slice()));
  }
  return out;
}

test("subprotocols: mechanisms, what a client offers, what a server picks (RFC 45, libzmq)", () => {
  assert.equal(zwsMechanism("ZWS2.0/NULL"), "NULL");
  assert.equal(zwsMechanism("ZWS2.0/PLAIN"), "PLAIN");
  assert.equal(zwsMechanism("ZWS2.0/CURVE"), "CURVE");
  assert.equal(zwsMechanism(ZWS_BARE), "NULL");
  assert.equal(zwsMechanism("ZWS2.0/BEARER"), undefined);
  assert.equal(zwsMechanism("ZWS1.0"), undefined);
  assert.equal(zwsMechanism("chat"), undefined);
  // libzmq offers "ZWS2.0/NULL,ZWS2.0" for NULL; a standard WebSocket can only offer tokens.
  assert.deepEqual(zwsOffer("NULL", false), ["ZWS2.0/NULL", "ZWS2.0"]);
  assert.deepEqual(zwsOffer("NULL", true), ["ZWS2.0"]);
  assert.deepEqual(zwsOffer("PLAIN", false), ["ZWS2.0/PLAIN"]);
  assert.deepEqual(zwsOffer("PLAIN", true), []);
  // The server takes the first offered that stands for its own mechanism.
  assert.equal(zwsSelect(parseProtocols("ZWS2.0/NULL,ZWS2.0"), "NULL"), "ZWS2.0/NULL");
  assert.equal(zwsSelect(parseProtocols("ZWS2.0, ZWS2.0/NULL"), "NULL"), "ZWS2.0");
  assert.equal(zwsSelect(parseProtocols("ZWS2.0/PLAIN"), "NULL"), undefined);
  assert.equal(zwsSelect(parseProtocols("ZWS2.0"), "PLAIN"), undefined);
  assert.equal(zwsSelect(parseProtocols(null), "NULL"), undefined);
});

test("the implied peer greeting: the subprotocol's mechanism, ZMTP 3.0 (subscriptions as data)", () => {
  const g = checkGreeting(zwsPeerGreeting("NULL"))!;
  assert.deepEqual([g.major, g.minor, g.mechanism], [3, 0, "NULL"]);
  assert.equal(checkGreeting(zwsPeerGreeting("CURVE"))!.mechanism, "CURVE");
});

test("ZMTP -> ZWS: the greeting is dropped, each frame is one message with ZWS flags, in any split", () => {
  const big = Uint8Array.from({ length: 70_000 }, (_, i) => i & 0xff);
  const bytes = new Uint8Array([
    ...zmtp([text("a"), new Uint8Array(0), big]), // MORE, MORE (empty), LONG last
    ...encodeCommandFrame(pingBody(10)), // a command
    ...zmtp([new Uint8Array(300)]), // LONG, last
  ]);
  const expected = [
    [0x01, 0x61],
    [0x01],
    [0x00, ...big],
    [0x02, 0x04, 0x50, 0x49, 0x4e, 0x47, 0x00, 0x0a],
    [0x00, ...new Uint8Array(300)],
  ];
  for (const step of [1, 2, 3, 7, 64, 65, 1000, 100_000]) {
    const got = cut(bytes, step);
    assert.equal(got.length, expected.length, `split ${step}`);
    got.forEach((m, i) => assert.deepEqual([...m], expected[i], `split ${step}, message ${i}`));
  }
});

test("ZMTP -> ZWS: a frame whole in one write is a view, and the write is left as it was", () => {
  const write = zmtp([text("hello"), text("world")]);
  const before = write.slice();
  const c = new ZmtpToZws();
  c.push(encodeGreeting("NULL"), () => assert.fail("the greeting makes no message"));
  const seen: Uint8Array[] = [];
  c.push(write, (m) => {
    assert.equal(m.buffer, write.buffer, "a view of the write");
    seen.push(m.slice());
  });
  assert.deepEqual(seen.map(hex), ["01 68 65 6c 6c 6f", "00 77 6f 72 6c 64"]);
  assert.deepEqual(write, before, "the flags byte written during the call is restored");
});

test("ZWS -> ZMTP: flags mapped, small frames copied whole, large ones keep a view of the body", () => {
  const t = new ZwsToZmtp();
  const d = new FrameDecoder();
  const small = new Uint8Array([0x01, 0x41, 0x42]);
  const command = new Uint8Array([0x02, 0x04, 0x50, 0x4f, 0x4e, 0x47]);
  const large = new Uint8Array(1 + 100_000);
  large[0] = 0x00;
  large[5000] = 9;
  const chunks = [...t.frame(small), ...t.frame(command), ...t.frame(large)];
  assert.equal(
    chunks.length,
    4,
    "one chunk each for the small ones, header and body for the large",
  );
  assert.equal(chunks[3]!.buffer, large.buffer, "the large body is a view");
  for (const c of chunks) d.push(c);
  const f1 = d.next()!;
  assert.deepEqual([f1.more, f1.command, hex(f1.body)], [true, false, "41 42"]);
  const f2 = d.next()!;
  assert.deepEqual([f2.more, f2.command, parseCommand(f2.body).name], [false, true, "PONG"]);
  const f3 = d.next()!;
  assert.deepEqual([f3.more, f3.command, f3.body.length, f3.body[4999]], [
    false,
    false,
    100_000,
    9,
  ]);
  assert.equal(d.next(), undefined);
  assert.throws(() => t.frame(new Uint8Array(0)), /flags/);
});

test("ZWS2.0 without a mechanism: READY <-> the routing id message", () => {
  const t = new ZwsToZmtp();
  const d = new FrameDecoder();
  for (const c of t.routingIdAsReady(new Uint8Array([0x00, 0x69, 0x64]))) d.push(c);
  const f = d.next()!;
  assert.equal(f.command, true);
  const { name, data } = parseCommand(f.body);
  assert.equal(name, "READY");
  const props = parseReady(data);
  assert.deepEqual(Object.keys(props), ["Identity"], "no Socket-Type: a bare peer never says");
  assert.equal(hex(props["Identity"]!), "69 64");
  assert.throws(() => t.routingIdAsReady(new Uint8Array([0x01, 0x69])), /routing id/);
  assert.throws(() => t.routingIdAsReady(new Uint8Array([0x02, 0x69])), /routing id/);
  // Our READY (as the ZWS command message) becomes the routing id: Identity, or empty.
  const asZws = (body: Uint8Array) => new Uint8Array([0x02, ...body]);
  assert.equal(hex(readyAsRoutingId(asZws(readyBody("DEALER", text("me"))))), "00 6d 65");
  assert.equal(hex(readyAsRoutingId(asZws(readyBody("PUSH")))), "00");
});

test("ws endpoints: host, port, path (default /), wss, IPv6, errors", () => {
  const ep = parseEndpoint("ws://127.0.0.1:5555/zmq/feed");
  assert.deepEqual(ep, {
    transport: "ws",
    secure: false,
    host: "127.0.0.1",
    port: 5555,
    path: "/zmq/feed",
    address: "ws://127.0.0.1:5555/zmq/feed",
  });
  assert.equal((parseEndpoint("ws://*:*") as { path: string }).path, "/");
  assert.equal((parseEndpoint("ws://*:*") as { port: number }).port, 0);
  const v6 = parseEndpoint("wss://[::1]:443/x") as { host: string; secure: boolean; path: string };
  assert.deepEqual([v6.host, v6.secure, v6.path], ["::1", true, "/x"]);
  assert.throws(() => parseEndpoint("ws://host/zmq"), { code: "EINVAL" });
  assert.throws(() => parseEndpoint("ws://host:99999/"), { code: "EINVAL" });
});
