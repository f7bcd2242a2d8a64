/**
 * The engine under hostile connections (issue #12): a bound zmq-ts socket takes real tcp
 * connections that send random or mutated byte streams, while a well-behaved libzmq peer sends
 * it a numbered sequence. Every one of libzmq's messages must arrive, in order, once; the process
 * must neither crash nor hang; and the socket must still take a new peer afterwards.
 *
 * Attacks are drawn with fast-check from a seed, so a run can be replayed: raw random bytes, or
 * a ZMTP stream (a greeting, READY or something else, then messages, commands, huge declared
 * sizes, garbage), with a few bytes changed, cut short, split into arbitrary writes (some dripped
 * a byte at a time), and ended by a close, a reset, or by staying open and silent.
 */
import assert from "node:assert/strict";
import { createConnection, type Socket as NetSocket } from "node:net";
import fc from "fast-check";
import { Context, Dealer, Pull, Push, Router } from "../../mod.ts";
import { LibzmqPeer } from "../helpers/libzmq.ts";
import { bytes, command, concat, frame, greeting } from "../helpers/zmtp_raw.ts";
import { declaredSize, mutate, split } from "./codec_properties.ts";
import { within } from "../helpers/timeout.ts";

/** One hostile connection: what it writes, in which pieces, and how it ends. */
export interface Attack {
  chunks: Uint8Array[];
  /** Wait this long (ms) between writes: 0 for back to back. */
  drip: number;
  end: "close" | "reset" | "hold";
}

// --- building streams ---------------------------------------------------------------------------

const raw = (max: number) => fc.uint8Array({ maxLength: max });

/** `arb` one time in four, else null. */
const sometimes = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: arb, weight: 1 });

/** A greeting: valid (3.0 or 3.1), another mechanism, an old version, or noise. */
const greetingPart = fc.oneof(
  { arbitrary: fc.constantFrom(greeting(1), greeting(0)), weight: 8 },
  {
    arbitrary: fc.constantFrom("PLAIN", "CURVE", "", "NULL\u0001").map((m) => {
      const g = greeting(1);
      g.fill(0, 12, 32);
      g.set(bytes(m), 12);
      return g;
    }),
    weight: 1,
  },
  {
    arbitrary: fc.integer({ min: 0, max: 2 }).map((major) => {
      const g = greeting(1);
      g[10] = major;
      return g;
    }),
    weight: 1,
  },
  { arbitrary: fc.uint8Array({ minLength: 64, maxLength: 64 }), weight: 1 },
);

/** Metadata properties, by hand: a name and a value with the length it declares (or not). */
const property = fc.record({
  name: fc.oneof(
    fc.constantFrom("Socket-Type", "Identity", "X-Any"),
    fc.string({ maxLength: 300 }),
  ),
  value: raw(40),
  declared: sometimes(fc.nat({ max: 0xffff_ffff })),
}).map(({ name, value, declared }) => {
  const n = bytes(name).subarray(0, 255);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, declared ?? value.length);
  return concat([n.length], n, len, value);
});

/** What may follow the greeting first: READY of some type, or anything else. */
const handshakePart = fc.oneof(
  {
    arbitrary: fc.record({
      type: fc.oneof(
        { arbitrary: fc.constantFrom("PUSH", "DEALER"), weight: 6 },
        { arbitrary: fc.constantFrom("REQ", "PUB", "PAIR", "ROUTER", "BOGUS", ""), weight: 2 },
      ),
      identity: fc.option(raw(30)),
      extra: fc.oneof(
        { arbitrary: fc.constant([]), weight: 3 },
        { arbitrary: fc.array(property, { minLength: 1, maxLength: 2 }), weight: 1 },
      ),
    }).map(({ type, identity, extra }) => {
      const t = bytes(type);
      const props = [concat([11], bytes("Socket-Type"), [0, 0, 0, t.length], t)];
      if (identity !== null) {
        props.push(concat([8], bytes("Identity"), [0, 0, 0, identity.length], identity));
      }
      return command("READY", concat(...props, ...extra));
    }),
    weight: 8,
  },
  {
    arbitrary: fc.array(property, { maxLength: 3 }).map((p) => command("READY", concat(...p))),
    weight: 1,
  },
  { arbitrary: raw(20).map((r) => command("ERROR", concat([r.length], r))), weight: 1 },
  { arbitrary: raw(30).map((b) => frame(b)), weight: 1 },
  { arbitrary: raw(30), weight: 1 },
);

/** Marks attackers' own messages, so that none can pass for libzmq's. */
const MINE = bytes("x");

/** What may come after the handshake. */
const trafficPart = fc.oneof(
  {
    arbitrary: fc.array(raw(300), { minLength: 1, maxLength: 4 }).map((parts) =>
      concat(...[MINE, ...parts].map((p, i, all) => frame(p, i < all.length - 1 ? 1 : 0)))
    ),
    weight: 12,
  },
  {
    arbitrary: fc.tuple(fc.nat({ max: 0xffff }), raw(20)).map(([ttl, ctx]) =>
      command("PING", concat([ttl >> 8, ttl & 0xff], ctx))
    ),
    weight: 3,
  },
  { arbitrary: raw(20).map((c) => command("PONG", c)), weight: 1 },
  { arbitrary: raw(20).map((t) => command("SUBSCRIBE", t)), weight: 1 },
  {
    arbitrary: fc.tuple(fc.string({ maxLength: 12 }), raw(20)).map(([n, d]) => command(n, d)),
    weight: 1,
  },
  {
    // A frame declaring a huge size (possibly a command, possibly "more"), then a little of it.
    arbitrary: fc.tuple(
      fc.integer({ min: 0, max: 7 }),
      declaredSize,
      raw(50),
    ).map(([flags, size, some]) => {
      const head = new Uint8Array(9);
      head[0] = flags | 0x02;
      new DataView(head.buffer).setBigUint64(1, size);
      return concat(head, some);
    }),
    weight: 1,
  },
  { arbitrary: raw(100), weight: 1 },
);

const zmtpStream = fc.tuple(greetingPart, handshakePart, fc.array(trafficPart, { maxLength: 12 }))
  .map(([g, h, t]) => concat(g, h, ...t));

/** A stream with up to three bytes changed, and maybe cut short. */
const hostileStream = fc.tuple(
  fc.oneof({ arbitrary: zmtpStream, weight: 4 }, { arbitrary: raw(2000), weight: 1 }),
  fc.oneof(
    { arbitrary: fc.constant([]), weight: 2 },
    {
      arbitrary: fc.array(
        fc.record({
          kind: fc.constantFrom("replace", "insert", "remove"),
          at: fc.nat(),
          value: fc.integer({ min: 0, max: 255 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      weight: 1,
    },
  ),
  sometimes(fc.nat()),
).map(([data, mutations, cut]) => {
  let out = data;
  for (const m of mutations) out = mutate(out, m);
  return cut === null ? out : out.subarray(0, cut % (out.length + 1));
});

/** One attack. */
export const attack: fc.Arbitrary<Attack> = fc.record({
  data: hostileStream,
  cuts: fc.array(fc.nat(), { maxLength: 30 }),
  drip: fc.oneof({ arbitrary: fc.constant(0), weight: 6 }, {
    arbitrary: fc.integer({ min: 1, max: 5 }),
    weight: 1,
  }),
  end: fc.constantFrom("close", "reset", "hold"),
}).map(({ data, cuts, drip, end }) => ({
  chunks: split(data, cuts).filter((c) => c.length > 0),
  drip,
  end,
}));

// --- running ------------------------------------------------------------------------------------

/** Runs one attack against 127.0.0.1:`port`; resolves once its writes are done (held ones stay open). */
async function launch(port: number, a: Attack, held: NetSocket[]): Promise<void> {
  const sock = createConnection({ host: "127.0.0.1", port });
  sock.setNoDelay(true);
  sock.on("error", () => {}); // the socket under attack may drop us at any byte
  sock.on("data", () => {}); // whatever it says back is read and dropped
  const closed = new Promise<void>((r) => sock.on("close", () => r()));
  await within(
    Promise.race([new Promise<void>((r) => sock.once("connect", () => r())), closed]),
    5000,
    "an attacker's connection",
  );
  for (const chunk of a.chunks) {
    if (sock.destroyed) return;
    sock.write(chunk);
    await new Promise((r) => a.drip > 0 ? setTimeout(r, a.drip) : setImmediate(r));
  }
  if (a.end === "close") sock.end();
  else if (a.end === "reset") sock.destroy();
  else {
    held.push(sock);
    // Held connections stay open until the run ends, the newest few hundred of them.
    if (held.length > MAX_HELD) held.shift()!.destroy();
  }
}

/** How many silent connections a run keeps open at once. */
const MAX_HELD = 300;

/** What a run did. */
export interface EngineFuzzReport {
  attacks: number;
  bytes: number;
  libzmqMessages: number;
  attackerMessages: number;
  /** Connections (attackers' and libzmq's) that completed a handshake. */
  handshakes: number;
  /** Connections dropped for breaking the protocol, before or after their handshake. */
  protocolErrors: number;
  seconds: number;
}

/** The socket types a run can attack, with the libzmq peer that talks to it properly. */
export type Target = "PULL" | "ROUTER";

/**
 * Binds a `target` socket, starts a libzmq peer sending it `messages` numbered messages, and
 * launches `attacks` drawn from `seed`, `concurrency` at a time. Checks that libzmq's messages
 * all arrive in order, and that the socket takes a new peer once the attacks are over.
 */
export async function runEngineFuzz(
  { target, attacks, messages, seed, concurrency = 16, log = () => {} }: {
    target: Target;
    attacks: number;
    messages: number;
    seed: number;
    concurrency?: number;
    log?: (line: string) => void;
  },
): Promise<EngineFuzzReport> {
  const start = performance.now();
  const ctx = new Context();
  // A short handshake limit, so that silent attackers are also dropped by the socket itself.
  const options = { context: ctx, linger: 0, handshakeInterval: 2000, receiveHighWaterMark: 100 };
  const sock = target === "PULL" ? new Pull(options) : new Router(options);
  await sock.bind("tcp://127.0.0.1:*");
  const endpoint = sock.lastEndpoint!;
  const port = Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
  let protocolErrors = 0;
  let handshakes = 0;
  sock.events.on("handshake:error:protocol", () => protocolErrors++);
  sock.events.on("handshake", () => handshakes++);

  const tag = bytes(`libzmq-${seed}-${Math.random().toString(36).slice(2)}`);
  const peer = await LibzmqPeer.start(target === "PULL" ? "PUSH" : "DEALER", {
    routingId: target === "ROUTER" ? "well-behaved" : undefined,
    sendHighWaterMark: 1000,
  });
  const held: NetSocket[] = [];
  let attackerMessages = 0;
  let sentBytes = 0;
  try {
    await peer.connect(endpoint);
    const drawn = fc.sample(attack, { numRuns: attacks, seed });
    let launched = 0;
    let progress = () => {};

    // libzmq sends in rounds spread over the attacks: round r once r/rounds of them are launched.
    const rounds = Math.max(1, Math.min(50, Math.floor(attacks / concurrency)));
    const perRound = Math.ceil(messages / rounds);
    const total = perRound * rounds;
    const sending = (async () => {
      for (let r = 0; r < rounds; r++) {
        while (launched < (r * drawn.length) / rounds) {
          await new Promise<void>((wake) => (progress = wake));
        }
        await peer.sendSeq(perRound, [tag, String(r)]);
      }
    })();

    // Read everything: libzmq's must come in order; attackers' own are counted and dropped.
    let next = 0;
    const reading = (async () => {
      while (next < total) {
        const msg = await within(sock.receive(), 60_000, `libzmq's message ${next}`);
        const frames = target === "ROUTER" ? msg.slice(1) : msg;
        const isTag = frames[0]?.length === tag.length && frames[0].every((b, i) => b === tag[i]);
        if (!isTag) {
          attackerMessages++;
          continue;
        }
        const got = frames.slice(1).map((f) => new TextDecoder().decode(f)).join(" ");
        const want = `${Math.floor(next / perRound)} ${next % perRound}`;
        assert.equal(got, want, "libzmq's messages in order");
        next++;
      }
    })();

    const worker = async () => {
      while (launched < drawn.length) {
        const n = launched++;
        const a = drawn[n]!;
        progress();
        for (const c of a.chunks) sentBytes += c.length;
        await launch(port, a, held);
        if ((n + 1) % 1000 === 0) log(`${n + 1} attacks, ${next} of libzmq's messages read`);
      }
    };
    await within(
      Promise.all(Array.from({ length: concurrency }, worker)),
      Math.max(60_000, attacks * 100),
      "the attacks",
    );
    progress();
    await within(sending, 60_000, "libzmq's sends");
    await within(reading, 60_000, "libzmq's messages");
    for (const s of held) s.destroy();

    // Still serving: a new well-behaved peer gets through.
    const late = target === "PULL"
      ? new Push({ context: ctx, linger: 0 })
      : new Dealer({ context: ctx, linger: 0 });
    late.connect(endpoint);
    await late.send([tag, "after"]);
    for (;;) {
      const msg = await within(sock.receive(), 10_000, "the late peer's message");
      const frames = target === "ROUTER" ? msg.slice(1) : msg;
      if (new TextDecoder().decode(frames[1] ?? new Uint8Array()) === "after") break;
    }
    return {
      attacks,
      bytes: sentBytes,
      libzmqMessages: next,
      attackerMessages,
      handshakes,
      protocolErrors,
      seconds: (performance.now() - start) / 1000,
    };
  } finally {
    for (const s of held) s.destroy();
    ctx.terminate();
    await peer.stop();
  }
}
