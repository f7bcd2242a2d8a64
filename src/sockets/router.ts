/**
 * ROUTER (RFC 28): addresses each peer by a routing id, the first frame of
 * every message in and out (zmtp.md §4.5). A peer's id is its Identity, or
 * 5 bytes generated here (0x00 + a counter). Unroutable messages are dropped
 * unless `mandatory` is set.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { asBytes } from "../options.ts";
import type { Message, PeerInfo, Pipe } from "../pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { registerSocketType, Socket, type SocketConstructorOptions } from "../socket.ts";
import { sendProbe } from "./dealer.ts";

/** ROUTER's own options. */
export interface RouterOptions {
  /** Fail sends to an unknown peer with EHOSTUNREACH, and wait (or EAGAIN) at a full one. */
  mandatory: boolean;
  /** A new peer with a routing id already in use takes it over; the old one is disconnected. */
  handover: boolean;
  /** Send an empty message to each new peer, so that a ROUTER at the other end learns of us at once. */
  probeRouter: boolean;
}

/** Options for one {@link Router.connect}. */
export interface RouterConnectOptions {
  /** The routing id to know this peer by, instead of its Identity or a generated one. */
  routingId?: string | Uint8Array;
}

/** A routing id as a map key. */
export const key = (id: Uint8Array): string =>
  Array.from(id, (b) => b.toString(16).padStart(2, "0")).join("");

/** A routing id chosen at connect(), as bytes: 1-255 of them, or EINVAL. */
export function connectRoutingId(value: string | Uint8Array): Uint8Array {
  const id = asBytes(value);
  if (id.length < 1 || id.length > 255) {
    throw zmqError("EINVAL", `routingId must be 1-255 bytes, got ${id.length}`);
  }
  return id;
}

/**
 * A routing socket (ROUTER): every message carries its peer's routing id first.
 *
 * @example
 * ```ts
 * const router = new Router({ mandatory: true });
 * await router.bind("tcp://*:5555");
 * for await (const [id, ...body] of router) await router.send([id!, ...body]);
 * ```
 */
export class Router extends Socket {
  /** The ZMTP socket type. */
  readonly type = "ROUTER";
  /** As in {@link RouterOptions.mandatory}. */
  mandatory: boolean;
  /** As in {@link RouterOptions.handover}. */
  handover: boolean;
  /** As in {@link RouterOptions.probeRouter}. */
  probeRouter: boolean;
  #fq = new FairQueue();
  /** Routing ids chosen at connect(), by endpoint. */
  #connectIds = new Map<string, Uint8Array>();
  #byId = new Map<string, Pipe>();
  #nextId = (Math.random() * 0x1_0000_0000) >>> 0;

  /** Makes a socket of this type; pass any socket option, and this type's own, as fields. */
  constructor(
    { mandatory = false, handover = false, probeRouter = false, ...options }:
      & SocketConstructorOptions
      & Partial<RouterOptions> = {},
  ) {
    super("ROUTER", options);
    this.mandatory = mandatory;
    this.handover = handover;
    this.probeRouter = probeRouter;
    // Sealed once built (zeromq.js): a typo in an option name throws instead of adding a field.
    if (new.target === Router) Object.seal(this);
  }

  /**
   * Connects, optionally choosing the routing id the peer will have here
   * (libzmq's ZMQ_CONNECT_ROUTING_ID).
   *
   * @example
   * ```ts
   * router.connect("tcp://10.0.0.2:5555", { routingId: "backend-2" });
   * await router.send(["backend-2", "", "job"]);
   * ```
   */
  override connect(address: string, options: RouterConnectOptions = {}): void {
    if (options.routingId !== undefined) {
      const id = connectRoutingId(options.routingId);
      if (this.native !== undefined) return this.connectTo(address, id);
      if (this.#byId.has(key(id))) {
        throw zmqError("EINVAL", "routingId is already used by another peer", { address });
      }
      this.#connectIds.set(address, id);
    }
    super.connect(address);
  }

  /** Disconnects, forgetting a routing id chosen at connect(). */
  override disconnect(address: string): void {
    super.disconnect(address);
    this.#connectIds.delete(address);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected override acceptsPipe(peer: PeerInfo): boolean {
    return peer.identity.length === 0 || this.handover || !this.#byId.has(key(peer.identity));
  }

  /** @internal A routing hook of {@link Socket}. */
  protected override peerIdentified(pipe: Pipe): boolean {
    this.#forget(pipe);
    if (!this.#connectIds.has(pipe.endpoint) && !this.acceptsPipe(pipe.peer)) return false;
    this.#identify(pipe);
    return true;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected attachPipe(pipe: Pipe): void {
    if (this.probeRouter) sendProbe(pipe);
    this.#fq.add(pipe);
    // A pipe made at connect() is identified when its handshake completes, unless we chose its id.
    if (pipe.peer.pending !== true || this.#connectIds.has(pipe.endpoint)) this.#identify(pipe);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected detachPipe(pipe: Pipe): void {
    this.#forget(pipe);
    this.#fq.release(pipe);
  }

  /** @internal A pipe has messages again: it gets turns in the fair queue. */
  protected override pipeReadable(pipe: Pipe): void {
    this.#fq.activate(pipe);
  }

  #identify(pipe: Pipe): void {
    let id = this.#connectIds.get(pipe.endpoint) ?? pipe.peer.identity;
    const generated = id.length === 0;
    if (generated) {
      id = new Uint8Array(5);
      new DataView(id.buffer).setUint32(1, this.#nextId);
      this.#nextId = (this.#nextId + 1) >>> 0;
    }
    const old = generated ? undefined : this.#byId.get(key(id));
    pipe.routingId = id;
    this.#byId.set(key(id), pipe);
    if (old !== undefined && old !== pipe) {
      // handover: the newcomer takes the id, the old peer goes. The id is the newcomer's before
      // the old pipe closes, so that a send waiting on the old one, retried then, goes to it.
      old.close(0);
      this.detachPipe(old);
    }
  }

  #forget(pipe: Pipe): void {
    const k = key(pipe.routingId);
    if (this.#byId.get(k) === pipe) this.#byId.delete(k);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected trySend(msg: Message): boolean {
    if (msg.length < 2) return true; // libzmq swallows a message with no body after the id
    const pipe = this.#byId.get(key(msg[0]!));
    if (pipe === undefined || !pipe.alive) {
      if (this.mandatory) {
        throw zmqError("EHOSTUNREACH", "Host unreachable: no peer with that routing id");
      }
      return true;
    }
    if (pipe.outbound.full) return !this.mandatory; // dropped, or wait for room
    pipe.outbound.push(msg.slice(1));
    return true;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected tryReceive(): Message | undefined {
    const msg = this.#fq.receive();
    if (msg === undefined) return undefined;
    return [this.#fq.from!.routingId, ...msg];
  }

  /** @internal A routing hook of {@link Socket}. */
  protected hasReadable(): boolean {
    return this.#fq.readable;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected hasWritable(): boolean {
    if (!this.mandatory) return true;
    for (const p of this.#byId.values()) if (p.alive && !p.outbound.full) return true;
    return false;
  }
}

registerSocketType(6, Router);
