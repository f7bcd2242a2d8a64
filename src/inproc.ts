/**
 * inproc endpoints within one context and thread: no engine and no bytes;
 * the two sockets' pipes are joined directly. Connecting before the bind
 * works (libzmq 4): the connecter's pipe exists at once and the binder
 * picks up its end when it binds.
 *
 * @module
 */

import { zmqError } from "./errors.ts";
import { combinedHwm, MessageQueue, Pipe } from "./pipe.ts";
import type { Socket } from "./socket.ts";

interface PendingConnect {
  socket: Socket;
  /** The binder's end, handed over at bind. */
  far: Pipe;
  /** The connecter's end. */
  near: Pipe;
}

/** The far socket's marks as they are now, whenever asked. */
const marks = (s: Socket) => ({
  get send() {
    return s.sendHighWaterMark;
  },
  get receive() {
    return s.receiveHighWaterMark;
  },
});

/** The registry of a context's inproc endpoints. */
export class InprocRegistry {
  #bound = new Map<string, Socket>();
  #pending = new Map<string, PendingConnect[]>();

  /** Binds `name` to `socket`, completing connects that were waiting for it. */
  bind(name: string, socket: Socket): void {
    if (this.#bound.has(name)) {
      throw zmqError("EADDRINUSE", `inproc://${name} is already bound`, { address: `inproc://${name}` });
    }
    this.#bound.set(name, socket);
    const waiting = this.#pending.get(name) ?? [];
    this.#pending.delete(name);
    for (const p of waiting) {
      p.far.peer = { ...p.far.peer, socketType: p.socket.type };
      // Sized at connect() without the binder's marks: now they are known (libzmq does the same).
      p.far.inbound.hwm = combinedHwm(p.socket.sendHighWaterMark, socket.receiveHighWaterMark);
      p.far.outbound.hwm = combinedHwm(socket.sendHighWaterMark, p.socket.receiveHighWaterMark);
      p.far.farMarks = marks(p.socket);
      p.near.farMarks = marks(socket);
      socket.addPipe(p.far, `inproc://${name}`);
    }
  }

  /** Removes a binding; false if `socket` did not bind `name`. */
  unbind(name: string, socket: Socket): boolean {
    if (this.#bound.get(name) !== socket) return false;
    this.#bound.delete(name);
    return true;
  }

  /** Joins `socket` to the socket bound at `name`, or queues the join until it binds. */
  connect(name: string, socket: Socket): void {
    const address = `inproc://${name}`;
    const binder = this.#bound.get(name);
    const id = (s: Socket) => {
      const r = s.routingId;
      return r === undefined ? new Uint8Array(0) : typeof r === "string" ? new TextEncoder().encode(r) : r;
    };
    const toBinder = combinedHwm(socket.sendHighWaterMark, binder?.receiveHighWaterMark ?? 1000);
    const toConnecter = combinedHwm(binder?.sendHighWaterMark ?? 1000, socket.receiveHighWaterMark);
    // A queue keeps only the newest message if either socket on it conflates.
    const conflate = socket.core.conflate || (binder?.core.conflate ?? false);
    const [near, far] = Pipe.pair(
      new MessageQueue(toBinder, conflate),
      new MessageQueue(toConnecter, conflate),
      { socketType: binder?.type ?? "", identity: binder === undefined ? new Uint8Array(0) : id(binder), remoteAddress: address },
      { socketType: socket.type, identity: id(socket), remoteAddress: address },
      address,
    );
    far.farMarks = marks(socket);
    if (binder !== undefined) near.farMarks = marks(binder);
    socket.addPipe(near, address);
    if (binder !== undefined) binder.addPipe(far, address);
    else {
      const list = this.#pending.get(name) ?? [];
      list.push({ socket, far, near });
      this.#pending.set(name, list);
    }
  }

  /** Drops `socket`'s queued connects to `name`. */
  cancel(name: string, socket: Socket): void {
    const list = this.#pending.get(name)?.filter((p) => p.socket !== socket);
    if (list === undefined) return;
    if (list.length === 0) this.#pending.delete(name);
    else this.#pending.set(name, list);
  }

  /** Forgets everything of a closed socket. */
  forget(socket: Socket): void {
    for (const [name, s] of this.#bound) if (s === socket) this.#bound.delete(name);
    for (const name of [...this.#pending.keys()]) this.cancel(name, socket);
  }
}
