/**
 * A ZWS 2.0 connection (RFC 45) as the engine sees it: the ZMTP byte stream of a tcp connection,
 * made of WebSocket messages by the translators of src/codec/zws.ts, so the engine, and with it
 * every socket type, option and event, runs over WebSocket unchanged. Runtime-neutral: each
 * runtime's adapter wraps its WebSocket in a {@link WsConnection} and feeds its events in.
 *
 * Back-pressure. Sending: `write()` refuses more once the WebSocket holds WRITE_HIGH_WATER bytes
 * unsent, and the stream drains below WRITE_LOW_WATER (told by the runtime, or found by polling
 * `bufferedAmount`, which is all the standard API offers). Receiving: a WebSocket cannot stop
 * reading, so while the engine has paused the stream (its pipe is full and 256 KiB wait undecoded)
 * messages are held here, up to HOLD_LIMIT bytes. Past that the stream stops accepting: a
 * subscriber drops whole messages (its publisher would drop them for a slow peer anyway); any
 * other socket closes the connection with 4008, dropping what it held here (as what was in flight
 * is lost), and the peer reconnects if it is the connecting side. Memory per connection stays
 * within the high-water mark, 256 KiB undecoded, HOLD_LIMIT and one message; a connection closed
 * for overrun keeps only what its pipe and decoder had, as any lost connection does.
 *
 * @module
 */

import {
  CLOSE_OVERRUN,
  CLOSE_PROTOCOL,
  CLOSE_TEXT,
  commandName,
  readyAsRoutingId,
  ZmtpToZws,
  ZWS_BARE,
  ZWS_COMMAND,
  ZWS_MORE,
  ZwsError,
  zwsMechanism,
  zwsPeerGreeting,
  ZwsToZmtp,
} from "../codec/zws.ts";
import { FramingError, type Stream, type WsSettings } from "./stream.ts";

/** What the stream needs of a runtime's WebSocket. */
export interface WsConnection {
  /** Sends one binary message. Runtimes copy it before returning (measured on Deno and Bun; browsers by the spec). */
  send(message: Uint8Array): void;
  /** Bytes queued and not yet sent. */
  readonly bufferedAmount: number;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /**
   * Sends a WebSocket ping, where the connection can (our client over tcp, Bun's server; not the
   * standard WebSocket); its pong comes back through `handlePong`.
   */
  ping?(): void;
  /** Whether the runtime tells of drains (`handleDrain`); if not, the stream polls `bufferedAmount`. */
  readonly reportsDrain: boolean;
  /**
   * Whether the connection keeps the process alive (src/liveness.ts), where it can say (ours over
   * tcp); a runtime's WebSocket keeps it alive while open.
   */
  keepAlive?(keep: boolean): void;
  /**
   * Messages sent between `cork` and `uncork` may go out in one write, where the connection can
   * (ours over tcp): the frames of one batch of the engine's.
   */
  cork?(): void;
  uncork?(): void;
  /** Stops reading from the network, where the connection can (ours over tcp); runtimes' WebSockets cannot. */
  pause?(): void;
  /** Reads again after `pause`. */
  resume?(): void;
}

const WRITE_HIGH_WATER = 1024 * 1024;
const WRITE_LOW_WATER = 256 * 1024;
/** Bytes held for a paused engine before the stream stops accepting messages. */
export const HOLD_LIMIT = 4 * 1024 * 1024;
const DRAIN_POLL_MS = 1;
/** A ZMTP PONG command frame, for the engine, when a WebSocket pong answers our ping. */
const PONG = new Uint8Array([0x04, 0x05, 0x04, 0x50, 0x4f, 0x4e, 0x47]);

/**
 * One ZWS connection. Made by an adapter once its WebSocket is open.
 *
 * @example
 * ```ts
 * const stream = new ZwsStream(connection, "ZWS2.0/NULL", "ws://127.0.0.1:5555", settings);
 * socket.onmessage = (e) => stream.handleMessage(e.data);
 * socket.onclose = (e) => stream.handleClose(e.code, e.reason);
 * ```
 */
export class ZwsStream implements Stream {
  onData: (b: Uint8Array) => void = () => {};
  onDrain: () => void = () => {};
  onClose: (e?: Error) => void = () => {};
  readonly remoteAddress: string;
  /** The subprotocol agreed on. */
  readonly protocol: string;
  #ws: WsConnection;
  #settings: WsSettings;
  #mechanism: string;
  /** "ZWS2.0": routing ids instead of READY, first thing each way. */
  #bare: boolean;
  #ownReadyPending: boolean;
  #peerIdPending: boolean;
  #out = new ZmtpToZws();
  #in = new ZwsToZmtp();
  /** The engine's greeting has been written (and dropped). */
  #greetingSeen = false;
  /** The peer's (implied) greeting has been given to the engine. */
  #started = false;
  #held: Uint8Array[] = [];
  #heldBytes = 0;
  #paused = false;
  /** No more messages are taken (bad input, or past the bound); what is held is still delivered. */
  #refusing = false;
  #closed = false;
  /**
   * The stream ended before its engine wrote its greeting: a client's connection can, with bytes
   * that came in the upgrade answer's read. The engine hears of it once it exists (its first
   * write), or it would wait for its handshake timer.
   */
  #endedEarly: { error?: Error } | undefined;
  #closeHeld: { error?: Error } | undefined;
  /** The last data frame taken had MORE: the next one continues its message. */
  #inMessage = false;
  /** Dropping the rest of a message that arrived past the bound. */
  #dropping = false;
  #blocked = false;
  #drainTimer: ReturnType<typeof setTimeout> | undefined;
  #sendFrame = (m: Uint8Array) => this.#send(m);

  constructor(ws: WsConnection, protocol: string, remoteAddress: string, settings: WsSettings) {
    this.#ws = ws;
    this.protocol = protocol;
    this.remoteAddress = remoteAddress;
    this.#settings = settings;
    this.#mechanism = zwsMechanism(protocol) ?? settings.mechanism;
    this.#bare = protocol === ZWS_BARE;
    this.#ownReadyPending = this.#bare;
    this.#peerIdPending = this.#bare;
  }

  write(bytes: Uint8Array): boolean {
    if (this.#closed) {
      const early = this.#endedEarly;
      if (early !== undefined) {
        this.#endedEarly = undefined;
        queueMicrotask(() => this.onClose(early.error));
      }
      return true;
    }
    this.#ws.cork?.();
    this.#out.push(bytes, this.#sendFrame);
    this.#ws.uncork?.();
    if (!this.#greetingSeen && this.#out.greeted) {
      this.#greetingSeen = true;
      // After the engine's constructor, which wrote its greeting, has returned.
      queueMicrotask(() => this.#start());
    }
    if (this.#ws.bufferedAmount < WRITE_HIGH_WATER) return true;
    this.#block();
    return false;
  }

  keepAlive(keep: boolean): void {
    this.#ws.keepAlive?.(keep);
  }

  pause(): void {
    this.#paused = true;
    this.#ws.pause?.();
  }

  resume(): void {
    this.#paused = false;
    this.#ws.resume?.();
    this.#release();
  }

  end(): void {
    if (this.#closed) return;
    // The runtime sends what is queued before the close frame; the stream ends at the close event.
    this.#refusing = true;
    this.#ws.close(1000, "");
  }

  destroy(): void {
    if (this.#closed) return;
    this.#finish(undefined);
    this.#ws.close(1000, "");
  }

  /** @internal A message from the peer, as the runtime gives it. */
  handleMessage(data: ArrayBuffer | Uint8Array | string): void {
    if (this.#closed || this.#refusing) return;
    if (typeof data === "string") {
      return this.#refuse(new ZwsError("text message: ZWS frames are binary", CLOSE_TEXT));
    }
    const m = data instanceof Uint8Array ? data : new Uint8Array(data);
    let chunks: Uint8Array[];
    try {
      if (this.#peerIdPending) {
        chunks = this.#in.routingIdAsReady(m);
        this.#peerIdPending = false;
      } else chunks = this.#in.frame(m);
    } catch (e) {
      return this.#refuse(e as ZwsError);
    }
    const isData = (m[0]! & ZWS_COMMAND) === 0;
    const more = (m[0]! & ZWS_MORE) !== 0;
    if (isData && this.#dropping) {
      this.#dropping = more;
      return;
    }
    if (this.#started && !this.#paused && this.#held.length === 0) {
      if (isData) this.#inMessage = more;
      for (const c of chunks) this.onData(c);
      return;
    }
    const startsMessage = !isData || !this.#inMessage;
    if (this.#heldBytes >= HOLD_LIMIT && startsMessage) {
      if (isData && this.#settings.dropWhenFull) {
        this.#dropping = more;
        return;
      }
      return this.#overrun();
    }
    if (isData) this.#inMessage = more;
    this.#hold(chunks);
  }

  /** @internal The peer broke WebSocket framing itself (found by our own WebSocket client). */
  handleBadInput(why: string): void {
    if (this.#closed) return;
    this.#refuse(new ZwsError(why, CLOSE_PROTOCOL));
  }

  /** @internal The peer answered our WebSocket ping: traffic, for the engine's heartbeat. */
  handlePong(): void {
    if (this.#closed || this.#refusing) return;
    const pong = PONG.slice();
    if (this.#started && !this.#paused && this.#held.length === 0) this.onData(pong);
    else this.#hold([pong]);
  }

  /** @internal The runtime's send buffer has room again. */
  handleDrain(): void {
    if (!this.#blocked || this.#closed) return;
    clearTimeout(this.#drainTimer);
    if (this.#ws.bufferedAmount > WRITE_LOW_WATER) {
      // Bun tells of partial drains too: look again shortly rather than wait for the next.
      this.#drainTimer = setTimeout(() => this.handleDrain(), DRAIN_POLL_MS);
      return;
    }
    this.#blocked = false;
    this.onDrain();
  }

  /** @internal The WebSocket has closed (either side). */
  handleClose(code: number, reason: string): void {
    if (this.#closed) return;
    const normal = code === 1000 || code === 1001 || code === 1005;
    const error = normal ? undefined : new Error(
      `WebSocket closed with code ${code}${reason.length > 0 ? `: ${reason}` : ""}`,
    );
    if (this.#held.length > 0) {
      // Deliver what the peer sent before it went, as the engine reads it.
      this.#closeHeld ??= { error };
      clearTimeout(this.#drainTimer);
      return;
    }
    this.#finish(error);
  }

  #start(): void {
    if (this.#closed) return;
    this.#started = true;
    this.onData(zwsPeerGreeting(this.#mechanism));
    this.#release();
  }

  #send(m: Uint8Array): void {
    if ((m[0]! & ZWS_COMMAND) !== 0) {
      const name = commandName(m);
      if (this.#ownReadyPending && name === "READY") {
        this.#ownReadyPending = false;
        this.#ws.send(readyAsRoutingId(m));
        return;
      }
      // Heartbeats as WebSocket pings where the connection can send them: libzmq's ws engine
      // answers those, and not PING commands. Elsewhere the command goes; zmq-ts peers answer it.
      if (name === "PING" && this.#ws.ping !== undefined) {
        this.#ws.ping();
        return;
      }
    }
    this.#ws.send(m);
  }

  #hold(chunks: Uint8Array[]): void {
    for (const c of chunks) {
      this.#held.push(c);
      this.#heldBytes += c.length;
    }
  }

  #release(): void {
    while (this.#started && !this.#paused && this.#held.length > 0 && !this.#closed) {
      const c = this.#held.shift()!;
      this.#heldBytes -= c.length;
      this.onData(c);
    }
    if (this.#held.length === 0 && this.#closeHeld !== undefined) {
      this.#finish(this.#closeHeld.error);
    }
  }

  /**
   * Past the bound with a receiver that must not drop: the connection closes, and what was held
   * goes with it, as what was in flight does. Kept, it would add up over the peer's reconnects.
   */
  #overrun(): void {
    this.#refusing = true;
    const why = `receiver overrun: ${this.#heldBytes} bytes arrived past a full pipe`;
    this.#finish(new Error(why));
    this.#ws.close(CLOSE_OVERRUN, why);
  }

  /** Ends the stream for bad input, then closes the WebSocket (whose close event may come at once, on Bun). */
  #refuse(e: ZwsError): void {
    this.#refusing = true;
    this.#finish(new FramingError(e.message));
    this.#ws.close(e.code, e.message.slice(0, 120));
  }

  #block(): void {
    if (this.#blocked) return;
    this.#blocked = true;
    if (!this.#ws.reportsDrain) {
      this.#drainTimer = setTimeout(() => this.handleDrain(), DRAIN_POLL_MS);
    }
  }

  #finish(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#held = [];
    this.#heldBytes = 0;
    clearTimeout(this.#drainTimer);
    if (!this.#greetingSeen) this.#endedEarly = { error };
    else this.onClose(error);
  }
}
