/**
 * Properties of the transports' pure codecs over hostile input, for fast-check: the WebSocket
 * client's frame decoder and upgrade answer parser (src/codec/websocket.ts), ZWS's translation
 * between ZMTP bytes and WebSocket messages (src/codec/zws.ts), and the bound on a message being
 * received (src/message_assembly.ts). Run as codec_properties.ts's are: a few thousand cases with a
 * fixed seed by codec_fuzz_test.ts, at length by long.ts.
 *
 * What must hold: the same frames (and the same refusal) whatever the split; a valid stream read
 * back as written; nothing thrown but the codec's own errors; nothing allocated beyond the bytes
 * held; a message's frames never held past their bound.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { FrameDecoder, FrameError } from "../../src/codec/frame.ts";
import {
  parseAnswer,
  UpgradeError,
  type WsFrame,
  WsFrameDecoder,
  WsFrameError,
} from "../../src/codec/websocket.ts";
import { ZmtpToZws, ZwsError, ZwsToZmtp } from "../../src/codec/zws.ts";
import { MessageAssembly } from "../../src/message_assembly.ts";
import {
  allocations,
  encodeFrames,
  mutate,
  type NamedProperty,
  split,
} from "./codec_properties.ts";

const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const cuts = fc.array(fc.nat(), { maxLength: 60 });
const mutation = fc.record({
  kind: fc.constantFrom("replace", "insert", "remove"),
  at: fc.nat(),
  value: fc.integer({ min: 0, max: 255 }),
});

/** Calls `fn`; one of `errors` comes back as its value, anything else is rethrown (a bug). */
function refusal<T>(fn: () => T, ...errors: (new (...a: any[]) => Error)[]): T | Error {
  try {
    return fn();
  } catch (e) {
    if (errors.some((E) => e instanceof E)) return e as Error;
    throw e;
  }
}

// --- WebSocket frames from a server ---------------------------------------------------------------

interface SpecWsFrame {
  fin: boolean;
  opcode: number;
  payload: Uint8Array;
  /** Length in a longer form than needed (RFC 6455 asks for the shortest; decoders take any). */
  wide: 0 | 126 | 127;
}

const wsFrame: fc.Arbitrary<SpecWsFrame> = fc.record({
  fin: fc.boolean(),
  opcode: fc.constantFrom(0x0, 0x1, 0x2, 0x8, 0x9, 0xa, 0x3),
  payload: fc.oneof(
    { arbitrary: bytes(130), weight: 30 },
    // Around the edge of the 2-byte length form, rarely: each one costs a 64 KiB copy.
    { arbitrary: fc.integer({ min: 65534, max: 65537 }).map((n) => new Uint8Array(n)), weight: 1 },
  ),
  wide: fc.constantFrom(0 as const, 126 as const, 127 as const),
});

/** Server frames by hand: unmasked, the length in its shortest form or a wider one. */
function encodeWs(frames: readonly SpecWsFrame[]): Uint8Array {
  const parts: number[] = [];
  for (const f of frames) {
    const n = f.payload.length;
    parts.push((f.fin ? 0x80 : 0) | f.opcode);
    const form = n > 0xffff ? 127 : n > 125 ? Math.max(126, f.wide) : f.wide;
    if (form === 0) parts.push(n);
    else if (form === 126) parts.push(126, n >> 8, n & 0xff);
    else parts.push(127, 0, 0, 0, 0, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
    for (const b of f.payload) parts.push(b);
  }
  return Uint8Array.from(parts);
}

interface WsDecoded {
  frames: { fin: boolean; opcode: number; payload: number[] }[];
  error: string | undefined;
}

/** Feeds chunks to a WsFrameDecoder, checking that no call allocates more than it holds. */
function decodeWs(chunks: Uint8Array[], limit?: number): WsDecoded {
  const d = new WsFrameDecoder(limit);
  const frames: WsDecoded["frames"] = [];
  for (const chunk of chunks) {
    d.push(chunk);
    for (let calls = 0;; calls++) {
      assert.ok(calls <= chunk.length / 2 + d.buffered + 1, "a decoding loop ends");
      const held = d.buffered;
      const { result, largest } = allocations(() =>
        refusal<WsFrame | undefined>(() => d.next(), WsFrameError)
      );
      assert.ok(largest <= Math.max(held, 10), `allocated ${largest} bytes while holding ${held}`);
      if (result instanceof Error) return { frames, error: result.message };
      if (result === undefined) break;
      frames.push({ fin: result.fin, opcode: result.opcode, payload: [...result.payload] });
    }
  }
  return { frames, error: undefined };
}

const wsProperties: NamedProperty[] = [
  {
    name: "websocket: server frames of every length form decode to themselves, whatever the split",
    property: fc.property(fc.array(wsFrame, { maxLength: 6 }), cuts, (frames, at) => {
      const got = decodeWs(split(encodeWs(frames), at));
      assert.equal(got.error, undefined);
      assert.deepEqual(
        got.frames,
        frames.map((f) => ({ fin: f.fin, opcode: f.opcode, payload: [...f.payload] })),
      );
    }),
  },
  {
    name:
      "websocket: arbitrary or mutated bytes give the same frames and refusal whatever the split",
    property: fc.property(
      fc.oneof(bytes(300), fc.array(wsFrame, { maxLength: 4 }).map(encodeWs)),
      fc.option(mutation),
      cuts,
      fc.constantFrom(undefined, 0, 125, 200),
      (data, m, at, limit) => {
        const input = m === null ? data : mutate(data, m);
        const whole = decodeWs([input], limit);
        assert.deepEqual(decodeWs(split(input, at), limit), whole);
        for (const f of whole.frames) {
          if (limit !== undefined) assert.ok(f.payload.length <= limit, "the limit holds");
        }
      },
    ),
  },
  {
    name: "websocket: an upgrade answer of any bytes is parsed, awaited or refused, never more",
    property: fc.property(
      fc.oneof(
        bytes(400),
        fc.string({ maxLength: 300 }).map((s) => new TextEncoder().encode(s)),
        fc.tuple(
          fc.constantFrom("HTTP/1.1 101 Switching Protocols", "HTTP/1.1 400 x", "HTTP/1.0 101"),
          fc.array(fc.string({ maxLength: 40 }), { maxLength: 6 }),
          bytes(20),
        ).map(([status, lines, rest]) => {
          const head = new TextEncoder().encode([status, ...lines].join("\r\n") + "\r\n\r\n");
          const out = new Uint8Array(head.length + rest.length);
          out.set(head);
          out.set(rest, head.length);
          return out;
        }),
      ),
      fc.option(mutation),
      (data, m) => {
        const input = m === null ? data : mutate(data, m);
        const got = refusal(() => parseAnswer(input), UpgradeError);
        if (got instanceof Error || got === undefined) return;
        assert.ok(got.rest >= 4 && got.rest <= input.length, "the head ends inside the input");
        assert.ok(Number.isInteger(got.answer.status) && got.answer.status <= 999);
      },
    ),
  },
];

// --- ZWS: ZMTP bytes to WebSocket messages and back -------------------------------------------------

const zmtpFrame = fc.record({
  more: fc.boolean(),
  command: fc.boolean(),
  body: fc.oneof(
    { arbitrary: bytes(40), weight: 6 },
    { arbitrary: fc.uint8Array({ minLength: 250, maxLength: 700 }), weight: 1 },
  ),
  long: fc.boolean(),
});

const zwsProperties: NamedProperty[] = [
  {
    name: "zws: the engine's stream cut into messages and read back gives its frames, any split",
    property: fc.property(fc.array(zmtpFrame, { maxLength: 10 }), cuts, (frames, at) => {
      const greeting = new Uint8Array(64).fill(7);
      const zmtp = encodeFrames(frames);
      const stream = new Uint8Array(64 + zmtp.length);
      stream.set(greeting);
      stream.set(zmtp, 64);
      const out = new ZmtpToZws();
      const messages: Uint8Array[] = [];
      for (const chunk of split(stream, at)) {
        // The translator writes into the engine's buffers for the call's duration: give it copies.
        out.push(chunk.slice(), (m) => messages.push(m.slice()));
      }
      assert.equal(messages.length, frames.length);
      const back = new ZwsToZmtp();
      const d = new FrameDecoder();
      for (const m of messages) for (const c of back.frame(m)) d.push(c.slice());
      for (const f of frames) {
        const g = d.next();
        assert.ok(g !== undefined);
        assert.deepEqual(
          { more: g.more, command: g.command, body: [...g.body] },
          { more: f.more, command: f.command, body: [...f.body] },
        );
      }
      assert.equal(d.next(), undefined);
    }),
  },
  {
    name: "zws: any message from a peer becomes one ZMTP frame or a ZwsError, never more",
    property: fc.property(bytes(400), fc.boolean(), (m, bare) => {
      const t = new ZwsToZmtp();
      const chunks = refusal(() => bare ? t.routingIdAsReady(m) : t.frame(m), ZwsError);
      if (chunks instanceof Error) return;
      const d = new FrameDecoder();
      for (const c of chunks) d.push(c.slice());
      const f = refusal(() => d.next(), FrameError);
      assert.ok(f !== undefined && !(f instanceof Error), "one whole frame");
      assert.equal(d.next(), undefined);
      assert.equal(d.buffered, 0);
    }),
  },
];

// --- a message being received ---------------------------------------------------------------------

const assemblyProperties: NamedProperty[] = [
  {
    name: "message assembly: frames come out as whole messages, or EMSGSIZE past a bound",
    property: fc.property(
      fc.array(fc.tuple(fc.nat({ max: 20 }), fc.boolean()), { maxLength: 60 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 0, max: 60 }),
      (frames, maxFrames, maxBytes) => {
        const a = new MessageAssembly(maxFrames, maxBytes);
        let frameCount = 0;
        let byteCount = 0;
        for (const [size, more] of frames) {
          const got = refusal(() => a.add(new Uint8Array(size), more), FrameError);
          const single = frameCount === 0 && !more;
          if (got instanceof Error) {
            assert.ok(!single, "a lone frame is never refused here (maxMessageSize is per frame)");
            assert.ok(frameCount + 1 > maxFrames || byteCount + size > maxBytes, got.message);
            return;
          }
          frameCount++;
          byteCount += size;
          if (single) assert.equal(got?.length, 1);
          else if (more) assert.equal(got, undefined);
          else {
            assert.equal(got?.length, frameCount);
            assert.ok(frameCount <= maxFrames && byteCount <= maxBytes);
          }
          if (!more) frameCount = byteCount = 0;
        }
      },
    ),
  },
];

/** Every property of the transports' codecs. */
export const transportCodecProperties: NamedProperty[] = [
  ...wsProperties,
  ...zwsProperties,
  ...assemblyProperties,
];
