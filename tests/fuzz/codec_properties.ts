/**
 * Properties of the codec (src/codec/) over hostile input, for fast-check: the frame decoder,
 * the greeting, every command parser and metadata. The suite runs each a few thousand times with
 * a fixed seed (codec_fuzz_test.ts); tests/fuzz/long.ts runs them a million times and more.
 *
 * What must hold, whatever the bytes and however they are split:
 * - the decoder gives the same frames (and the same refusal, at the same point) for any split;
 * - a valid stream decodes to what was encoded, a truncated one to a prefix of it;
 * - nothing throws but the codec's own protocol errors (FrameError, GreetingError, CommandError,
 *   MetadataError): a TypeError or RangeError there would be a bug reported as the peer's fault;
 * - nothing hangs: each call returns, and a decoder loop ends after at most one frame per 2 bytes;
 * - nothing allocates what a declared length asks before the bytes have arrived: every buffer
 *   made while decoding is no larger than the bytes the decoder holds (see {@link allocations}).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  encodeCommandFrame,
  FLAG_COMMAND,
  FLAG_LONG,
  FLAG_MORE,
  type Frame,
  FrameDecoder,
  FrameError,
  HARD_FRAME_LIMIT,
  writeHeader,
} from "../../src/codec/frame.ts";
import { checkGreeting, encodeGreeting, GreetingError } from "../../src/codec/greeting.ts";
import {
  cancelBody,
  commandBody,
  CommandError,
  errorBody,
  parseCommand,
  parseError,
  parsePing,
  parseReady,
  pingBody,
  readyBody,
  subscribeBody,
} from "../../src/codec/command.ts";
import {
  decodeMetadata,
  encodeMetadata,
  type Metadata,
  MetadataError,
} from "../../src/codec/metadata.ts";

// --- probes ------------------------------------------------------------------------------------

/**
 * Runs `fn` with the global Uint8Array constructor watched, and returns the largest length asked
 * of it. The codec calls `new Uint8Array(n)` through the global binding, so every buffer it makes
 * is seen; views (subarray) allocate nothing and are not. Synchronous only: nothing else runs.
 */
export function allocations<T>(fn: () => T): { result: T; largest: number } {
  const original = globalThis.Uint8Array;
  let largest = 0;
  globalThis.Uint8Array = new Proxy(original, {
    construct(target, args, newTarget) {
      if (typeof args[0] === "number") largest = Math.max(largest, args[0]);
      else if (args[0] instanceof ArrayBuffer && args.length === 1) {
        largest = Math.max(largest, args[0].byteLength);
      }
      return Reflect.construct(target, args, newTarget);
    },
  });
  try {
    return { result: fn(), largest };
  } finally {
    globalThis.Uint8Array = original;
  }
}

/** The codec's protocol errors: what a peer's bad bytes may cause, and nothing else. */
export function isProtocolError(e: unknown): boolean {
  return e instanceof FrameError || e instanceof GreetingError || e instanceof CommandError ||
    e instanceof MetadataError;
}

/** Calls `fn`; a protocol error comes back as its value, anything else is rethrown (a bug). */
function refusal<T>(fn: () => T): T | Error {
  try {
    return fn();
  } catch (e) {
    if (isProtocolError(e)) return e as Error;
    throw e;
  }
}

// --- streams -----------------------------------------------------------------------------------

interface SpecFrame {
  more: boolean;
  command: boolean;
  body: Uint8Array;
  /** Encode the size in 8 bytes even when 1 would do (libzmq accepts it). */
  long: boolean;
}

const bytes = (max: number) => fc.uint8Array({ maxLength: max });

/** Bodies mostly short, sometimes past the 255-byte short form. */
const body = fc.oneof(
  { arbitrary: bytes(40), weight: 6 },
  { arbitrary: fc.uint8Array({ minLength: 250, maxLength: 700 }), weight: 1 },
);

const specFrame: fc.Arbitrary<SpecFrame> = fc.record({
  more: fc.boolean(),
  command: fc.boolean(),
  body,
  long: fc.boolean(),
});

/** Encodes frames as a peer may send them (minimal or long size fields). */
export function encodeFrames(frames: readonly SpecFrame[]): Uint8Array {
  let n = 0;
  for (const f of frames) n += (f.long || f.body.length > 255 ? 9 : 2) + f.body.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const f of frames) {
    const flags = (f.more ? FLAG_MORE : 0) | (f.command ? FLAG_COMMAND : 0);
    if (f.long && f.body.length <= 255) {
      out[at] = flags | FLAG_LONG;
      new DataView(out.buffer).setUint32(at + 5, f.body.length);
      at += 9;
    } else {
      at = writeHeader(out, at, f.body.length, flags);
    }
    out.set(f.body, at);
    at += f.body.length;
  }
  return out;
}

/** Cuts `data` at the given positions (any order, repeats allowed) into chunks, empty ones too. */
export function split(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of at) {
    out.push(data.subarray(from, c));
    from = c;
  }
  out.push(data.subarray(from));
  return out;
}

const cuts = fc.array(fc.nat(), { maxLength: 40 });
/** Split points dense enough to cut most bytes apart. */
const manyCuts = fc.array(fc.nat(), { maxLength: 400 });

interface Decoded {
  frames: { more: boolean; command: boolean; body: number[] }[];
  error: string | undefined;
  /** Bytes pushed but not returned as frames when decoding stopped (-1 after a refusal). */
  buffered: number;
}

/**
 * Feeds `chunks` to a decoder, taking every frame after each push, and checks on the way that no
 * call allocates more than the decoder holds and that each loop ends.
 */
export function decode(chunks: Uint8Array[], limit = -1, copyBelow = 0): Decoded {
  const d = new FrameDecoder(limit, copyBelow);
  const frames: Decoded["frames"] = [];
  let total = 0;
  for (const chunk of chunks) {
    d.push(chunk);
    total += chunk.length;
    assert.ok(d.buffered <= total, "the decoder holds no more than it was given");
    for (let calls = 0;; calls++) {
      assert.ok(calls <= chunk.length / 2 + d.buffered + 1, "a decoding loop ends");
      const held = d.buffered;
      const { result, largest } = allocations(() => refusal(() => d.next()));
      assert.ok(largest <= held, `allocated ${largest} bytes while holding ${held}`);
      if (result instanceof Error) {
        // Where a refusal comes depends only on the bytes before it; what else had arrived does not.
        return { frames, error: `${result.name}:${(result as FrameError).code}`, buffered: -1 };
      }
      if (result === undefined) break;
      frames.push(plain(result));
    }
  }
  return { frames, error: undefined, buffered: d.buffered };
}

const plain = (f: Frame) => ({ more: f.more, command: f.command, body: [...f.body] });

/** One change to a stream: a byte replaced, inserted or removed. */
const mutation = fc.record({
  kind: fc.constantFrom("replace", "insert", "remove"),
  at: fc.nat(),
  value: fc.integer({ min: 0, max: 255 }),
});

export function mutate(
  data: Uint8Array,
  m: { kind: string; at: number; value: number },
): Uint8Array {
  const at = m.at % (data.length + 1);
  const out = [...data];
  if (m.kind === "insert" || out.length === 0) out.splice(at, 0, m.value);
  else if (m.kind === "remove") out.splice(Math.min(at, out.length - 1), 1);
  else out[Math.min(at, out.length - 1)] = m.value;
  return Uint8Array.from(out);
}

/** A decoder limit: none, small, or around the bodies generated. */
const limit = fc.constantFrom(-1, 0, 10, 255, 256, 1000);
const copyBelow = fc.constantFrom(0, 32);

// --- properties ----------------------------------------------------------------------------------

/** A property and how it is named in reports. */
export interface NamedProperty {
  name: string;
  property: fc.IProperty<any>;
}

/** A 32-bit half of a declared size: mostly at the edges where arithmetic goes wrong. */
const half = fc.oneof(
  fc.constantFrom(0, 1, 2, 99, 100, 255, 256, 1000, 1001, 0x7fff_fffe, 0x7fff_ffff),
  fc.constantFrom(0x8000_0000, 0xffff_fffe, 0xffff_ffff),
  fc.nat({ max: 0xffff_ffff }),
);
/** A declared 64-bit frame size, built from two halves. */
export const declaredSize = fc.tuple(half, half).map(([hi, lo]) =>
  (BigInt(hi) << 32n) | BigInt(lo)
);

const frameProperties: NamedProperty[] = [
  {
    name: "frames: a valid stream decodes to what was encoded, whatever the split",
    property: fc.property(
      fc.array(specFrame, { maxLength: 12 }),
      manyCuts,
      copyBelow,
      (frames, at, copy) => {
        const data = encodeFrames(frames);
        const got = decode(split(data, at), -1, copy);
        assert.equal(got.error, undefined);
        assert.equal(got.buffered, 0);
        assert.deepEqual(
          got.frames,
          frames.map((f) => ({ more: f.more, command: f.command, body: [...f.body] })),
        );
      },
    ),
  },
  {
    name: "frames: a truncated stream decodes to a prefix of its frames and holds the rest",
    property: fc.property(
      fc.array(specFrame, { minLength: 1, maxLength: 8 }),
      fc.nat(),
      cuts,
      (frames, end, at) => {
        const data = encodeFrames(frames);
        const cut = data.subarray(0, end % data.length);
        const got = decode(split(cut, at));
        assert.equal(got.error, undefined);
        const whole = decode([data]).frames;
        assert.deepEqual(got.frames, whole.slice(0, got.frames.length));
        assert.ok(got.frames.length < frames.length, "the last frame is incomplete");
        const used = encodeFrames(frames.slice(0, got.frames.length)).length;
        assert.equal(got.buffered, cut.length - used);
      },
    ),
  },
  {
    name: "frames: arbitrary bytes give the same frames and the same refusal whatever the split",
    property: fc.property(bytes(600), cuts, limit, copyBelow, (data, at, max, copy) => {
      assert.deepEqual(decode(split(data, at), max, copy), decode([data], max, copy));
    }),
  },
  {
    name: "frames: a valid stream with one byte changed decodes the same whatever the split",
    property: fc.property(
      fc.array(specFrame, { maxLength: 8 }),
      mutation,
      manyCuts,
      limit,
      (frames, m, at, max) => {
        const data = mutate(encodeFrames(frames), m);
        assert.deepEqual(decode(split(data, at), max), decode([data], max));
      },
    ),
  },
  {
    name:
      "frames: a huge declared length is refused past the limit at once, else waited for without allocating it",
    property: fc.property(
      declaredSize,
      fc.boolean(),
      fc.constantFrom(-1, 1000, HARD_FRAME_LIMIT),
      bytes(100),
      cuts,
      (size, command, max, tail, at) => {
        const header = new Uint8Array(9);
        header[0] = FLAG_LONG | (command ? FLAG_COMMAND : 0);
        new DataView(header.buffer).setBigUint64(1, size);
        const data = new Uint8Array(9 + tail.length);
        data.set(header);
        data.set(tail, 9);
        const got = decode(split(data, at), max);
        const cap = max < 0 ? HARD_FRAME_LIMIT : max;
        if (size > BigInt(cap)) assert.equal(got.error, "FrameError:EMSGSIZE");
        else if (size > BigInt(tail.length)) {
          assert.equal(got.error, undefined);
          assert.equal(got.frames.length, 0);
          assert.equal(got.buffered, data.length, "every byte is held, none decoded");
        } else assert.equal(got.frames[0]?.body.length, Number(size));
      },
    ),
  },
];

/** Mechanism names as peers send them: printable ASCII, 1-20 characters. */
const mechanism = fc.string({
  unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."),
  minLength: 1,
  maxLength: 20,
});

const greetingProperties: NamedProperty[] = [
  {
    name: "greeting: any 64 bytes are a greeting or a GreetingError, refused early if at all",
    property: fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (g) => {
      const whole = refusal(() => checkGreeting(g));
      let refusedAt = -1;
      for (let k = 0; k < 64; k++) {
        const part = refusal(() => checkGreeting(g.subarray(0, k)));
        if (part instanceof Error) {
          refusedAt = k;
          break;
        }
        assert.equal(part, undefined, "a partial greeting is never complete");
      }
      // A refusal of a prefix stands for the whole; a greeting refused whole was refused as soon
      // as its first bad byte (1, 10 or 11 bytes in) or else at 64.
      if (refusedAt >= 0) assert.ok(whole instanceof Error);
      if (!(whole instanceof Error)) assert.equal(refusedAt, -1);
    }),
  },
  {
    name: "greeting: a valid greeting is read back; with one byte changed it is read or refused",
    property: fc.property(
      mechanism,
      fc.boolean(),
      fc.integer({ min: 0, max: 255 }),
      fc.option(mutation),
      (mech, server, minor, m) => {
        const g = encodeGreeting(mech, server);
        g[11] = minor;
        if (m === null) {
          const got = checkGreeting(g);
          assert.deepEqual(got, { major: 3, minor, mechanism: mech, asServer: server });
          return;
        }
        const changed = mutate(g, { ...m, kind: "replace" });
        refusal(() => checkGreeting(changed));
      },
    ),
  },
];

const name = fc.string({
  minLength: 1,
  maxLength: 255,
  unit: fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c)),
});
const metadata: fc.Arbitrary<Metadata> = fc.dictionary(name, bytes(64), { maxKeys: 6 }).map(
  (d) => {
    const out: Metadata = Object.create(null);
    for (const [k, v] of Object.entries(d)) out[k] = v;
    return out;
  },
);
const plainProps = (m: Metadata) => Object.entries(m).map(([k, v]) => [k, [...v]]);

const commandProperties: NamedProperty[] = [
  {
    name: "metadata: encoded properties decode to themselves",
    property: fc.property(metadata, (props) => {
      assert.deepEqual(plainProps(decodeMetadata(encodeMetadata(props))), plainProps(props));
    }),
  },
  {
    name: "metadata: arbitrary or mutated bytes decode or raise MetadataError, allocating nothing",
    property: fc.property(
      fc.oneof(bytes(300), metadata.map(encodeMetadata)),
      fc.option(mutation),
      (data, m) => {
        const input = m === null ? data : mutate(data, m);
        const { largest } = allocations(() => refusal(() => decodeMetadata(input)));
        assert.equal(largest, 0, "values are views, never copies sized by the peer");
      },
    ),
  },
  {
    name: "commands: any body parses to a name and data, or raises CommandError",
    property: fc.property(bytes(300), (b) => {
      const c = refusal(() => parseCommand(b));
      if (c instanceof Error) return;
      assert.equal(1 + c.name.length + c.data.length, b.length);
    }),
  },
  {
    name: "commands: READY, PING, ERROR, SUBSCRIBE and CANCEL read back what was built",
    property: fc.property(
      fc.string({ minLength: 1, maxLength: 10 }).map((s) => s.replace(/[^\x20-\x7e]/g, "X")),
      fc.option(bytes(255)),
      fc.integer({ min: 0, max: 0xffff }),
      bytes(16),
      fc.string({ maxLength: 255 }).map((s) => s.replace(/[^\x20-\x7e]/g, "?")),
      bytes(100),
      (type, identity, ttl, context, reason, topic) => {
        const ready = parseCommand(readyBody(type, identity ?? undefined));
        assert.equal(ready.name, "READY");
        const props = parseReady(ready.data);
        assert.equal(new TextDecoder().decode(props["Socket-Type"]), type);
        const sent = identity === null ? undefined : [...identity];
        assert.deepEqual(props["Identity"] && [...props["Identity"]], sent);
        const ping = parseCommand(pingBody(ttl, context));
        assert.deepEqual({ ...parsePing(ping.data), context: [...parsePing(ping.data).context] }, {
          ttl,
          context: [...context],
        });
        assert.equal(parseError(parseCommand(errorBody(reason)).data), reason);
        for (const [build, n] of [[subscribeBody, "SUBSCRIBE"], [cancelBody, "CANCEL"]] as const) {
          const c = parseCommand(build(topic));
          assert.equal(c.name, n);
          assert.deepEqual([...c.data], [...topic]);
        }
      },
    ),
  },
  {
    name:
      "commands: each parser takes any data, or a built command with one byte changed, or raises CommandError",
    property: fc.property(
      fc.oneof(
        bytes(300),
        fc.constantFrom(
          readyBody("DEALER", new Uint8Array([1, 2])),
          pingBody(30, new Uint8Array([9])),
          errorBody("no"),
          commandBody("PONG", new Uint8Array(3)),
        ),
      ),
      fc.option(mutation),
      (data, m) => {
        const input = m === null ? data : mutate(data, m);
        const command = refusal(() => parseCommand(input));
        const payloads = command instanceof Error ? [input] : [input, command.data];
        for (const p of payloads) {
          refusal(() => parseReady(p));
          refusal(() => parsePing(p));
          refusal(() => parseError(p));
        }
        // A command frame around it decodes back to the same body.
        const frame = decode([encodeCommandFrame(input)]);
        assert.deepEqual(frame.frames, [{ more: false, command: true, body: [...input] }]);
      },
    ),
  },
];

/** Every property of the codec. */
export const codecProperties: NamedProperty[] = [
  ...frameProperties,
  ...greetingProperties,
  ...commandProperties,
];
