/**
 * A pipe between sockets of two threads. Its two queues are the two
 * directions of a shared ring (transports/shared_ring.ts): a send writes the
 * message into shared memory, a receive copies it out there. There is no
 * engine and no framing beyond a length: the sockets learned each other's
 * type and routing id through the hub when the connection was made.
 *
 * The high-water marks hold as on a pipe within one thread: a direction
 * holds at most the writer's send mark plus the reader's receive mark, the
 * reader publishing its mark in the ring's header. A closing socket lingers
 * as over tcp: what it could not yet write waits (up to its linger) and
 * whatever is in the ring stays readable after the writer is gone, even if
 * its thread ends.
 *
 * @module
 */

import { combinedHwm, isSubscription, lowWaterMark, type Message } from "../pipe.ts";
import { MessageQueue, type PeerInfo, Pipe, type PipeQueue } from "../pipe.ts";
import type { SocketCore } from "../socket_core.ts";
import { frameCopyLimit } from "../transports/runtime.ts";
import {
  type Doorbell,
  readerOf,
  type RingEnd,
  RingReader,
  RingWriter,
  writerOf,
} from "../transports/shared_ring.ts";
import { Looks } from "./look_before_sleep.ts";

/** What each side tells the other about its socket when the connection is made (in place of ZMTP's READY). */
export interface Hello {
  /** The ZMTP socket type, e.g. "PUSH". */
  type: string;
  /** The Identity it would send in a handshake (empty for the types that send none). */
  identity: Uint8Array;
  /** Whether it conflates (then both directions keep only the newest message). */
  conflate: boolean;
  /** Its receive high-water mark, until its reader publishes its own. */
  receiveHwm: number;
}

/** This socket's {@link Hello}. */
export function helloOf(core: SocketCore): Hello {
  return {
    type: core.type,
    identity: core.identity() ?? new Uint8Array(0),
    conflate: core.conflate,
    receiveHwm: core.options().receiveHighWaterMark,
  };
}

const COPY_BELOW = frameCopyLimit();

/** The sending queue: messages go straight into the ring; those that do not fit yet wait here. */
class RingOutbox implements PipeQueue {
  onReadable: (() => void) | undefined;
  onWritable: (() => void) | undefined;
  /** This socket's send mark; the reader's receive mark is added to it. */
  hwm: number;
  readonly conflate: boolean;
  readonly #writer: RingWriter;
  /**
   * Messages the ring had no room for yet, in order (a ring of slots: held
   * messages can be many); conflating, only the newest is held.
   */
  readonly #held: MessageQueue;
  #blocked = false;
  /** Told when messages start or stop waiting here (the link keeps the process alive meanwhile). */
  onHolding: ((holding: boolean) => void) | undefined;
  #holding = false;
  /** The reader's receive mark and whether it let go, as last seen (the doorbell rings for either). */
  #receiveHwm: number;
  #readerGone = false;
  /** Looking for room before asking the reader to ring, and what the last wait asked for. */
  #looks = new Looks();
  #looking = false;
  #waitingFor: { lowWater: number; next: Message | undefined } = {
    lowWater: -1,
    next: undefined,
  };
  /**
   * A look that ended does what a ring of the doorbell does (the link's whole service, which also
   * finishes a lingering close once the last held message is written).
   */
  onLooked: () => void = () => this.service();

  constructor(writer: RingWriter, hwm: number, conflate: boolean) {
    this.#writer = writer;
    this.hwm = hwm;
    this.conflate = conflate;
    this.#held = new MessageQueue(0, conflate);
    this.#receiveHwm = writer.receiveHwm;
  }

  /** Messages not yet written into the ring. */
  get held(): number {
    return this.#held.size;
  }

  get size(): number {
    return this.#writer.inFlight(true) + this.#held.size;
  }

  get full(): boolean {
    if (this.#readerGone) return (this.#blocked = true); // the peer let go: route elsewhere
    const writer = this.#writer;
    const held = this.#held.size;
    let limit = this.conflate ? 0 : combinedHwm(this.hwm, this.#receiveHwm);
    if (limit === 0) return false;
    // What was last seen of the reader only overstates what is in flight: below the mark means room.
    if (writer.inFlight(false) + held < limit) return false;
    this.#receiveHwm = writer.receiveHwm; // the reader's mark may have changed since
    limit = combinedHwm(this.hwm, this.#receiveHwm);
    if (limit === 0 || writer.inFlight(true) + held < limit) return false;
    this.#blocked = true;
    this.#wait(lowWaterMark(limit) - held);
    // The reader may have taken messages before it saw the request.
    return writer.inFlight(true) + held >= limit;
  }

  push(msg: Message): void {
    const held = this.#held;
    if (held.size === 0) {
      if (this.#writer.write(msg, isSubscription(msg))) return;
      if (this.#writer.readerClosed) return; // nobody will read it
    }
    held.push(msg);
    if (held.size === 1) {
      this.#hold(true);
      this.pump();
    }
  }

  /** A socket never reads its own outbound queue. */
  peek(): Message | undefined {
    return undefined;
  }

  shift(): Message | undefined {
    return undefined;
  }

  clear(): void {
    this.#held.clear();
    this.#hold(false);
    this.#unblock();
  }

  /** Writes held messages while they fit; true once none is held. */
  pump(): boolean {
    const held = this.#held;
    let asked = false;
    while (held.size > 0) {
      if (this.#writer.readerClosed) {
        held.clear();
        break;
      }
      const next = held.peek()!;
      if (this.#writer.write(next, isSubscription(next))) {
        held.shift();
        asked = false;
        continue;
      }
      if (asked) return false; // asked to be rung, and looked again after asking
      this.#wait(-1, next);
      asked = true;
    }
    this.#hold(false);
    return true;
  }

  #hold(holding: boolean): void {
    if (this.#holding === holding) return;
    this.#holding = holding;
    this.onHolding?.(holding);
  }

  /** The doorbell rang: held messages go in, and a sender waiting for room tries again. */
  service(): void {
    this.#readerGone = this.#writer.readerClosed;
    this.#receiveHwm = this.#writer.receiveHwm;
    this.pump();
    if (this.#blocked && !this.full) this.#unblock();
    else if (this.#readerGone) this.#unblock(); // a waiting send routes elsewhere
  }

  #unblock(): void {
    if (!this.#blocked) return;
    this.#blocked = false;
    this.onWritable?.();
  }

  /**
   * Asks the reader to ring when the messages in flight are down to `lowWater`, or `next` would
   * fit; first looks for that room for a moment itself (look_before_sleep.ts). The last request
   * wins, as with the ring's own wake targets.
   */
  #wait(lowWater: number, next = this.#held.peek()): void {
    this.#waitingFor = { lowWater, next };
    if (this.#looking) return; // the look under way asks with the latest request if it must
    const looking = this.#looks.before(() => this.#roomNow(), (found) => {
      this.#looking = false;
      if (!found) {
        const { lowWater, next } = this.#waitingFor;
        this.#writer.waitForRoom(lowWater, next);
      }
      this.onLooked();
    });
    if (looking) this.#looking = true;
    else this.#writer.waitForRoom(lowWater, next);
  }

  /** Whether what the last wait asked for is there now. */
  #roomNow(): boolean {
    const { lowWater, next } = this.#waitingFor;
    if (this.#writer.readerClosed) return true;
    if (lowWater >= 0 && this.#writer.inFlight(true) <= lowWater) return true;
    return next !== undefined && this.#writer.roomFor(next);
  }
}

/** The receiving queue: messages are read out of the ring when taken. */
class RingInbox implements PipeQueue {
  onReadable: (() => void) | undefined;
  onWritable: (() => void) | undefined;
  readonly conflate: boolean;
  readonly #reader: RingReader;
  #hwm = 0;
  /**
   * Found empty: the writer rings at its next message (or a ring is already
   * on its way). A new queue starts so, and the link's first look announces
   * what was written before this side opened.
   */
  #asleep = true;
  /** Looking at the ring again before asking to be rung. */
  #looks = new Looks();
  #looking = false;

  constructor(reader: RingReader, hwm: number, conflate: boolean) {
    this.#reader = reader;
    this.hwm = hwm;
    this.conflate = conflate;
  }

  /** This socket's receive mark, published for the writer. */
  get hwm(): number {
    return this.#hwm;
  }

  set hwm(hwm: number) {
    this.#hwm = hwm;
    this.#reader.receiveHwm = hwm;
  }

  get size(): number {
    const n = this.#reader.available;
    if (n === 0 && !this.#sleep()) return this.#reader.available;
    return n;
  }

  /** The writer keeps to the mark; this side never refuses. */
  get full(): boolean {
    return false;
  }

  push(_msg: Message): void {
    throw new Error("a cross-thread pipe's inbound queue is written by the other thread only");
  }

  peek(): Message | undefined {
    return this.#reader.peek();
  }

  shift(): Message | undefined {
    let msg = this.#reader.take();
    if (msg === undefined) {
      if (this.#sleep()) return undefined;
      msg = this.#reader.take();
      if (msg === undefined) return undefined;
    }
    if (this.conflate) {
      // Only the newest of a run of data messages is kept; subscriptions are never dropped.
      for (let next = this.#reader.peek(); next !== undefined; next = this.#reader.peek()) {
        if (isSubscription(msg) || isSubscription(next)) break;
        msg = this.#reader.take()!;
      }
    }
    return msg;
  }

  clear(): void {
    this.#reader.close();
  }

  /** The doorbell rang: announce what arrived while this side slept. */
  wake(): void {
    if (!this.#asleep) return;
    if (this.#reader.available === 0 && this.#reader.sleep()) return; // nothing yet: asleep again
    this.#asleep = false;
    this.onReadable?.();
  }

  /**
   * About to report empty; false if a message came meanwhile. Looks at the ring again for a
   * moment before asking the writer to ring (look_before_sleep.ts): meanwhile it counts as asleep,
   * and what comes is announced as a ring would announce it.
   */
  #sleep(): boolean {
    if (this.#asleep) return true;
    if (!this.#looking) {
      const looking = this.#looks.before(
        () => !this.#asleep || this.#reader.available > 0,
        (found) => this.#looked(found),
      );
      if (looking) {
        this.#looking = true;
        this.#asleep = true;
        return true;
      }
    }
    if (!this.#reader.sleep()) return false;
    this.#asleep = true;
    return true;
  }

  #looked(found: boolean): void {
    this.#looking = false;
    if (!this.#asleep) return; // the doorbell rang meanwhile and announced it
    if (!found && this.#reader.sleep()) return; // asleep: the writer rings at its next message
    // Awake: a doorbell that came during the look may have asked the writer to ring; it need not.
    this.#reader.awake();
    this.#asleep = false;
    this.onReadable?.();
  }
}

/**
 * One side of a cross-thread connection: the queues, the doorbell, and the
 * connection's end (a socket letting go, lingering, the peer finishing or
 * its thread ending).
 *
 * @example
 * ```ts
 * const link = openBound(core, "inproc://jobs", end, helloFromOffer);
 * link.onFinished = () => forget(link);
 * ```
 */
export class RingLink {
  /** Called once, when nothing more passes on this side. */
  onFinished: () => void = () => {};
  readonly inbox: RingInbox;
  readonly outbox: RingOutbox;
  readonly #port: MessagePort;
  readonly #bell: Doorbell;
  readonly #reader: RingReader;
  readonly #writer: RingWriter;
  #pipe: Pipe | undefined;
  /** The socket let go of the pipe (reading stopped; held messages may linger). */
  #closing = false;
  /** The pipe ended: the peer finished or went away. */
  #ended = false;
  /** The peer's writer finished: nothing more will come, through the ring or the port. */
  #peerDone = false;
  #writerClosed = false;
  #finished = false;
  #lingerTimer: ReturnType<typeof setTimeout> | undefined;
  #unlinger: (() => void) | undefined;
  /** Registers lingering work with the socket's context (terminate cancels it). */
  readonly #linger: (cancel: () => void) => () => void;

  constructor(
    end: RingEnd,
    marks: { send: number; receive: number },
    conflate: boolean,
    linger: (cancel: () => void) => () => void,
  ) {
    const port = end.port;
    this.#port = port;
    this.#linger = linger;
    const bell: Doorbell = this.#bell = {
      ring: () => {
        try {
          port.postMessage(0);
        } catch {
          // The other side's port is gone with its thread; the hub reports that separately.
        }
      },
      post: (frames) => {
        try {
          port.postMessage(frames, frames.map((f) => f.buffer as ArrayBuffer));
        } catch {
          // As above.
        }
      },
    };
    this.#writer = new RingWriter(writerOf(end), bell);
    this.#reader = new RingReader(readerOf(end), bell, COPY_BELOW);
    this.outbox = new RingOutbox(this.#writer, marks.send, conflate);
    this.outbox.onLooked = () => this.#service(undefined);
    this.inbox = new RingInbox(this.#reader, marks.receive, conflate);
    port.onmessage = (e: MessageEvent) => this.#service(e.data);
    // As a connection (src/liveness.ts): the link keeps its thread alive only while it has
    // messages to deliver (lingering included); an idle one lets a Worker or the program end.
    const liveness = port as unknown as { ref?: () => void; unref?: () => void };
    liveness.unref?.();
    this.outbox.onHolding = (holding) => holding ? liveness.ref?.() : liveness.unref?.();
  }

  /** True once nothing more passes on this side. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Until the peer's reader opens, its receive mark is the one it announced. */
  assumePeerReceiveHwm(hwm: number): void {
    this.#writer.assumeReceiveHwm(hwm);
  }

  /** Starts serving `pipe`, whose queues are this link's. */
  serve(pipe: Pipe): void {
    this.#pipe = pipe;
    pipe.onClosed = (linger) => this.#socketClosed(linger);
    // Messages (or a close) may already be waiting: the other side wrote before this one opened.
    queueMicrotask(() => this.#service(undefined));
  }

  /**
   * The peer is gone (its thread ended, or it turned this connection away):
   * the pipe ends; what is already in the ring stays readable.
   */
  destroy(): void {
    if (this.#finished) return;
    if (this.#pipe === undefined) this.#reader.close(); // never served: the peer's messages are dropped
    this.#peerDone = true;
    this.#end();
    this.#finishWhenDone();
  }

  /**
   * The socket let go of the pipe: reading stops at once; held messages are
   * written within `linger` ms (-1: until written), or dropped with 0.
   */
  #socketClosed(linger: number): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#pipe = undefined;
    // Closed before the ring: the peer's writer, told by it, must find this side gone, not the room
    // a last read made (it would move a waiting send into a ring nobody reads; issue 12).
    this.#reader.close();
    this.#bell.ring(); // a sender of the peer waiting on this side routes elsewhere
    if (linger !== 0 && this.outbox.held > 0) {
      if (linger > 0) this.#lingerTimer = setTimeout(() => this.#dropHeld(), linger);
      this.#unlinger = this.#linger(() => this.#dropHeld());
    } else this.outbox.clear();
    this.#finishWhenDone();
  }

  #dropHeld(): void {
    this.outbox.clear();
    this.#finishWhenDone();
  }

  #service(data: unknown): void {
    if (this.#finished) return;
    if (Array.isArray(data)) this.#reader.addOutOfBand(data);
    if (!this.#peerDone && this.#reader.writerClosed) {
      this.#peerDone = true;
      this.#end();
    }
    this.inbox.wake();
    this.outbox.service();
    this.#finishWhenDone();
  }

  /** The pipe ends (the peer finished or went): unread inbound messages stay readable. */
  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const pipe = this.#pipe;
    if (pipe !== undefined) pipe.end();
    else this.outbox.clear();
  }

  #finishWhenDone(): void {
    if (this.#finished) return;
    if (!this.#writerClosed && (this.#ended || (this.#closing && this.outbox.held === 0))) {
      this.#writerClosed = true;
      this.#writer.close();
      if (this.#closing) this.#reader.close();
      this.#bell.ring();
    }
    if (!this.#writerClosed || !(this.#closing || this.#peerDone)) return;
    this.#finished = true;
    clearTimeout(this.#lingerTimer);
    this.#unlinger?.();
    this.#port.onmessage = null;
    this.#port.close();
    this.onFinished();
  }
}

/**
 * The bound side: a pipe is made now, with the connecting socket's hello,
 * and attached to the binder (which may still turn it away, as a PAIR with a
 * peer does). An incompatible peer gets a link that is over at once.
 */
export function openBound(core: SocketCore, address: string, end: RingEnd, peer: Hello): RingLink {
  const link = new RingLink(
    end,
    marksOf(core),
    core.conflate || peer.conflate,
    (c) => core.linger(c),
  );
  link.assumePeerReceiveHwm(peer.receiveHwm);
  if (core.closed || !core.accepts(peer.type)) {
    link.destroy();
    return link;
  }
  const info: PeerInfo = { socketType: peer.type, identity: peer.identity, remoteAddress: address };
  const pipe = new Pipe(link.inbox, link.outbox, info, address);
  link.serve(pipe);
  core.addPipe(pipe, address);
  return link;
}

/**
 * The connecting side: the socket's pipe exists since connect() (messages
 * may be queued on it); the link's queues take its place, the queued
 * messages first. `closedWithLinger`: the socket closed while waiting for a
 * binder, with messages to deliver within that many ms.
 */
export function openConnecting(
  core: SocketCore,
  pipe: Pipe,
  address: string,
  end: RingEnd,
  peer: Hello,
  closedWithLinger?: number,
): RingLink {
  const link = new RingLink(end, marksOf(core), peer.conflate, (c) => core.linger(c));
  pipe.peer = { socketType: peer.type, identity: peer.identity, remoteAddress: address };
  pipe.farMarks = undefined;
  const before = pipe.outbound;
  const readable = pipe.inbound.onReadable;
  const writable = before.onWritable;
  before.onWritable = undefined;
  pipe.inbound = link.inbox;
  pipe.outbound = link.outbox;
  link.inbox.onReadable = readable;
  link.outbox.onWritable = writable;
  for (let m = before.shift(); m !== undefined; m = before.shift()) link.outbox.push(m);
  link.serve(pipe);
  if (closedWithLinger !== undefined) {
    // Closed before the connection was made, with messages to deliver: deliver them, then end.
    pipe.close(closedWithLinger);
  } else if (!core.accepts(peer.type) || !pipe.alive || !core.identified(pipe)) {
    link.destroy();
  } else {
    writable?.(); // a send waiting for room in the old queue tries the new one
  }
  return link;
}

/** Turns a connection away from the side that never opened it (the connect was withdrawn meanwhile). */
export function refuseRing(end: RingEnd): void {
  new RingLink(end, { send: 0, receive: 0 }, false, () => () => {}).destroy();
}

function marksOf(core: SocketCore): { send: number; receive: number } {
  const o = core.options();
  return { send: o.sendHighWaterMark, receive: o.receiveHighWaterMark };
}
