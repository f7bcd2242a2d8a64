/**
 * One thread's side of a shared Context: it asks the hub to bind names,
 * offers its connects to whichever thread binds them, and keeps the ring
 * pipes that result (threads/ring_pipe.ts). When the binder turns out to be in this same
 * thread, the two sockets' pipes are joined directly, with no ring.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import type { SocketCore } from "../socket_core.ts";
import { createRings } from "../transports/shared_ring.ts";
import {
  ANNOUNCED_NAME,
  type AnnouncedBinding,
  type Offer,
  type ToHub,
  type ToThread,
  transfers,
} from "./protocol.ts";
import { helloOf, openBound, openConnecting, refuseRing, type RingLink } from "./ring_pipe.ts";
import { randomId } from "../random_id.ts";

/** A connect of this thread waiting for a binder. */
export interface PendingJoin {
  socket: SocketCore;
  name: string;
  /** The socket's pipe, made at connect(). */
  near: Pipe;
  /** Its other end, for a binder in this thread. */
  far: Pipe;
  /** Set when the socket closed while waiting: how long (ms) its queued messages may still wait; -1 = forever. */
  lingerMs?: number;
}

/** What the link needs from the thread's inproc registry. */
export interface LocalEndpoints {
  /** The socket of this thread bound to `name`, if any. */
  boundSocket(name: string): SocketCore | undefined;
  /** Joins a waiting connect to a binder of this same thread, pipe to pipe. */
  joinDirect(join: PendingJoin, binder: SocketCore): void;
}

/**
 * @example
 * ```ts
 * const link = new ThreadLink("worker-1", (msg) => port.postMessage(msg), endpoints, announced);
 * await link.bind("jobs");
 * ```
 */
export class ThreadLink {
  #joins = new Map<string, PendingJoin>();
  #links = new Map<string, { link: RingLink; thread: string }>();
  #binds = new Map<number, { resolve: () => void; reject: (e: Error) => void; name: string }>();
  #nextReq = 1;
  /** The serial of this thread's latest bind of the announced name (0: none yet). */
  #ownSerial = 0;
  /** Called when the hub says the context was terminated. */
  onTerminate: () => void = () => {};

  constructor(
    readonly thread: string,
    readonly toHub: (msg: ToHub) => void,
    readonly endpoints: LocalEndpoints,
    /** Who binds the ZAP handler's name, shared with the hub and every thread. */
    readonly announced: AnnouncedBinding,
  ) {}

  /**
   * For the announced name (the ZAP handler's): the serial of the bind another thread holds, as
   * the hub granted it, or undefined. This thread's own bind is left out, so that a handler that
   * unbinds here is gone here at once, before the hub hears of it.
   */
  boundElsewhere(name: string): number | undefined {
    if (name !== ANNOUNCED_NAME) return undefined;
    const serial = Atomics.load(this.announced, 0);
    return serial === 0 || serial === this.#ownSerial ? undefined : serial;
  }

  /** Claims `name` for this thread across the context; rejects with EADDRINUSE if another thread has it. */
  bind(name: string): Promise<void> {
    const req = this.#nextReq++;
    return new Promise((resolve, reject) => {
      this.#binds.set(req, { resolve, reject, name });
      this.toHub({ t: "bind", name, thread: this.thread, req });
    });
  }

  unbind(name: string): void {
    this.toHub({ t: "unbind", name, thread: this.thread });
  }

  /** Offers a connect to whichever thread binds its name. */
  connect(join: PendingJoin): void {
    const conn = randomId();
    this.#joins.set(conn, join);
    this.toHub({
      t: "connect",
      conn,
      name: join.name,
      from: this.thread,
      hello: helloOf(join.socket),
    });
  }

  /**
   * Withdraws the waiting connects of `socket` (to `name`, or all). With a
   * `lingerMs` other than 0 (a socket closing), a connect with messages
   * queued stays for that long (-1: until a binder appears), to deliver them.
   */
  cancel(socket: SocketCore, name?: string, lingerMs = 0): void {
    for (const [conn, j] of this.#joins) {
      if (j.socket !== socket || (name !== undefined && j.name !== name)) continue;
      if (lingerMs !== 0 && j.near.outbound.size > 0) {
        j.lingerMs = lingerMs;
        if (lingerMs > 0) setTimeout(() => this.#withdraw(conn, j), lingerMs);
        continue;
      }
      this.#withdraw(conn, j);
    }
  }

  #withdraw(conn: string, join: PendingJoin): void {
    if (this.#joins.get(conn) !== join) return; // already joined or withdrawn
    this.#joins.delete(conn);
    this.toHub({ t: "cancel", conn });
  }

  /** The context is ending here: nothing waits for a binder any more. */
  cancelAll(): void {
    for (const conn of this.#joins.keys()) this.toHub({ t: "cancel", conn });
    this.#joins.clear();
    // The sockets' termination closes their pipes; a link still opening has none yet.
    for (const { link } of [...this.#links.values()]) link.destroy();
    this.#links.clear();
  }

  /** One message from the hub. */
  handle(msg: ToThread): void {
    switch (msg.t) {
      case "bound": {
        const b = this.#binds.get(msg.req);
        this.#binds.delete(msg.req);
        if (b === undefined) return;
        if (msg.serial !== undefined) this.#ownSerial = msg.serial;
        if (msg.error === undefined) return b.resolve();
        const address = `inproc://${b.name}`;
        return b.reject(
          zmqError("EADDRINUSE", `${address} is already bound in another thread`, { address }),
        );
      }
      case "offer":
        return this.#onOffer(msg);
      case "ring": {
        const join = this.#joins.get(msg.conn);
        this.#joins.delete(msg.conn);
        if (join === undefined) return refuseRing(msg.end); // withdrawn meanwhile: the binder's side ends too
        const link = openConnecting(
          join.socket,
          join.near,
          `inproc://${join.name}`,
          msg.end,
          msg.hello,
          join.lingerMs,
        );
        this.#track(msg.conn, link, msg.from);
        return;
      }
      case "gone":
        for (const [conn, l] of this.#links) {
          if (l.thread !== msg.thread) continue;
          this.#links.delete(conn);
          l.link.destroy();
        }
        return;
      case "terminate":
        return this.onTerminate();
    }
  }

  #onOffer(offer: Offer, retried = false): void {
    const { conn, name, from } = offer;
    const binder = this.endpoints.boundSocket(name);
    if (binder === undefined) {
      // The hub may run ahead of this thread's registry (a bind it granted is recorded here a few
      // microtasks later): look once more after them; still unbound, the hub finds another binder.
      if (!retried) setTimeout(() => this.#onOffer(offer, true), 0);
      else this.toHub({ t: "decline", conn });
      return;
    }
    if (from === this.thread) {
      const join = this.#joins.get(conn);
      this.#joins.delete(conn);
      this.toHub({ t: "cancel", conn }); // answered here: the hub forgets the offer
      if (join !== undefined) this.endpoints.joinDirect(join, binder);
      return;
    }
    const [mine, theirs] = createRings();
    const link = openBound(binder, `inproc://${name}`, mine, offer.hello);
    this.#track(conn, link, from);
    // Both sides conflate if either does, as a pipe within one thread would.
    const hello = { ...helloOf(binder), conflate: binder.conflate || offer.hello.conflate };
    this.toHub({ t: "ring", conn, to: from, from: this.thread, end: theirs, hello });
  }

  #track(conn: string, link: RingLink, thread: string): void {
    if (link.finished) return; // turned away at once
    this.#links.set(conn, { link, thread });
    link.onFinished = () => {
      if (this.#links.get(conn)?.link === link) this.#links.delete(conn);
    };
  }
}

/** Sends a message to the hub through a port, with its ports transferred. */
export function postToHub(port: MessagePort): (msg: ToHub) => void {
  return (msg) => port.postMessage(msg, transfers(msg));
}
