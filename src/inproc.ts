/**
 * inproc endpoints within one context and thread: no engine and no bytes;
 * the two sockets' pipes are joined directly. Connecting before the bind
 * works (libzmq 4): the connecter's pipe exists at once and the binder
 * picks up its end when it binds.
 *
 * @module
 */

import { zmqError } from "./errors.ts";
import type { LocalEndpoints, PendingJoin, ThreadLink } from "./threads/link.ts";
import { combinedHwm, MessageQueue, Pipe } from "./pipe.ts";
import type { SocketCore } from "./socket_core.ts";

type PendingConnect = PendingJoin;

/** The far socket's marks as they are now, whenever asked. */
const marks = (s: SocketCore) => ({
  get send() {
    return s.options().sendHighWaterMark;
  },
  get receive() {
    return s.options().receiveHighWaterMark;
  },
});

/**
 * The registry of a context's inproc endpoints in this thread. Once the
 * context is shared with other threads, names are claimed through the
 * context's hub, and a connect to a name not bound here is offered to
 * whichever thread binds it.
 */
export class InprocRegistry implements LocalEndpoints {
  #bound = new Map<string, SocketCore>();
  #pending = new Map<string, PendingConnect[]>();
  #link: ThreadLink | undefined;

  /** Joins the context's threads: names bound so far are claimed, waiting connects are offered. */
  attachLink(link: ThreadLink): void {
    this.#link = link;
    for (const name of this.#bound.keys()) link.bind(name).catch(() => {});
    for (const list of this.#pending.values()) for (const p of list) link.connect(p);
    this.#pending.clear();
  }

  /** Binds `name` to `socket`, completing connects that were waiting for it. */
  async bind(name: string, socket: SocketCore): Promise<void> {
    if (this.#bound.has(name)) {
      throw zmqError("EADDRINUSE", `inproc://${name} is already bound`, {
        address: `inproc://${name}`,
      });
    }
    if (this.#link !== undefined) {
      await this.#link.bind(name);
      if (this.#bound.has(name)) throw zmqError("EADDRINUSE", `inproc://${name} is already bound`);
    }
    this.#bound.set(name, socket);
    const waiting = this.#pending.get(name) ?? [];
    this.#pending.delete(name);
    for (const p of waiting) this.joinDirect(p, socket);
  }

  /** The socket of this thread bound to `name`. */
  boundSocket(name: string): SocketCore | undefined {
    return this.#bound.get(name);
  }

  /**
   * The serial of another thread's bind of `name`, for the one name every thread is told of (the
   * ZAP handler's; threads/protocol.ts); undefined if none, or the context is not shared.
   */
  boundElsewhere(name: string): number | undefined {
    return this.#link?.boundElsewhere(name);
  }

  /** Hands a waiting connect's far pipe to the binder. */
  joinDirect(p: PendingConnect, binder: SocketCore): void {
    p.far.peer = { ...p.far.peer, socketType: p.socket.type };
    p.near.peer = { ...p.near.peer, socketType: binder.type, identity: binder.routingId() };
    if (!p.socket.identified(p.near)) return p.far.close(0); // e.g. a ROUTER already has that id
    // Sized at connect() without the binder's marks: now they are known (libzmq does the same).
    p.far.inbound.hwm = combinedHwm(
      p.socket.options().sendHighWaterMark,
      binder.options().receiveHighWaterMark,
    );
    p.far.outbound.hwm = combinedHwm(
      binder.options().sendHighWaterMark,
      p.socket.options().receiveHighWaterMark,
    );
    p.far.farMarks = marks(p.socket);
    p.near.farMarks = marks(binder);
    binder.addPipe(p.far, `inproc://${p.name}`);
  }

  /** Removes a binding; false if `socket` did not bind `name`. */
  unbind(name: string, socket: SocketCore): boolean {
    if (this.#bound.get(name) !== socket) return false;
    this.#bound.delete(name);
    this.#link?.unbind(name);
    return true;
  }

  /** Joins `socket` to the socket bound at `name`, or queues the join until it binds. */
  connect(name: string, socket: SocketCore): void {
    const address = `inproc://${name}`;
    const binder = this.#bound.get(name);
    const mine = socket.options();
    const theirs = binder?.options();
    // Until a binder appears, only the connecting side's own marks apply (libzmq 4.3): a PAIR with
    // sendHighWaterMark 1 queues one message, not 1 + the binder's default. joinDirect() adds the
    // binder's marks once it binds.
    const toBinder = theirs === undefined
      ? mine.sendHighWaterMark
      : combinedHwm(mine.sendHighWaterMark, theirs.receiveHighWaterMark);
    const toConnecter = theirs === undefined
      ? mine.receiveHighWaterMark
      : combinedHwm(theirs.sendHighWaterMark, mine.receiveHighWaterMark);
    // A queue keeps only the newest message if either socket on it conflates.
    const conflate = socket.conflate || (binder?.conflate ?? false);
    // Both sockets may be in this thread: each queue rings its reader once the writer's burst is over.
    const [near, far] = Pipe.pair(
      new MessageQueue(toBinder, conflate, true),
      new MessageQueue(toConnecter, conflate, true),
      {
        socketType: binder?.type ?? "",
        identity: binder === undefined ? new Uint8Array(0) : binder.routingId(),
        remoteAddress: address,
      },
      { socketType: socket.type, identity: socket.routingId(), remoteAddress: address },
      address,
    );
    far.farMarks = marks(socket);
    if (binder !== undefined) near.farMarks = marks(binder);
    socket.addPipe(near, address);
    // Turned away by its own socket (a PAIR that has its peer, a ROUTER that knows the binder's
    // routing id): nothing to join, and the binder must not be handed the dead far end.
    if (!near.alive) return;
    const join = { socket, name, far, near };
    if (binder !== undefined) binder.addPipe(far, address);
    else if (this.#link !== undefined) this.#link.connect(join);
    else {
      const list = this.#pending.get(name) ?? [];
      list.push(join);
      this.#pending.set(name, list);
    }
  }

  /** Drops `socket`'s queued connects to `name`. */
  cancel(name: string, socket: SocketCore): void {
    this.#link?.cancel(socket, name);
    const list = this.#pending.get(name)?.filter((p) => p.socket !== socket);
    if (list === undefined) return;
    if (list.length === 0) this.#pending.delete(name);
    else this.#pending.set(name, list);
  }

  /**
   * Forgets everything of a closed socket, except, when it lingers, its
   * connects to other threads that still hold messages to deliver.
   */
  forget(socket: SocketCore, linger = 0): void {
    for (const [name, s] of this.#bound) if (s === socket) this.unbind(name, socket);
    for (const [name, list] of [...this.#pending]) {
      const rest = list.filter((p) => p.socket !== socket);
      if (rest.length === 0) this.#pending.delete(name);
      else this.#pending.set(name, rest);
    }
    this.#link?.cancel(socket, undefined, linger);
  }
}
