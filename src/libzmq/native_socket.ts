/**
 * One libzmq socket behind the {@link NativeSocket} seam: sends and receives
 * with ZMQ_DONTWAIT (waiting is done by the socket object and the reactor),
 * options by name, and connection events read from libzmq's monitor.
 *
 * @module
 */

import { type ZmqError, zmqError } from "../errors.ts";
import type { NativeSocket, NativeSocketListener } from "../backend.ts";
import type { Message } from "../pipe.ts";
import { asBytes } from "../options.ts";
import type { Handle, Libzmq } from "./ffi.ts";
import type { SecuritySettings } from "../security/options.ts";
import type { Reactor, Watch } from "./reactor.ts";
import {
  DONTWAIT,
  EAGAIN,
  EINTR,
  ERRNO,
  EVENT_ALL,
  EVENTS,
  INT_OPTIONS,
  nativeProtocolError,
  OPT,
  POLLIN,
  POLLOUT,
  SNDMORE,
  SOCKET_TYPES,
} from "./constants.ts";

let monitors = 0;
const MAX_SEND_RETRY_MS = 64;
/** The most messages taken from libzmq in one pass, ahead of the receives that will want them. */
const MAX_PREFETCH = 1024;
/**
 * Types whose libzmq socket acts on the message received last, so never read ahead: REQ and REP
 * refuse a second receive before a send (EFSM), and a manual XPUB's subscribe() goes to the
 * subscriber heard last.
 */
const ONE_AT_A_TIME = new Set(["REQ", "REP", "XPUB"]);

/** libzmq's last error as a ZmqError. */
export function lastError(zmq: Libzmq, what: string, address?: string): ZmqError {
  const errno = zmq.errno();
  return zmqError(ERRNO[errno] ?? "EINVAL", `${what}: ${zmq.strerror(errno)}`, { address });
}

/** A libzmq socket. */
export class LibzmqSocket implements NativeSocket {
  #zmq: Libzmq;
  #reactor: Reactor;
  #listener: NativeSocketListener;
  #handle: Handle;
  /** libzmq's monitor of this socket and the PAIR reading it, made at the first bind or connect. */
  #monitor: Handle | undefined;
  #ctx: Handle;
  #contextId: string;
  #watch: Watch;
  #monitorWatch: Watch | undefined;
  #closed = false;
  #watching = false;
  /** ZMQ_EVENTS as last seen by a check. */
  #lastEvents = -1;
  /** A receive met EAGAIN since the last check. */
  #wantIn = false;
  /**
   * A send met EAGAIN. libzmq may still report POLLOUT (an XPUB with noDrop, a mandatory ROUTER
   * whose addressed peer is full), so a stalled send is retried when the descriptor fires, when
   * POLLOUT appears, and on a backing-off timer: never in a loop.
   */
  #sendRetry: ReturnType<typeof setTimeout> | undefined;
  #sendRetryMs = 1;
  /** A receive found nothing (a receive is waiting). */
  #starved = false;
  /** A send was refused (a send is waiting). */
  #stalled = false;
  #heartbeat = { interval: 0, timeout: 0 };
  /** Wildcard endpoints as bound, by what bind() was given (libzmq unbinds only the resolved one). */
  #wildcards = new Map<string, string>();
  /**
   * Messages taken from libzmq ahead of the receives that will want them: one pass reads all that
   * waits (up to {@link #prefetch}), so most receives cost no call into C at all. They count
   * against the receive high-water mark: libzmq's queue has room again only for what left it.
   */
  #inbox: Message[] = [];
  #inboxHead = 0;
  /** How many messages one pass may read ahead; 0: one at a time, when asked (REQ, REP, XPUB, conflate). */
  #prefetch: number;
  #oneAtATime: boolean;
  #conflate = false;
  #receiveHighWaterMark = 1000;

  constructor(
    zmq: Libzmq,
    reactor: Reactor,
    ctx: Handle,
    contextId: string,
    type: string,
    listener: NativeSocketListener,
  ) {
    this.#zmq = zmq;
    this.#reactor = reactor;
    this.#listener = listener;
    const kind = SOCKET_TYPES[type];
    if (kind === undefined) throw zmqError("EINVAL", `libzmq has no socket type ${type}`);
    const h = zmq.socket(ctx, kind);
    if (h === null) throw lastError(zmq, `cannot make a ${type} socket`);
    this.#handle = h;
    this.#oneAtATime = ONE_AT_A_TIME.has(type);
    this.#prefetch = this.#prefetchLimit();
    this.#ctx = ctx;
    this.#contextId = contextId;
    const waiting = () => this.#starved || this.#stalled;
    this.#watch = {
      fd: zmq.getInt(h, OPT.FD),
      check: (fired) => this.#check(fired),
      get waiting() {
        return waiting();
      },
    };
  }

  /**
   * Watched from the first bind or connect: before that nothing can arrive, and (as a core socket
   * with no endpoint) the socket should not keep the process alive.
   */
  #watchOnce(): void {
    if (this.#watching) return;
    const zmq = this.#zmq;
    // Connection events come from libzmq's monitor: a PAIR it writes to over inproc.
    const endpoint = `inproc://zmq-ts-monitor-${this.#contextId}-${++monitors}`;
    const monitor = zmq.socket(this.#ctx, SOCKET_TYPES.PAIR!);
    if (
      monitor === null || zmq.monitor(this.#handle, endpoint, EVENT_ALL) < 0 ||
      zmq.connect(monitor, endpoint) < 0
    ) {
      const e = lastError(zmq, "cannot monitor the socket");
      if (monitor !== null) zmq.close(monitor);
      throw e;
    }
    this.#watching = true;
    this.#monitor = monitor;
    this.#monitorWatch = {
      fd: zmq.getInt(monitor, OPT.FD),
      check: () => this.#readEvents(),
      waiting: false,
    };
    this.#reactor.add(this.#watch);
    this.#reactor.add(this.#monitorWatch);
  }

  bind(address: string): string {
    this.#assertOpen();
    this.#watchOnce();
    const rc = this.#zmq.bind(this.#handle, address);
    this.#touch();
    if (rc < 0) throw lastError(this.#zmq, `cannot bind ${address}`, address);
    const bound = this.#zmq.getString(this.#handle, OPT.LAST_ENDPOINT) ?? address;
    if (bound !== address) this.#wildcards.set(address, bound);
    return bound;
  }

  unbind(address: string): void {
    this.#assertOpen();
    const bound = this.#wildcards.get(address) ?? address;
    this.#wildcards.delete(address);
    const rc = this.#zmq.unbind(this.#handle, bound);
    this.#touch();
    if (rc < 0) throw lastError(this.#zmq, `cannot unbind ${address}`, address);
  }

  connect(address: string, routingId?: Uint8Array): void {
    this.#assertOpen();
    if (
      routingId !== undefined &&
      this.#zmq.setBytes(this.#handle, OPT.CONNECT_ROUTING_ID, routingId) < 0
    ) {
      throw lastError(this.#zmq, "cannot set the connect routing id", address);
    }
    this.#watchOnce();
    const rc = this.#zmq.connect(this.#handle, address);
    this.#touch();
    if (rc < 0) throw lastError(this.#zmq, `cannot connect to ${address}`, address);
  }

  disconnect(address: string): void {
    this.#assertOpen();
    const rc = this.#zmq.disconnect(this.#handle, address);
    this.#touch();
    if (rc < 0) throw lastError(this.#zmq, `cannot disconnect from ${address}`, address);
  }

  trySend(msg: Message): boolean {
    this.#assertOpen();
    const zmq = this.#zmq;
    const last = msg.length - 1;
    this.#touch();
    for (let i = 0; i <= last; i++) {
      // libzmq takes a multipart message whole once it took the first frame, so only frame 0 can meet EAGAIN.
      if (zmq.send(this.#handle, msg[i]!, i < last ? DONTWAIT | SNDMORE : DONTWAIT) >= 0) continue;
      const errno = zmq.errno();
      if (errno === EINTR) {
        i--;
        continue;
      }
      if (i === 0 && errno === EAGAIN) {
        this.#stallSend();
        return false;
      }
      throw lastError(zmq, "cannot send");
    }
    if (this.#stalled) {
      this.#stalled = false;
      this.#reactor.woke(this.#watch);
    }
    if (this.#sendRetry !== undefined) {
      clearTimeout(this.#sendRetry);
      this.#sendRetry = undefined;
    }
    this.#sendRetryMs = 1;
    return true;
  }

  #stallSend(): void {
    this.#stalled = true;
    this.#reactor.wait(this.#watch);
    if (this.#sendRetry !== undefined) return;
    this.#sendRetry = setTimeout(() => {
      this.#sendRetry = undefined;
      this.#sendRetryMs = Math.min(this.#sendRetryMs * 2, MAX_SEND_RETRY_MS);
      if (!this.#closed) this.#listener.ready(false, true);
    }, this.#sendRetryMs);
  }

  tryReceive(): Message | undefined {
    this.#assertOpen();
    if (this.#inboxHead < this.#inbox.length) return this.#takeQueued();
    this.#touch();
    let msg: Message | undefined;
    if (this.#prefetch === 0) {
      msg = this.#receiveOne();
    } else {
      // Read all that waits now, in one pass: the receives after this one find it here.
      const inbox = this.#inbox;
      inbox.length = 0;
      this.#inboxHead = 0;
      for (let i = 0; i < this.#prefetch; i++) {
        const next = this.#receiveOne();
        if (next === undefined) break;
        inbox.push(next);
      }
      if (inbox.length > 0) msg = this.#takeQueued();
    }
    if (msg === undefined) {
      this.#starved = true;
      this.#reactor.wait(this.#watch);
    } else if (this.#starved) {
      this.#starved = false;
      this.#reactor.woke(this.#watch);
    }
    return msg;
  }

  #takeQueued(): Message {
    const msg = this.#inbox[this.#inboxHead]!;
    this.#inbox[this.#inboxHead++] = undefined!; // not kept alive by the queue
    return msg;
  }

  /** One whole message from libzmq, or undefined (EAGAIN: the descriptor will fire when more comes). */
  #receiveOne(): Message | undefined {
    const zmq = this.#zmq;
    const first = this.#receiveFrame();
    if (first === undefined) {
      this.#wantIn = true;
      return undefined;
    }
    if (!zmq.more()) return [first];
    const msg = [first];
    do msg.push(this.#receiveFrame()!); while (zmq.more()); // the rest of a message is there already
    return msg;
  }

  /** One frame, or undefined on EAGAIN. */
  #receiveFrame(): Uint8Array | undefined {
    const zmq = this.#zmq;
    for (;;) {
      const frame = zmq.receive(this.#handle, DONTWAIT);
      if (frame !== undefined) return frame;
      const errno = zmq.errno();
      if (errno === EAGAIN) return undefined;
      if (errno !== EINTR) throw lastError(zmq, "cannot receive");
    }
  }

  #prefetchLimit(): number {
    if (this.#oneAtATime || this.#conflate) return 0; // conflate: the newest, when asked
    const hwm = this.#receiveHighWaterMark;
    return hwm > 0 && hwm < MAX_PREFETCH ? hwm : MAX_PREFETCH;
  }

  get readable(): boolean {
    if (this.#closed) return false;
    if (this.#inboxHead < this.#inbox.length) return true;
    this.#touch(); // reading ZMQ_EVENTS may take the descriptor's signal
    return (this.#events() & POLLIN) !== 0;
  }

  get writable(): boolean {
    if (this.#closed) return false;
    this.#touch();
    return (this.#events() & POLLOUT) !== 0;
  }

  setOption(name: string, value: unknown): void {
    if (this.#closed) return;
    const zmq = this.#zmq;
    const h = this.#handle;
    let rc = 0;
    if (name === "security") {
      return applySecurity(zmq, h, value as SecuritySettings);
    } else if (name === "routingId") {
      if (value === undefined) return;
      rc = zmq.setBytes(h, OPT.ROUTING_ID, asBytes(value as string | Uint8Array));
    } else if (name === "maxMessageSize") {
      rc = zmq.setInt64(h, OPT.MAXMSGSIZE, value as number);
    } else if (name === "heartbeatTimeToLive") {
      rc = zmq.setInt(h, OPT.HEARTBEAT_TTL, value as number);
    } else if (name === "welcomeMessage") {
      rc = zmq.setBytes(
        h,
        OPT.XPUB_WELCOME_MSG,
        value === null ? new Uint8Array(0) : asBytes(value as string | Uint8Array),
      );
    } else if (name === "verbosity") {
      // Setting either of libzmq's two resets the other: set only the one wanted.
      rc = value === "allSubsUnsubs"
        ? zmq.setInt(h, OPT.XPUB_VERBOSER, 1)
        : zmq.setInt(h, OPT.XPUB_VERBOSE, value === null ? 0 : 1);
    } else if (name === "heartbeatTimeout" || name === "heartbeatInterval") {
      // Our timeout of 0 means "the interval"; libzmq's 0 means none, and it refuses its own
      // default (-1) when set: so the interval is given as the timeout, and kept in step.
      if (name === "heartbeatInterval") this.#heartbeat.interval = value as number;
      else this.#heartbeat.timeout = value as number;
      const { interval, timeout } = this.#heartbeat;
      rc = zmq.setInt(h, OPT.HEARTBEAT_IVL, interval);
      if (rc >= 0) rc = zmq.setInt(h, OPT.HEARTBEAT_TIMEOUT, timeout === 0 ? interval : timeout);
    } else if (name === "maxConnections" || name === "maxUndecodedBytes") {
      if (value === 0) return;
      throw zmqError("ENOTSUP", `${name} is a zmq-ts limit: libzmq has no such option`);
    } else if (name in INT_OPTIONS) {
      if (name === "conflate") this.#conflate = value === true;
      if (name === "receiveHighWaterMark") this.#receiveHighWaterMark = value as number;
      this.#prefetch = this.#prefetchLimit();
      rc = zmq.setInt(
        h,
        INT_OPTIONS[name]!,
        typeof value === "boolean" ? (value ? 1 : 0) : value as number,
      );
    } else {
      return; // kept by the socket object alone (sendTimeout, receiveTimeout)
    }
    if (rc < 0) throw lastError(zmq, `cannot set ${name}`);
  }

  setRawOption(option: number, value: number | string | Uint8Array): void {
    this.#assertOpen();
    const rc = typeof value === "number"
      ? this.#zmq.setInt(this.#handle, option, value)
      : this.#zmq.setBytes(this.#handle, option, asBytes(value));
    if (rc < 0) throw lastError(this.#zmq, `cannot set libzmq option ${option}`);
  }

  subscription(subscribe: boolean, topic: Uint8Array): void {
    if (this.#closed) return;
    if (this.#zmq.setBytes(this.#handle, subscribe ? OPT.SUBSCRIBE : OPT.UNSUBSCRIBE, topic) < 0) {
      throw lastError(this.#zmq, subscribe ? "cannot subscribe" : "cannot unsubscribe");
    }
    this.#touch();
  }

  close(linger: number): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#sendRetry);
    this.#reactor.remove(this.#watch);
    if (this.#monitorWatch !== undefined) this.#reactor.remove(this.#monitorWatch);
    this.#zmq.setInt(this.#handle, OPT.LINGER, linger);
    this.#zmq.close(this.#handle);
    if (this.#monitor !== undefined) {
      this.#zmq.setInt(this.#monitor, OPT.LINGER, 0);
      this.#zmq.close(this.#monitor);
    }
  }

  #touch(): void {
    this.#reactor.touch(this.#watch);
  }

  /** After close the handle is freed memory that libzmq may give to a new socket: never use it. */
  #assertOpen(): void {
    if (this.#closed) throw zmqError("EBADF", "Socket is closed");
  }

  #events(): number {
    if (this.#closed) return 0;
    const ev = this.#zmqEvents();
    return ev < 0 ? 0 : ev;
  }

  /** ZMQ_EVENTS (it processes libzmq's commands for the socket), or -1 with errno set. */
  #zmqEvents(): number {
    for (;;) {
      const ev = this.#zmq.getInt(this.#handle, OPT.EVENTS);
      if (ev >= 0 || this.#zmq.errno() !== EINTR) return ev;
    }
  }

  /**
   * Looks at the socket after its descriptor fired (`fired`) or after we used it. The socket
   * object hears of it only when something may have changed, so a Poller re-reading
   * `readable`, or a send libzmq refuses while reporting POLLOUT, cannot make a loop.
   */
  #check(fired: boolean): void {
    if (this.#closed) return;
    const ev = this.#zmqEvents();
    if (ev < 0) {
      if (ERRNO[this.#zmq.errno()] === "ETERM") this.#listener.terminated();
      return;
    }
    const changed = ev !== this.#lastEvents;
    this.#lastEvents = ev;
    const readable = (ev & POLLIN) !== 0 || this.#inboxHead < this.#inbox.length;
    if (fired || changed || (this.#wantIn && readable)) {
      this.#wantIn = false;
      this.#listener.ready(readable, (ev & POLLOUT) !== 0);
    }
  }

  /** Monitor messages: [event u16 + value u32, little-endian], [endpoint]. */
  #readEvents(): void {
    const zmq = this.#zmq;
    for (;;) {
      if (this.#closed) return;
      const head = zmq.receive(this.#monitor!, DONTWAIT);
      if (head === undefined) return;
      const endpoint = zmq.more() ? zmq.receive(this.#monitor!, DONTWAIT) : undefined;
      if (head.length < 6) continue;
      const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
      const type = EVENTS[view.getUint16(0, true)];
      // The socket reports its own `end` when it closes.
      if (type === undefined || type === "end") continue;
      const address = endpoint === undefined ? "" : new TextDecoder().decode(endpoint);
      const value = view.getUint32(2, true);
      this.#listener.event(
        type === "connect:retry"
          ? { type, address, interval: value }
          : type === "handshake:error:auth"
          ? { type, address, status: value, error: new Error(`authentication failed (${value})`) }
          : type === "handshake:error:protocol"
          ? { type, address, error: nativeProtocolError(value) }
          : type.includes("error") || type === "disconnect"
          ? {
            type,
            address,
            error: type === "disconnect" ? undefined : new Error(`libzmq event value ${value}`),
          }
          : { type, address },
      );
    }
  }
}

/**
 * Gives libzmq the security options as one consistent state. libzmq derives the mechanism and the
 * server role from whichever option was set last; so it is first reset (PLAIN_SERVER=0: NULL, not
 * a server), then given only what the chosen mechanism needs, in an order that leaves that state.
 */
function applySecurity(zmq: Libzmq, h: Handle, s: SecuritySettings): void {
  const check = (rc: number, what: string) => {
    if (rc < 0) throw lastError(zmq, `cannot set ${what}`);
  };
  const text = (v: string) => new TextEncoder().encode(v);
  // libzmq refuses an empty domain (it cannot be cleared once set); empty is its default.
  if (s.zapDomain !== "") check(zmq.setBytes(h, OPT.ZAP_DOMAIN, text(s.zapDomain)), "zapDomain");
  check(zmq.setInt(h, OPT.ZAP_ENFORCE_DOMAIN, s.zapEnforceDomain ? 1 : 0), "zapEnforceDomain");
  check(zmq.setInt(h, OPT.PLAIN_SERVER, 0), "the security mechanism");
  if (s.mechanism === "plain") {
    if (s.asServer) return check(zmq.setInt(h, OPT.PLAIN_SERVER, 1), "plainServer");
    if (s.username !== undefined) {
      check(zmq.setBytes(h, OPT.PLAIN_USERNAME, s.username), "plainUsername");
    }
    if (s.password !== undefined) {
      check(zmq.setBytes(h, OPT.PLAIN_PASSWORD, s.password), "plainPassword");
    }
  } else if (s.mechanism === "curve") {
    if (s.publicKey !== undefined) {
      check(zmq.setBytes(h, OPT.CURVE_PUBLICKEY, s.publicKey), "curvePublicKey");
    }
    if (s.secretKey !== undefined) {
      check(zmq.setBytes(h, OPT.CURVE_SECRETKEY, s.secretKey), "curveSecretKey");
    }
    if (s.serverKey !== undefined) {
      check(zmq.setBytes(h, OPT.CURVE_SERVERKEY, s.serverKey), "curveServerKey");
    }
    if (s.asServer) check(zmq.setInt(h, OPT.CURVE_SERVER, 1), "curveServer");
  }
}
