/**
 * The hub of a Context shared by several threads: it lives in the thread
 * that made the Context and is the one place that knows which thread has
 * bound which inproc name. It introduces a connecting thread to the binding
 * one and then steps aside: the connection's messages never pass through it.
 *
 * The binder of one name, the ZAP handler's, is also published to every thread, in shared memory
 * (protocol.ts, `AnnouncedBinding`): a handler bound in any thread judges every thread's sockets.
 *
 * @module
 */

import type { AnnouncedBinding, Offer, ToHub, ToThread } from "./protocol.ts";
import { ANNOUNCED_NAME, announcedBinding, transfers } from "./protocol.ts";

/** Delivers a message to one thread. */
export type Deliver = (msg: ToThread) => void;

/**
 * @internal A step an offer took at the hub: sent to a binder, kept until a name is bound, turned
 * down by a binder that had let go of the name, taken back from a binder whose thread ended,
 * withdrawn by its connecting socket while it waited, or dropped because the connecting thread
 * ended before the binder's rings reached it.
 */
export type OfferStep =
  | "offered"
  | "waiting"
  | "declined"
  | "binder gone"
  | "withdrawn"
  | "connecter gone";

/**
 * @example
 * ```ts
 * const hub = new Hub();
 * hub.addThread("main", (msg) => link.handle(msg));
 * hub.addPort("worker-1", port1);
 * ```
 */
export class Hub {
  #threads = new Map<string, Deliver>();
  #ports = new Map<string, MessagePort>();
  #names = new Map<string, string>();
  #waiting = new Map<string, Offer[]>();
  /** Offers sent to a binder and not yet answered by rings (or a decline): requeued if it goes. */
  #offered = new Map<string, { offer: Offer; to: string }>();
  /** Who binds the ZAP handler's name, read by every thread (handed over in each ContextHandle). */
  readonly announced: AnnouncedBinding = announcedBinding();
  #announcedSerial = 0;
  /** @internal Told each step an offer takes: lets tests see that the race they set up happened. */
  onOfferStep: ((step: OfferStep, conn: string) => void) | undefined;

  /** Adds a thread reached by a function call (the hub's own thread). */
  addThread(thread: string, deliver: Deliver): void {
    this.#threads.set(thread, deliver);
  }

  /** Adds a thread reached through a MessagePort. */
  addPort(thread: string, port: MessagePort): void {
    this.#ports.set(thread, port);
    port.onmessage = (e: MessageEvent<ToHub>) => this.handle(e.data);
    unref(port);
    this.#threads.set(thread, (msg) => {
      try {
        port.postMessage(msg, transfers(msg));
      } catch {
        // The thread is gone; its "gone" report will clean up.
      }
    });
  }

  /** One request from a thread. */
  handle(msg: ToHub): void {
    switch (msg.t) {
      case "bind": {
        const holder = this.#names.get(msg.name);
        if (holder !== undefined) {
          this.#send(msg.thread, { t: "bound", req: msg.req, error: "EADDRINUSE" });
          return;
        }
        this.#names.set(msg.name, msg.thread);
        if (msg.name === ANNOUNCED_NAME) {
          const serial = ++this.#announcedSerial;
          Atomics.store(this.announced, 0, serial); // seen by every thread from now on
          this.#send(msg.thread, { t: "bound", req: msg.req, serial });
        } else this.#send(msg.thread, { t: "bound", req: msg.req });
        const offers = this.#waiting.get(msg.name) ?? [];
        this.#waiting.delete(msg.name);
        for (const o of offers) this.#offerTo(msg.thread, o);
        return;
      }
      case "unbind":
        if (this.#names.get(msg.name) === msg.thread) this.#release(msg.name);
        return;
      case "connect": {
        return this.#place({ conn: msg.conn, name: msg.name, from: msg.from, hello: msg.hello });
      }
      case "decline": {
        const o = this.#offered.get(msg.conn);
        this.#offered.delete(msg.conn);
        if (o === undefined) return;
        this.onOfferStep?.("declined", msg.conn);
        if (this.#threads.has(o.offer.from)) this.#place(o.offer);
        return;
      }
      case "cancel":
        this.#offered.delete(msg.conn);
        for (const [name, list] of this.#waiting) {
          const withdrawn = list.find((o) => o.conn === msg.conn);
          if (withdrawn === undefined) continue;
          const rest = list.filter((o) => o !== withdrawn);
          if (rest.length === 0) this.#waiting.delete(name);
          else this.#waiting.set(name, rest);
          this.onOfferStep?.("withdrawn", msg.conn);
        }
        return;
      case "ring":
        this.#offered.delete(msg.conn);
        // The connecting thread went meanwhile: the binder drops its side (and any other to that thread).
        if (!this.#threads.has(msg.to)) {
          this.onOfferStep?.("connecter gone", msg.conn);
          return this.#send(msg.from, { t: "gone", thread: msg.to });
        }
        return this.#send(msg.to, {
          t: "ring",
          conn: msg.conn,
          from: msg.from,
          end: msg.end,
          hello: msg.hello,
        });
      case "adopt":
        return this.addPort(msg.thread, msg.port);
      case "gone":
        return this.#gone(msg.thread);
      case "terminate":
        for (const deliver of this.#threads.values()) deliver({ t: "terminate" });
        return;
    }
  }

  #gone(thread: string): void {
    if (!this.#threads.has(thread)) return;
    this.#threads.delete(thread);
    const port = this.#ports.get(thread);
    this.#ports.delete(thread);
    if (port !== undefined) {
      port.onmessage = null;
      port.close();
    }
    for (const [name, holder] of this.#names) if (holder === thread) this.#release(name);
    for (const [name, list] of this.#waiting) {
      const rest = list.filter((o) => o.from !== thread);
      if (rest.length === 0) this.#waiting.delete(name);
      else this.#waiting.set(name, rest);
    }
    for (const deliver of this.#threads.values()) deliver({ t: "gone", thread });
    // Offers the gone thread had not answered go to the next binder of their name.
    for (const [conn, o] of [...this.#offered]) {
      if (o.offer.from === thread) this.#offered.delete(conn);
      else if (o.to === thread) {
        this.#offered.delete(conn);
        this.onOfferStep?.("binder gone", conn);
        this.#place(o.offer);
      }
    }
  }

  /** Nobody binds `name` any more. */
  #release(name: string): void {
    this.#names.delete(name);
    if (name === ANNOUNCED_NAME) Atomics.store(this.announced, 0, 0);
  }

  /** Sends a connect to the binder of its name, or keeps it until one binds. */
  #place(offer: Offer): void {
    const binder = this.#names.get(offer.name);
    if (binder !== undefined) return this.#offerTo(binder, offer);
    const list = this.#waiting.get(offer.name) ?? [];
    list.push(offer);
    this.#waiting.set(offer.name, list);
    this.onOfferStep?.("waiting", offer.conn);
  }

  #offerTo(binder: string, offer: Offer): void {
    this.#offered.set(offer.conn, { offer, to: binder });
    this.#send(binder, { t: "offer", ...offer });
    this.onOfferStep?.("offered", offer.conn);
  }

  #send(thread: string, msg: ToThread): void {
    this.#threads.get(thread)?.(msg);
  }
}

/** A port that only carries registry traffic must not keep its thread alive. */
export function unref(port: MessagePort): void {
  (port as unknown as { unref?: () => void }).unref?.();
}
