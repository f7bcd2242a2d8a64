/**
 * Scenes of a send waiting at the high-water mark while a peer goes away, for every socket type
 * that can block on send: how the type sends, how a peer of it reads, and the steps every scene
 * shares (fill the peers, start the waiting send at a moment it truly waits).
 */
import assert from "node:assert/strict";
import {
  Context,
  Dealer,
  Pair,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  type Socket,
  Subscriber,
  XPublisher,
} from "../../mod.ts";
import { freshEndpoint } from "./endpoints.ts";
import { within } from "./timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** The socket types a peer can be (the type a "hold" Worker makes). */
export type PeerType = "PULL" | "DEALER" | "REP" | "PAIR" | "SUB";

/** How one socket type sends, and how its peers read. */
export interface Scene {
  name: string;
  sender(ctx: Context): Socket;
  peerType: PeerType;
  /** The frames of the message numbered `n`, addressed (for a ROUTER) to the peer called `to`. */
  message(n: string, to: string, body: Uint8Array[]): string[] | (string | Uint8Array)[];
  /** The number a peer reads next. */
  read(peer: Socket): Promise<string>;
}

/** Every pipe holds one message per side: a pipe between two sockets in one thread holds 2. */
const marks = { sendHighWaterMark: 1, linger: 0 };

const first = async (p: Socket) => text((await p.receive())[0]!);

export const push: Scene = {
  name: "PUSH",
  sender: (context) => new Push({ context, ...marks }),
  peerType: "PULL",
  message: (n, _to, body) => [n, ...body],
  read: first,
};

/** Socket types that load-balance (or, with noDrop, fan out): a blocked send goes to the survivor. */
export const balancing: Scene[] = [
  push,
  {
    name: "DEALER",
    sender: (context) => new Dealer({ context, ...marks }),
    peerType: "DEALER",
    message: (n, _to, body) => [n, ...body],
    read: first,
  },
  {
    name: "REQ (relaxed)",
    sender: (context) => new Request({ context, relaxed: true, ...marks }),
    peerType: "REP",
    message: (n, _to, body) => [n, ...body],
    read: async (p) => {
      const n = await first(p);
      await p.send("ok"); // a REP answers before it reads the next request
      return n;
    },
  },
  {
    name: "XPUB (noDrop)",
    sender: (context) => new XPublisher({ context, noDrop: true, verbosity: "allSubs", ...marks }),
    peerType: "SUB",
    message: (n, _to, body) => [n, ...body],
    read: first,
  },
];

export const pair: Scene = {
  name: "PAIR",
  sender: (context) => new Pair({ context, ...marks }),
  peerType: "PAIR",
  message: (n, _to, body) => [n, ...body],
  read: first,
};

export const mandatoryRouter: Scene = {
  name: "mandatory ROUTER",
  sender: (context) => new Router({ context, mandatory: true, ...marks }),
  peerType: "DEALER",
  message: (n, to, body) => [to, n, ...body],
  read: first,
};

/** A peer of `type` in this thread, connected to `endpoint`, reading nothing until asked. */
export function localPeer(ctx: Context, type: PeerType, endpoint: string, id: string): Socket {
  const receiveHighWaterMark = 1;
  const context = ctx;
  const peer = {
    PULL: () => new Pull({ context, receiveHighWaterMark }),
    DEALER: () => new Dealer({ context, receiveHighWaterMark, routingId: id }),
    REP: () => new Reply({ context, receiveHighWaterMark }),
    PAIR: () => new Pair({ context, receiveHighWaterMark }),
    SUB: () => {
      const sub = new Subscriber({ context, receiveHighWaterMark });
      sub.subscribe("");
      return sub;
    },
  }[type]();
  peer.connect(endpoint);
  return peer;
}

/** An XPUB has heard `count` subscriptions: its subscribers are attached and subscribed. */
export async function subscribed(sender: Socket, count: number): Promise<void> {
  if (!(sender instanceof XPublisher)) return;
  for (let i = 0; i < count; i++) await within(sender.receive(), 10000, `subscription ${i}`);
}

/** Sends numbered messages until EAGAIN; returns the numbers accepted. */
export async function fill(
  sender: Socket,
  scene: Scene,
  to: string,
  body: Uint8Array[] = [],
): Promise<string[]> {
  sender.sendTimeout = 0;
  const accepted: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    try {
      await sender.send(scene.message(String(i), to, body));
    } catch (e) {
      assert.equal((e as { code?: string }).code, "EAGAIN");
      return accepted;
    }
    accepted.push(String(i));
  }
  return assert.fail("the sender never reached its high-water mark");
}

/** A send that is waiting, and how it ended. */
export interface WaitingSend {
  /** The number of the message it carries. */
  n: string;
  /** The messages tried before it that did not have to wait. */
  earlier: string[];
  /** "waiting", "sent", or "failed: CODE". */
  outcome(): string;
  done: Promise<unknown>;
}

/**
 * Starts a send and returns it once it is truly waiting: a connection to another thread may
 * still be taking messages in (its peer decodes ahead), so while a send completes within a turn
 * of the event loop, the next one is tried. The caller acts in the same turn it gets the result.
 */
export async function waitingSend(
  sender: Socket,
  scene: Scene,
  to: string,
  body: Uint8Array[] = [],
  timeout = 10_000,
): Promise<WaitingSend> {
  sender.sendTimeout = timeout;
  const earlier: string[] = [];
  for (let k = 0; k < 10_000; k++) {
    const n = `last-${k}`;
    let outcome = "waiting";
    const done = sender.send(scene.message(n, to, body)).then(
      () => (outcome = "sent"),
      (e) => (outcome = `failed: ${(e as { code?: string }).code}`),
    );
    await new Promise((r) => setTimeout(r, 0));
    if (outcome === "waiting") return { n, earlier, outcome: () => outcome, done };
    assert.equal(outcome, "sent");
    earlier.push(n);
  }
  return assert.fail("the send never had to wait");
}

/** Reads from `survivor` until the message numbered `n`; returns every number read. */
export async function readUntil(scene: Scene, survivor: Socket, n: string): Promise<string[]> {
  const got: string[] = [];
  while (got[got.length - 1] !== n) {
    got.push(await within(scene.read(survivor), 10000, `${n} (after ${got.length} messages)`));
  }
  return got;
}

/** Runs `scene` with its sender bound to a fresh inproc endpoint, in a context of its own. */
export async function withSender(
  scene: Scene,
  run: (sender: Socket, ep: string) => Promise<void>,
): Promise<void> {
  const ctx = new Context();
  try {
    const ep = freshEndpoint("inproc");
    const sender = scene.sender(ctx);
    await sender.bind(ep);
    await run(sender, ep);
  } finally {
    ctx.terminate();
  }
}

/**
 * A PAIR whose peer went away while `waiting` waited: the send still waits, and a new peer
 * connecting to `ep` gets it first, which completes the send.
 */
export async function nextPairGets(sender: Socket, ep: string, waiting: WaitingSend) {
  assert.equal(waiting.outcome(), "waiting", "no peer took it yet");
  const next = new Pair({ context: sender.context });
  next.connect(ep);
  assert.equal(await within(pair.read(next), 5000, "the waiting message"), waiting.n);
  await within(waiting.done, 5000, "the waiting send");
  assert.equal(waiting.outcome(), "sent");
}
