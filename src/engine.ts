/**
 * The ZMTP engine: one per connection. It runs the greeting, drives the
 * security mechanism's handshake (NULL, PLAIN, CURVE: src/mechanisms/),
 * frames messages between a {@link Stream} and a {@link Pipe} (sealed by the
 * mechanism's cipher under CURVE), answers PING, keeps heartbeats, and applies
 * back-pressure both ways. It knows nothing of how a socket type routes
 * messages, nor of what a mechanism does inside its handshake.
 *
 * RFC 23 (ZMTP 3.0), RFC 37 (ZMTP 3.1); libzmq's behaviour where they differ.
 *
 * @module
 */

import {
  backgroundInterval,
  backgroundTimeout,
  type BackgroundTimer,
  clearBackground,
} from "./liveness.ts";
import {
  checkGreeting,
  encodeGreeting,
  GREETING_SIZE,
  type PeerGreeting,
} from "./codec/greeting.ts";
import {
  encodeCommandFrame,
  FLAG_COMMAND,
  FLAG_MORE,
  type Frame,
  FrameDecoder,
  headerSize,
  messageSize,
  writeHeader,
  writeMessage,
} from "./codec/frame.ts";
import {
  cancelBody,
  CommandError,
  parseCommand,
  parseError,
  parsePing,
  pingBody,
  pongBody,
  subscribeBody,
} from "./codec/command.ts";
import { isSubscription, type Message, type PeerInfo, type Pipe } from "./pipe.ts";
import { FramingError, type Stream } from "./transports/stream.ts";
import { ProtocolError, type ProtocolErrorCode } from "./errors.ts";
import { MetadataError } from "./codec/metadata.ts";
import type { SocketLimits } from "./limits.ts";
import { frameCopyLimit } from "./transports/runtime.ts";
import {
  type FrameCipher,
  HandshakeError,
  type HandshakeResult,
  type Mechanism,
  type MechanismIO,
  SEALED_COMMAND,
  SEALED_MORE,
  type ZapGateway,
} from "./mechanisms/mechanism.ts";
import { createMechanism } from "./mechanisms/factory.ts";
import { concat } from "./codec/bytes.ts";
import {
  sealedCommandFrame,
  sealedMessageSize,
  writeSealedFrame,
  writeSealedMessage,
} from "./mechanisms/sealed_framing.ts";
import type { SecuritySettings } from "./security/options.ts";
import { MessageAssembly } from "./message_assembly.ts";
import { afterBurst } from "./burst.ts";

/** Options the engine reads (a subset of the socket's). */
export interface EngineOptions {
  maxMessageSize: number;
  maxUndecodedBytes: number;
  handshakeInterval: number;
  heartbeatInterval: number;
  heartbeatTimeout: number;
  heartbeatTimeToLive: number;
}

/** Why an engine stopped. */
export interface EngineEnd {
  /**
   * "closed": the stream ended; "protocol": the peer broke the protocol; "auth": authentication
   * refused (ZAP, or the peer's ERROR); "other": the handshake could not be judged (e.g. no ZAP
   * handler); "timeout"; "local".
   */
  kind: "closed" | "protocol" | "auth" | "other" | "timeout" | "local";
  error?: Error;
  /** For "auth": the ZAP status (300, 400, 500). */
  status?: number;
  /** True once the handshake had completed (the peer was attached). */
  wasReady: boolean;
}

/** What the engine needs from the socket that owns it. */
export interface EngineHost {
  readonly socketType: string;
  /** Our routing id, sent as Identity by types that carry one; `undefined` for the rest. */
  readonly identity: Uint8Array | undefined;
  readonly options: EngineOptions;
  /** The socket's security options; `undefined` for NULL with no ZAP (inproc between threads). */
  readonly security: SecuritySettings | undefined;
  /** The ZAP handler's gateway for a connection from `remoteAddress`, if the socket may consult one. */
  zap(remoteAddress: string): ZapGateway | undefined;
  /** What the socket's connections share: the budget of bytes held undecoded. */
  readonly limits?: SocketLimits;
  /** Whether a peer of this type may talk to us. */
  accepts(peerType: string): boolean;
  /** The handshake is done: give the pipe to serve, or `undefined` to turn the peer away. */
  attach(engine: Engine, peer: PeerInfo): Pipe | undefined;
  /** The engine has stopped. */
  detach(engine: Engine, end: EngineEnd): void;
}

const BATCH_BYTES = 64 * 1024;
/** How long a connection stays idle before it stops keeping the process alive (liveness.ts). */
const IDLE_BEFORE_UNREF_MS = 50;
const COPY_BELOW = frameCopyLimit();
/** Undecoded bytes held while the pipe is full before the stream itself is paused. */
const PAUSE_STREAM_BYTES = 256 * 1024;
/**
 * Most bytes a peer may make us hold before its handshake completes: READY carries a few short
 * properties, and an unidentified peer must not make us buffer a 2 GiB "command" (libzmq
 * allocates whatever a frame declares).
 */
const HANDSHAKE_BYTES = 64 * 1024;
/** Frames this large are written as they are, not copied into a batch. */
const LARGE_FRAME = 16 * 1024;

/** The largest frame accepted: maxMessageSize, or a byte cap below it (no frame could complete above the cap). */
function frameLimit(o: EngineOptions): number {
  const cap = o.maxUndecodedBytes;
  return cap > 0 && (o.maxMessageSize < 0 || cap < o.maxMessageSize) ? cap : o.maxMessageSize;
}

function hasLargeFrame(msg: Message): boolean {
  for (const f of msg) if (f.length >= LARGE_FRAME) return true;
  return false;
}

/**
 * Write batches are carved from shared slabs: one 256 KiB allocation serves several batches, where a
 * fresh 64 KiB buffer per batch cost more in allocation and GC than the copying into it. A
 * batch is never written over once handed to a stream, so a slab lives until its last write ends.
 */
const WRITE_SLAB = 256 * 1024;
let writeSlab = new Uint8Array(0);
let writeSlabAt = 0;

function batchBuffer(n: number): Uint8Array {
  if (n > WRITE_SLAB / 4) return new Uint8Array(n);
  if (writeSlabAt + n > writeSlab.length) {
    writeSlab = new Uint8Array(WRITE_SLAB);
    writeSlabAt = 0;
  }
  const out = writeSlab.subarray(writeSlabAt, writeSlabAt + n);
  writeSlabAt += n;
  return out;
}

/** A flush waits for a growing queue (see afterBurst) until it holds this many messages. */
const FLUSH_MESSAGES = 1024;
const decoder = new TextDecoder();
/** Empty bytes, shared: what a finished greeting buffer becomes, and a peer's absent identity. */
const NO_BYTES = new Uint8Array(0);
/** Our greetings, one per mechanism and role, built once (adapters never write into what they send). */
const greetings = new Map<string, Uint8Array>();

function greetingOf(mechanism: string, asServer: boolean): Uint8Array {
  const key = `${mechanism}/${asServer}`;
  let g = greetings.get(key);
  if (g === undefined) greetings.set(key, g = encodeGreeting(mechanism, asServer));
  return g;
}

/**
 * A failure the peer's bytes caused, as the ProtocolError its event carries: the codec's and the
 * transport's own errors (kept as `cause`) get the code that says most of them. libzmq reports
 * no event for a bad frame or greeting (it closes); zmq-ts does, with ERR_ZMTP_UNSPECIFIED.
 */
function asProtocolError(e: Error): ProtocolError {
  if (e instanceof ProtocolError) return e;
  const code: ProtocolErrorCode = e instanceof FramingError
    ? "ERR_WS_UNSPECIFIED"
    : e instanceof CommandError
    ? "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED"
    : e instanceof MetadataError
    ? "ERR_ZMTP_INVALID_METADATA"
    : "ERR_ZMTP_UNSPECIFIED";
  return new ProtocolError(code, e.message, { cause: e });
}

/**
 * Runs one connection.
 *
 * @example
 * ```ts
 * const engine = new Engine(stream, host); // starts the greeting at once
 * ```
 */
export class Engine {
  #stream: Stream;
  #host: EngineHost;
  /** The peer's greeting when it arrives in pieces (libzmq sends it in three); dropped once complete. */
  #greeting = NO_BYTES;
  #greetingLength = 0;
  #peerGreeting: PeerGreeting | undefined;
  #decoder: FrameDecoder;
  #mechanism: Mechanism;
  #zap: ZapGateway | undefined;
  /** Set after a handshake that encrypts (CURVE): every frame is sealed and opened by it. */
  #cipher: FrameCipher | undefined;
  #pipe: Pipe | undefined;
  /** The message being received: bounded, as a peer may mark frames "more" forever. */
  #partial = new MessageAssembly();
  #ready = false;
  #ended = false;
  #paused = false;
  #streamPaused = false;
  /** Stopped by the socket's byte budget (maxUndecodedBytes), until it wakes us. */
  #budgetPaused = false;
  /** Whether the stream is paused now, for either reason. */
  #streamStopped = false;
  /** What this connection last told the socket's byte budget it holds. */
  #heldReported = 0;
  #budgetWake: (() => void) | undefined;
  /** The stream closed while undecoded bytes waited for room in the pipe. */
  #closeHeld: { error?: Error } | undefined;
  /** Only SUB and XSUB send subscriptions: other types skip looking for them per message. */
  readonly #subscribes: boolean;
  #writeBlocked = false;
  #flushScheduled = false;
  #lingering = false;
  /** Whether the stream was last asked to keep the process alive (it starts so). */
  #kept = true;
  /** Pending check that the connection is still idle, before it stops keeping the process alive. */
  #idleCheck: BackgroundTimer | undefined;
  #handshakeTimer: BackgroundTimer | undefined;
  #heartbeatTimer: BackgroundTimer | undefined;
  #timeoutTimer: BackgroundTimer | undefined;
  #ttlTimer: BackgroundTimer | undefined;
  #lingerTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(stream: Stream, host: EngineHost) {
    this.#stream = stream;
    this.#host = host;
    this.#decoder = new FrameDecoder(frameLimit(host.options), COPY_BELOW);
    this.#subscribes = host.socketType === "SUB" || host.socketType === "XSUB";
    stream.onData = (b) => this.#onData(b);
    stream.undecoded = () => this.#decoder.buffered;
    stream.onDrain = () => {
      // Only a stream that refused a write owes us a flush: flushing on every drain would write
      // whatever was queued at that instant, a few bytes at a time, defeating the batching.
      if (!this.#writeBlocked) return;
      this.#writeBlocked = false;
      this.#flush();
    };
    stream.onClose = (e) => {
      // A transport with framing of its own (ZWS) ends the stream when the peer breaks it.
      if (e instanceof FramingError) return this.#fail("protocol", e);
      // Bytes the peer sent before closing are still delivered: a paused engine ends once it has
      // decoded them, as long as someone may read them (a closed pipe has no reader).
      if (
        this.#paused && !this.#ended && this.#decoder.buffered > 0 && this.#pipe?.alive === true
      ) {
        this.#closeHeld = { error: e };
        // The peer is gone: no heartbeat can be answered, and none must time the held bytes out.
        clearBackground(this.#heartbeatTimer);
        clearBackground(this.#timeoutTimer);
        clearBackground(this.#ttlTimer);
      } else {
        this.#end({ kind: "closed", error: e, wasReady: this.#ready });
      }
    };
    if (host.options.handshakeInterval > 0) {
      this.#handshakeTimer = backgroundTimeout(
        () => this.#fail("timeout", new Error("handshake timed out")),
        host.options.handshakeInterval,
      );
    }
    this.#zap = host.zap(stream.remoteAddress);
    this.#mechanism = createMechanism(host.security, {
      socketType: host.socketType,
      identity: host.identity,
      accepts: (peerType) => host.accepts(peerType),
      zap: this.#zap,
    });
    stream.write(greetingOf(this.#mechanism.name, this.#mechanism.asServer));
  }

  /** Where the peer is. */
  get remoteAddress(): string {
    return this.#stream.remoteAddress;
  }

  /** Whether the handshake has completed. */
  get ready(): boolean {
    return this.#ready;
  }

  /** The peer's ZMTP minor version (0 or 1), known after the greeting. */
  get peerMinor(): number | undefined {
    return this.#peerGreeting === undefined
      ? undefined
      : this.#peerGreeting.major > 3
      ? 1
      : this.#peerGreeting.minor;
  }

  /** Closes the connection at once. */
  close(): void {
    this.#end({ kind: "local", wasReady: this.#ready });
    this.#stream.destroy();
  }

  #onData(bytes: Uint8Array): void {
    if (this.#ended) return;
    try {
      if (this.#peerGreeting === undefined) {
        const rest = this.#readGreeting(bytes);
        if (rest === undefined) return;
        bytes = rest;
      }
      this.#decoder.push(bytes);
      if (this.#paused) this.#onTraffic(); // bytes we cannot decode yet still show the peer is alive
      this.#decode();
      if (!this.#ready && this.#decoder.buffered > HANDSHAKE_BYTES) {
        throw new ProtocolError(
          "ERR_ZMTP_UNSPECIFIED",
          `a handshake command of more than ${HANDSHAKE_BYTES} bytes`,
        );
      }
      this.#account();
    } catch (e) {
      this.#failWith(e as Error);
    }
  }

  /** Consumes greeting bytes; returns what follows the greeting once it is complete. */
  #readGreeting(bytes: Uint8Array): Uint8Array | undefined {
    const take = Math.min(bytes.length, GREETING_SIZE - this.#greetingLength);
    let seen: Uint8Array;
    if (this.#greetingLength === 0 && take === GREETING_SIZE) {
      seen = bytes.subarray(0, take); // whole in one chunk: nothing to keep
    } else {
      if (this.#greeting.length === 0) this.#greeting = new Uint8Array(GREETING_SIZE);
      this.#greeting.set(bytes.subarray(0, take), this.#greetingLength);
      seen = this.#greeting.subarray(0, this.#greetingLength + take);
    }
    this.#greetingLength += take;
    const g = checkGreeting(seen);
    if (g === undefined) return undefined;
    const ours = this.#mechanism.name;
    if (g.mechanism !== ours) {
      throw new ProtocolError(
        "ERR_ZMTP_MECHANISM_MISMATCH",
        `security mechanism mismatch: peer uses ${g.mechanism}, we use ${ours}`,
      );
    }
    this.#peerGreeting = g;
    this.#greeting = NO_BYTES;
    this.#mechanism.start(this.#mechanismIO);
    return bytes.subarray(take);
  }

  /** What the mechanism may do to this connection. */
  readonly #mechanismIO: MechanismIO = {
    send: (body) => {
      if (!this.#ended) this.#stream.write(encodeCommandFrame(body));
    },
    ready: (result) => this.#onHandshake(result),
    fail: (error) => this.#failWith(error),
  };

  #decode(): void {
    while (!this.#ended) {
      if (this.#ready && !this.#partial.started && this.#pipe!.alive && this.#pipe!.inbound.full) {
        this.#pauseReading();
        return;
      }
      let frame = this.#decoder.next();
      if (frame === undefined) return;
      this.#onTraffic();
      if (this.#cipher !== undefined) frame = this.#open(frame);
      if (frame.command) this.#onCommand(frame);
      else if (!this.#ready) {
        // libzmq hands it to the mechanism as a command, which does not expect it.
        throw new ProtocolError(
          "ERR_ZMTP_UNEXPECTED_COMMAND",
          "message frame before the handshake completed",
        );
      } else this.#onMessageFrame(frame);
    }
  }

  /** A sealed frame (a MESSAGE command, whatever its outer flags) opened to the frame it carries. */
  #open(frame: Frame): Frame {
    const { flags, payload } = this.#cipher!.open(frame.body);
    return {
      more: (flags & SEALED_MORE) !== 0,
      command: (flags & SEALED_COMMAND) !== 0,
      body: payload,
    };
  }

  #onMessageFrame(frame: Frame): void {
    // The socket let go of this peer (we linger to deliver what it queued): no one will read
    // these, and holding them undecoded would let a peer that never reads grow our buffer.
    if (!this.#pipe!.alive) return;
    const cap = this.#host.options.maxUndecodedBytes;
    if (
      cap > 0 && (frame.more || this.#partial.started) &&
      this.#partial.bytes + frame.body.length > cap
    ) {
      // Held whole until its last frame, it could stop reading at the cap for ever.
      throw new ProtocolError(
        "ERR_ZMTP_UNSPECIFIED",
        `a message of more than ${cap} bytes exceeds maxUndecodedBytes`,
      );
    }
    const msg = this.#partial.add(frame.body, frame.more);
    if (msg !== undefined) this.#pipe!.inbound.push(msg);
  }

  /**
   * Tells the socket's byte budget what this connection holds undecoded (bytes
   * and the frames of an unfinished message), and stops or restarts reading as
   * it says. Nothing to do while no cap is set and nothing was reported.
   */
  #account(): void {
    const limits = this.#host.limits;
    if (limits === undefined) return;
    const held = this.#decoder.buffered + this.#partial.bytes;
    if (held === this.#heldReported) return;
    if (this.#heldReported === 0 && this.#host.options.maxUndecodedBytes <= 0) return;
    this.#heldReported = held;
    this.#budgetWake ??= () => {
      if (this.#ended || !this.#budgetPaused) return;
      this.#budgetPaused = false;
      this.#applyStreamPause();
    };
    const stop = limits.hold(this, held, this.#budgetWake);
    if (stop === this.#budgetPaused) return;
    this.#budgetPaused = stop;
    this.#applyStreamPause();
  }

  /** Pauses or resumes the stream: paused while the pipe is full with bytes piling up, or at the byte cap. */
  #applyStreamPause(): void {
    const stop = this.#streamPaused || this.#budgetPaused;
    if (stop === this.#streamStopped) return;
    this.#streamStopped = stop;
    if (stop) this.#stream.pause();
    else this.#stream.resume();
  }

  #onCommand(frame: Frame): void {
    if (!this.#ready) return this.#mechanism.command(frame.body);
    const { name, data } = parseCommand(frame.body);
    switch (name) {
      case "PING": {
        const { ttl, context } = parsePing(data);
        this.#writeCommand(pongBody(context));
        if (ttl > 0 && this.#ttlTimer === undefined) {
          this.#ttlTimer = backgroundTimeout(
            () => this.#fail("timeout", new Error("heartbeat TTL expired")),
            ttl * 100,
          );
        }
        return;
      }
      case "ERROR":
        throw new ProtocolError("ERR_ZMTP_UNSPECIFIED", `peer sent ERROR: ${parseError(data)}`);
      case "SUBSCRIBE":
      case "CANCEL": {
        // Only publishers take subscriptions; elsewhere they are ignored like unknown commands.
        if (this.#host.socketType !== "PUB" && this.#host.socketType !== "XPUB") return;
        // Handed on the way 3.0 peers send them: a data message led by 1 or 0.
        const msg = new Uint8Array(data.length + 1);
        msg[0] = name === "SUBSCRIBE" ? 1 : 0;
        msg.set(data, 1);
        this.#pipe!.inbound.push([msg]);
        return;
      }
      default:
        return; // PONG, and commands we do not know, are ignored after the handshake (libzmq).
    }
  }

  /** The mechanism's handshake is complete (the mechanism checked the peer's socket type). */
  #onHandshake(result: HandshakeResult): void {
    if (this.#ended) return;
    const props = result.properties;
    const typeBytes = props["Socket-Type"];
    clearBackground(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
    const peer: PeerInfo = {
      socketType: typeBytes === undefined ? "" : decoder.decode(typeBytes),
      // Copied: a view would keep the whole read buffer it arrived in alive for the connection's life.
      identity: props["Identity"]?.slice() ?? NO_BYTES,
      remoteAddress: this.#stream.remoteAddress,
    };
    if (result.userId !== undefined) peer.userId = decoder.decode(result.userId);
    const pipe = this.#host.attach(this, peer);
    if (pipe === undefined) {
      this.close();
      return;
    }
    this.#ready = true;
    this.#cipher = this.#mechanism.cipher;
    this.#pipe = pipe;
    pipe.inbound.onWritable = () => this.#resumeReading();
    pipe.outbound.onReadable = () => this.#scheduleFlush();
    pipe.onClosed = (linger) => this.#onPipeClosed(linger);
    this.#startHeartbeats();
    this.#flush();
    this.#keepAlive();
    // A handshake that completed later than a read (after a ZAP reply) may have frames waiting;
    // one that completed during a read is decoding them already (this then finds nothing to do).
    if (this.#decoder.buffered > 0) {
      queueMicrotask(() => {
        if (this.#paused || this.#ended) return;
        try {
          this.#decode();
        } catch (e) {
          this.#failWith(e as Error);
        }
      });
    }
  }

  /**
   * The connection keeps the process alive while it has work: its handshake, messages to move,
   * bytes the stream refused, a linger; an idle one does not (liveness.ts).
   */
  #keepAlive(): void {
    if (this.#ended) return;
    if (this.#busy()) {
      if (!this.#kept) {
        this.#kept = true;
        this.#stream.keepAlive(true);
      }
      return;
    }
    // Idle: let go only if it stays idle a while. A sender goes idle after every batch, and
    // ref/unref at that rate cost Deno a sixth of its 1-byte throughput (measured).
    if (!this.#kept || this.#idleCheck !== undefined) return;
    this.#idleCheck = backgroundTimeout(() => {
      this.#idleCheck = undefined;
      if (this.#ended || this.#busy()) return;
      this.#kept = false;
      this.#stream.keepAlive(false);
    }, IDLE_BEFORE_UNREF_MS);
  }

  #busy(): boolean {
    const q = this.#pipe?.outbound;
    return !this.#ready || this.#writeBlocked || this.#lingering || (q !== undefined && q.size > 0);
  }

  /** Writes one command now, sealed when the handshake set a cipher. */
  #writeCommand(body: Uint8Array): void {
    const cipher = this.#cipher;
    this.#stream.write(
      cipher === undefined ? encodeCommandFrame(body) : sealedCommandFrame(cipher, body),
    );
  }

  /** Any frame from the peer shows it is alive. */
  #onTraffic(): void {
    if (this.#timeoutTimer !== undefined) {
      clearBackground(this.#timeoutTimer);
      this.#timeoutTimer = undefined;
    }
    if (this.#ttlTimer !== undefined) {
      clearBackground(this.#ttlTimer);
      this.#ttlTimer = undefined;
    }
  }

  #startHeartbeats(): void {
    const { heartbeatInterval, heartbeatTimeout, heartbeatTimeToLive } = this.#host.options;
    if (heartbeatInterval <= 0) return;
    const timeout = heartbeatTimeout > 0 ? heartbeatTimeout : heartbeatInterval;
    const ping = pingBody(heartbeatTimeToLive / 100);
    this.#heartbeatTimer = backgroundInterval(() => {
      if (this.#ended) return;
      this.#writeCommand(ping);
      if (this.#timeoutTimer === undefined) {
        this.#timeoutTimer = backgroundTimeout(
          () => this.#fail("timeout", new Error("heartbeat timed out: peer is silent")),
          timeout,
        );
      }
    }, heartbeatInterval);
  }

  /**
   * The pipe is full: stop decoding at once, but stop the stream only once
   * undecoded bytes pile up. Pausing and resuming a Bun socket cost a third
   * of a receiver's time when done at every high-water mark (measured), and
   * one read of small messages holds thousands of them.
   */
  #pauseReading(): void {
    this.#paused = true;
    if (!this.#streamPaused && this.#decoder.buffered >= PAUSE_STREAM_BYTES) {
      this.#streamPaused = true;
      this.#applyStreamPause();
    }
  }

  #resumeReading(): void {
    if (!this.#paused || this.#ended) return;
    this.#paused = false;
    try {
      this.#decode();
    } catch (e) {
      this.#failWith(e as Error);
      return;
    }
    if (this.#closeHeld !== undefined) {
      if (!this.#paused || this.#decoder.buffered === 0) {
        this.#end({ kind: "closed", error: this.#closeHeld.error, wasReady: this.#ready });
      }
      return;
    }
    this.#account();
    if (this.#streamPaused && this.#decoder.buffered < PAUSE_STREAM_BYTES) {
      this.#streamPaused = false;
      this.#applyStreamPause();
    }
  }

  /**
   * Flushes once the application stops adding to the queue: each microtask
   * turn that finds the queue grown waits one more turn (a sender awaiting
   * each send() adds one message per turn), up to a bound. A lone message
   * goes out two turns later; a burst goes out in one write.
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#writeBlocked) return;
    this.#flushScheduled = true;
    this.#keepAlive();
    const q = this.#pipe!.outbound;
    afterBurst(() => q.size, () => q.size < FLUSH_MESSAGES, () => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  /** Moves queued messages to the stream in batches while it takes them. */
  #flush(): void {
    const pipe = this.#pipe;
    if (pipe === undefined || this.#ended) return;
    const q = pipe.outbound;
    const cipher = this.#cipher;
    while (!this.#writeBlocked && q.size > 0) {
      // Messages, and command bodies (a subscription to a 3.1 peer).
      const batch: (Message | Uint8Array)[] = [];
      let bytes = 0;
      while (bytes < BATCH_BYTES) {
        const next = q.peek();
        if (next === undefined) break;
        if (hasLargeFrame(next) && !isSubscription(next)) {
          // Its big frames go to the stream as they are rather than copied into a batch.
          if (batch.length > 0) break;
          q.shift();
          if (cipher === undefined) this.#writeUnbatched(next);
          else this.#writeSealed(next, cipher);
          break;
        }
        const msg = q.shift()!;
        const command = this.#subscribes ? this.#subscriptionCommand(msg) : undefined;
        if (command === undefined) {
          batch.push(msg);
          bytes += cipher === undefined ? messageSize(msg) : sealedMessageSize(cipher, msg);
        } else {
          batch.push(command);
          bytes += cipher === undefined
            ? headerSize(command.length) + command.length
            : sealedMessageSize(cipher, [command]);
        }
      }
      if (batch.length === 0) continue;
      const out = batchBuffer(bytes);
      let at = 0;
      for (const m of batch) {
        if (m instanceof Uint8Array) {
          if (cipher !== undefined) at = writeSealedFrame(out, at, cipher, SEALED_COMMAND, m);
          else {
            at = writeHeader(out, at, m.length, FLAG_COMMAND);
            out.set(m, at);
            at += m.length;
          }
        } else {
          at = cipher === undefined
            ? writeMessage(out, at, m)
            : writeSealedMessage(out, at, cipher, m);
        }
      }
      if (!this.#stream.write(out)) this.#writeBlocked = true;
    }
    if (this.#lingering && q.size === 0) this.#stream.end();
    this.#keepAlive();
  }

  /** Writes a message frame by frame: headers and small frames copied together, large bodies handed over whole. */
  #writeUnbatched(msg: Message): void {
    let small: Uint8Array[] = [];
    const writeSmall = () => {
      if (small.length === 0) return;
      if (!this.#stream.write(small.length === 1 ? small[0]! : concat(...small))) {
        this.#writeBlocked = true;
      }
      small = [];
    };
    msg.forEach((body, i) => {
      const header = new Uint8Array(headerSize(body.length));
      writeHeader(header, 0, body.length, i < msg.length - 1 ? FLAG_MORE : 0);
      small.push(header);
      if (body.length < LARGE_FRAME) return small.push(body);
      writeSmall();
      if (!this.#stream.write(body)) this.#writeBlocked = true;
    });
    writeSmall();
  }

  /** A message with large frames, sealed: one buffer of its own, written as it is. */
  #writeSealed(msg: Message, cipher: FrameCipher): void {
    const out = new Uint8Array(sealedMessageSize(cipher, msg));
    writeSealedMessage(out, 0, cipher, msg);
    if (!this.#stream.write(out)) this.#writeBlocked = true;
  }

  /** Subscriptions go to 3.1 peers as commands (libzmq 4.3.3+), to 3.0 peers as data: the command's body, or undefined. */
  #subscriptionCommand(msg: Message): Uint8Array | undefined {
    if (!isSubscription(msg) || this.peerMinor === 0) return undefined;
    const body = msg[0]!;
    const topic = body.subarray(1);
    return body[0] === 1 ? subscribeBody(topic) : cancelBody(topic);
  }

  #onPipeClosed(lingerMs: number): void {
    if (this.#closeHeld !== undefined) {
      this.#end({ kind: "closed", error: this.#closeHeld.error, wasReady: this.#ready });
      return;
    }
    if (lingerMs === 0 || this.#pipe === undefined || this.#pipe.outbound.size === 0) {
      this.#stream.end();
      return;
    }
    this.#lingering = true;
    if (lingerMs > 0) this.#lingerTimer = setTimeout(() => this.close(), lingerMs);
    this.#flush();
  }

  #fail(kind: "protocol" | "timeout", error: Error): void {
    if (this.#ended) return;
    if (kind === "protocol") error = asProtocolError(error);
    this.#end({ kind, error, wasReady: this.#ready });
    this.#stream.destroy();
  }

  /**
   * Ends the connection for an error from the peer's bytes or the mechanism. After an ERROR
   * command was sent, the stream ends gracefully, so that the peer reads it.
   */
  #failWith(error: Error): void {
    if (this.#ended) return;
    if (!(error instanceof HandshakeError)) return this.#fail("protocol", error);
    this.#end({ kind: error.kind, error, status: error.status, wasReady: this.#ready });
    if (error.sentError) this.#stream.end();
    else this.#stream.destroy();
  }

  #end(end: EngineEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#mechanism.close();
    this.#zap?.close();
    clearBackground(this.#handshakeTimer);
    clearBackground(this.#heartbeatTimer);
    clearBackground(this.#timeoutTimer);
    clearBackground(this.#ttlTimer);
    clearBackground(this.#idleCheck);
    clearTimeout(this.#lingerTimer);
    if (this.#heldReported > 0) this.#host.limits?.release(this);
    const pipe = this.#pipe;
    if (pipe !== undefined) {
      pipe.inbound.onWritable = undefined;
      pipe.outbound.onReadable = undefined;
      pipe.onClosed = undefined;
    }
    this.#host.detach(this, end);
  }
}
