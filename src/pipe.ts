/**
 * Pipes: the bounded message queues between a socket and whatever feeds it
 * (a connection's engine, or another socket over inproc).
 *
 * A {@link MessageQueue} carries whole messages one way and counts them
 * against a high-water mark; a {@link Pipe} is a socket's view of a peer: the
 * queue it reads, the queue it writes, and what the peer said about itself.
 * Each queue has one reader and one writer, and rings a doorbell for each:
 * the reader when it goes from empty to non-empty, the writer when it drains
 * to the low-water mark after having been full. Nothing is signalled per
 * message beyond that.
 *
 * @module
 */

import { afterBurst } from "./burst.ts";

/** A message: one or more frames. */
export type Message = Uint8Array[];

const SUBSCRIPTION = Symbol("subscription");

/**
 * Marks a message made by a SUB/XSUB subscribe or unsubscribe call (a frame led
 * by 1 or 0), so that an engine may send it as a SUBSCRIBE/CANCEL command.
 */
export function asSubscription(msg: Message): Message {
  return Object.assign(msg, { [SUBSCRIPTION]: true });
}

/** Whether {@link asSubscription} marked this message. */
export function isSubscription(msg: Message): boolean {
  return (msg as { [SUBSCRIPTION]?: boolean })[SUBSCRIPTION] === true;
}

/** An inproc pipe holds both sockets' marks together, as libzmq sizes it; 0 (unlimited) if either is. */
export function combinedHwm(sendHwm: number, receiveHwm: number): number {
  return sendHwm === 0 || receiveHwm === 0 ? 0 : sendHwm + receiveHwm;
}

/** libzmq resumes a blocked writer once the queue is half empty. */
export function lowWaterMark(hwm: number): number {
  return hwm > 0 ? (hwm + 1) >> 1 : 0;
}

/**
 * What a socket and its routing see of a queue of whole messages. A
 * {@link MessageQueue} is the usual one; a pipe between two threads has
 * queues over shared memory that behave the same (src/threads/ring_pipe.ts).
 */
export interface PipeQueue {
  /** The high-water mark in messages (0 = unlimited); for inproc, this side's share of it. */
  hwm: number;
  /** Whether the queue keeps only the newest message. */
  readonly conflate: boolean;
  /** Messages waiting. */
  readonly size: number;
  /** True when a writer must not push (the high-water mark is reached). */
  readonly full: boolean;
  /** Appends a message; writers check {@link full} first. */
  push(msg: Message): void;
  /** The oldest message, without removing it. */
  peek(): Message | undefined;
  /** Removes and returns the oldest message. */
  shift(): Message | undefined;
  /** Drops every message, as when a pipe is torn down. */
  clear(): void;
  /** Rung when the queue goes from empty to non-empty. */
  onReadable: (() => void) | undefined;
  /** Rung when a full queue has drained to its low-water mark. */
  onWritable: (() => void) | undefined;
  /**
   * True for a queue that wakes its waiting readers once its writer's burst is over
   * ({@link onBurstOver}); {@link onReadable} then only tells that the pipe has messages.
   */
  readonly waitsOutBursts?: boolean;
  /** Rung, for a queue that {@link waitsOutBursts}, once a burst that began on it is over. */
  onBurstOver?: (() => void) | undefined;
}

const INITIAL_SLOTS = 16;
const SHRINK_SLOTS = 4096;
/** A queue that waits out its writer's bursts wakes its readers at the latest when it holds this many. */
const BURST_MESSAGES = 1024;
/**
 * ...or once the writer has added for this many microtask turns in a row, at the next turn of the
 * event loop (which comes when the writer's run of sends yields, fairness.ts): a tick per message
 * cost 13% of a same-thread 1 B profile on Deno. A lone message still wakes its reader two
 * microtask turns later.
 */
const BURST_MICROTASKS = 4;

/**
 * A FIFO of whole messages with a high-water mark (0 = unlimited).
 *
 * @example
 * ```ts
 * const q = new MessageQueue(2);
 * q.push([new Uint8Array(1)]);
 * q.push([new Uint8Array(1)]);
 * console.assert(q.full);
 * ```
 */
export class MessageQueue implements PipeQueue {
  // A ring of slots whose length is a power of two: pushing and shifting never move other messages.
  #ring: (Message | undefined)[] = new Array(INITIAL_SLOTS);
  #head = 0;
  #count = 0;
  #blocked = false;
  #ringing = false;
  /** Rung when the queue goes from empty to non-empty. */
  onReadable: (() => void) | undefined;
  /** Rung when a full queue has drained to its low-water mark. */
  onWritable: (() => void) | undefined;
  /** Rung once a burst that began on the queue is over (only when it {@link waitsOutBursts}). */
  onBurstOver: (() => void) | undefined;

  /**
   * @param hwm the high-water mark in messages (0 = unlimited)
   * @param conflate keep only the newest message: a push replaces an unread one, and the queue is never full
   * @param waitsOutBursts wake waiting readers ({@link onBurstOver}) once the writer's burst is
   *   over rather than at the first message, which still rings {@link onReadable} at once (for a
   *   queue between two sockets of one thread: a receiver woken per message made a pending
   *   promise per message)
   */
  constructor(
    public hwm: number,
    readonly conflate = false,
    readonly waitsOutBursts = false,
  ) {}

  /** Messages waiting. */
  get size(): number {
    return this.#count;
  }

  /** True when a writer must not push (the high-water mark is reached). */
  get full(): boolean {
    const full = this.hwm > 0 && !this.conflate && this.size >= this.hwm;
    if (full) this.#blocked = true;
    return full;
  }

  /** Appends a message. Writers check {@link full} first; the queue itself never refuses. */
  push(msg: Message): void {
    // Subscriptions are never conflated away: a SUB keeps each topic it asked for (libzmq loses them).
    const ring = this.#ring;
    if (this.conflate && this.#count > 0) {
      const last = (this.#head + this.#count - 1) & (ring.length - 1);
      if (!isSubscription(msg) && !isSubscription(ring[last]!)) {
        ring[last] = msg;
        return;
      }
    }
    if (this.#count === ring.length) this.#grow();
    this.#ring[(this.#head + this.#count) & (this.#ring.length - 1)] = msg;
    if (++this.#count === 1) {
      this.onReadable?.();
      if (this.waitsOutBursts) this.#wakeAfterBurst();
    }
  }

  #wakeAfterBurst(): void {
    if (this.#ringing) return;
    this.#ringing = true;
    afterBurst(() => this.#count, () => this.#count < BURST_MESSAGES, () => {
      this.#ringing = false;
      // Also when emptied meanwhile: the reader may have taken the messages into a queue of its
      // own (an XPUB's subscriptions) that a waiting receive reads.
      this.onBurstOver?.();
    }, BURST_MICROTASKS);
  }

  /** The oldest message, without removing it. */
  peek(): Message | undefined {
    return this.#count === 0 ? undefined : this.#ring[this.#head];
  }

  /** Removes and returns the oldest message. */
  shift(): Message | undefined {
    if (this.#count === 0) return undefined;
    const ring = this.#ring;
    const msg = ring[this.#head];
    ring[this.#head] = undefined;
    this.#head = (this.#head + 1) & (ring.length - 1);
    if (--this.#count === 0 && ring.length > SHRINK_SLOTS) this.#reset(); // a burst's ring is not kept
    if (this.#blocked && this.size <= lowWaterMark(this.hwm)) {
      this.#blocked = false;
      this.onWritable?.();
    }
    return msg;
  }

  #grow(): void {
    const old = this.#ring;
    const ring: (Message | undefined)[] = new Array(old.length * 2);
    for (let i = 0; i < this.#count; i++) ring[i] = old[(this.#head + i) & (old.length - 1)];
    this.#ring = ring;
    this.#head = 0;
  }

  #reset(): void {
    this.#ring = new Array(INITIAL_SLOTS);
    this.#head = 0;
    this.#count = 0;
  }

  /** Drops every message, as when a pipe is torn down. */
  clear(): void {
    this.#reset();
    if (this.#blocked) {
      this.#blocked = false;
      this.onWritable?.();
    }
  }
}

/** What a peer told us in its handshake. */
export interface PeerInfo {
  /** The peer's socket type name, e.g. "PULL"; "" when it never says (a ZWS2.0 peer has no handshake). */
  socketType: string;
  /** True for the placeholder of a pipe made at connect(), until a handshake tells who the peer is. */
  pending?: boolean;
  /** The peer's Identity property (empty when it set none). */
  identity: Uint8Array;
  /** Where the peer is, e.g. "tcp://127.0.0.1:5555"; the endpoint for inproc. */
  remoteAddress: string;
  /** The User-Id the ZAP handler gave this peer's connection (RFC 27), when one was asked. */
  userId?: string;
}

/**
 * A socket's end of one peer connection.
 *
 * The socket reads `inbound` and writes `outbound`; the far end (an engine,
 * or the peer socket's own Pipe with the two queues swapped) does the reverse.
 */
export class Pipe {
  /**
   * For inproc: the far socket's current marks, which this pipe's queues hold on top
   * of ours, so that changing our mark later keeps the sum.
   */
  farMarks: { send: number; receive: number } | undefined;
  /** The peer's routing id as a routing socket knows it (set by the socket type). */
  routingId: Uint8Array = new Uint8Array(0);
  /** False once the far end is gone: the socket drains `inbound` and then drops the pipe. */
  alive = true;
  /** Told when the far end goes away, so the socket can forget this pipe. */
  onEnded: ((pipe: Pipe) => void) | undefined;
  /**
   * Set by the far end: told when the socket lets go of this pipe, with the
   * socket's linger (ms; -1 = until delivered, 0 = drop what is queued).
   */
  onClosed: ((lingerMs: number) => void) | undefined;

  constructor(
    /** The queue the socket reads (replaced once, when a cross-thread link takes over the pipe). */
    public inbound: PipeQueue,
    /** The queue the socket writes (likewise). */
    public outbound: PipeQueue,
    public peer: PeerInfo,
    /** The endpoint this pipe was made for (the connect or bind address). */
    readonly endpoint: string,
  ) {}

  /** Makes a pipe and the view of it from the far end (queues swapped), for inproc. */
  static pair(
    aToB: MessageQueue,
    bToA: MessageQueue,
    peerOfA: PeerInfo,
    peerOfB: PeerInfo,
    endpoint: string,
  ): [Pipe, Pipe] {
    const a = new Pipe(bToA, aToB, peerOfA, endpoint);
    const b = new Pipe(aToB, bToA, peerOfB, endpoint);
    Pipe.link(a, b);
    return [a, b];
  }

  /** Joins two pipes made by {@link pair} so that closing either ends the other. */
  static link(a: Pipe, b: Pipe): void {
    a.onClosed = () => b.end();
    b.onClosed = () => a.end();
  }

  /** The far end has gone. Messages already inbound stay readable; our outbound ones are dropped. */
  end(): void {
    if (!this.alive) return;
    this.alive = false;
    // The socket forgets the pipe before the dropped messages ring its writer: no send, woken
    // by that, may look at this pipe again.
    this.onEnded?.(this);
    this.outbound.clear();
  }

  /**
   * The socket lets go of this pipe. Unread inbound messages are dropped;
   * outbound ones are left to the far end to deliver within `lingerMs`.
   */
  close(lingerMs: number): void {
    this.alive = false;
    this.onEnded = undefined;
    const far = this.onClosed;
    this.onClosed = undefined;
    // The far end hears first. Over inproc the queues are shared: emptying them rings the far
    // socket's writer, and a pending send it retries then must no longer see this pipe as alive,
    // or it would queue its message where nobody reads and report it sent.
    far?.(lingerMs);
    this.inbound.clear();
    if (lingerMs === 0) this.outbound.clear();
  }
}
