/**
 * A ZWS client over the runtime's own tcp stream: the WebSocket upgrade and framing are done here
 * (codec/websocket.ts) instead of by the runtime's WebSocket client. Deno uses it: its WebSocket
 * client leaves Nagle's algorithm on, so each message of two frames or more (every REQ request)
 * waited for the delayed ACK of its first frame, about 40 ms (measured: 22 round trips a second),
 * and it can neither ping nor stop reading. Over tcp this client also offers "ZWS2.0/NULL" as
 * libzmq does (the standard API refuses the "/"), sends heartbeats as WebSocket pings, and pushes
 * back: a paused engine pauses the tcp stream, as over tcp itself.
 *
 * @module
 */

import { wsAddress } from "../endpoint.ts";
import { zwsOffer } from "../codec/zws.ts";
import {
  checkAnswer,
  clientFrame,
  newKey,
  OP_BINARY,
  OP_CLOSE,
  OP_CONTINUATION,
  OP_PING,
  OP_PONG,
  OP_TEXT,
  parseAnswer,
  upgradeRequest,
  WsFrameDecoder,
} from "../codec/websocket.ts";
import type { Stream, StreamAddress, StreamTransport } from "./stream.ts";
import { backgroundTimeout, type BackgroundTimer, clearBackground } from "../liveness.ts";
import type { WsAddress } from "./ws_web.ts";
import { type WsConnection, ZwsStream } from "./zws_stream.ts";

type TcpAddress = Extract<StreamAddress, { transport: "tcp" }>;

/** A message split in fragments is refused past this size. */
const MAX_MESSAGE = 0x7fff_ffff;
/**
 * Or past this many fragments: empty ones add no bytes, and a server sending them forever grew
 * the list without end. (libzmq refuses fragments outright; RFC 6455 allows them.)
 */
const MAX_FRAGMENTS = 65_536;
/** RFC 6455 §5.5: a control frame's payload is at most 125 bytes. */
const MAX_CONTROL_PAYLOAD = 125;

/**
 * Connects to a ws:// endpoint over `tcp`; resolves with the ZWS stream once the upgrade is
 * answered and checked. (wss needs TLS, which the tcp adapters do not have: the runtime's client
 * serves it.)
 *
 * @example
 * ```ts
 * const stream = await connectOverTcp(addr, denoTransport);
 * ```
 */
export async function connectOverTcp(
  addr: WsAddress,
  tcp: StreamTransport<TcpAddress>,
): Promise<Stream> {
  const url = wsAddress(addr.secure, addr.host, addr.port, addr.path);
  const offer = zwsOffer(addr.settings.mechanism, false);
  const stream = await tcp.connect({ transport: "tcp", host: addr.host, port: addr.port });
  const key = newKey();
  const host = addr.host.includes(":")
    ? `[${addr.host}]:${addr.port}`
    : `${addr.host}:${addr.port}`;
  stream.write(upgradeRequest(host, addr.path, key, offer));
  return new Promise((resolve, reject) => {
    let head = new Uint8Array(0);
    let checking = false;
    let timer: BackgroundTimer | undefined;
    const fail = (e: Error) => {
      clearBackground(timer);
      stream.destroy();
      reject(new Error(`WebSocket to ${url} failed: ${e.message}`, { cause: e }));
    };
    // A server that takes the connection and never answers must not hold the connect forever:
    // the engine's handshake timer starts only once the upgrade is done.
    const limit = addr.settings.handshakeInterval ?? 0;
    if (limit > 0) {
      timer = backgroundTimeout(
        () => fail(new Error(`no answer to the upgrade in ${limit} ms`)),
        limit,
      );
    }
    stream.onClose = (e) => {
      clearBackground(timer);
      reject(new Error(`${url} closed the connection during the upgrade`, { cause: e }));
    };
    stream.onData = (bytes) => {
      const all = new Uint8Array(head.length + bytes.length);
      all.set(head);
      all.set(bytes, head.length);
      head = all;
      if (checking) return; // bytes after the head, kept until the answer is checked
      let parsed;
      try {
        parsed = parseAnswer(head);
      } catch (e) {
        return fail(e as Error);
      }
      if (parsed === undefined) return;
      checking = true;
      checkAnswer(parsed.answer, key, offer).then(
        (protocol) => {
          clearBackground(timer);
          const connection = new TcpWebSocket(stream);
          const zws = new ZwsStream(connection, protocol, url, addr.settings);
          connection.attach(zws, head.subarray(parsed.rest));
          resolve(zws);
        },
        fail,
      );
    };
  });
}

/** RFC 6455's client side over a tcp stream, as the ZWS stream wants a WebSocket. */
class TcpWebSocket implements WsConnection {
  readonly reportsDrain = true;
  #stream: Stream;
  #zws: ZwsStream | undefined;
  #decoder = new WsFrameDecoder();
  #blocked = false;
  #closeSent = false;
  #closeCode = 1006;
  #closeReason = "";
  /** While corked: frames written since, as one run of a slab when they lie end to end. */
  #corked = false;
  #run: Uint8Array | undefined;
  #fragments: Uint8Array[] | undefined;
  #fragmentBytes = 0;
  #fragmentText = false;

  constructor(stream: Stream) {
    this.#stream = stream;
  }

  /** Starts feeding `zws`, first with the bytes that came after the upgrade's head. */
  attach(zws: ZwsStream, rest: Uint8Array): void {
    this.#zws = zws;
    this.#stream.onDrain = () => {
      this.#blocked = false;
      zws.handleDrain();
    };
    this.#stream.onClose = () => zws.handleClose(this.#closeCode, this.#closeReason);
    this.#stream.onData = (b) => this.#onData(b);
    if (rest.length > 0) this.#onData(rest.slice());
  }

  get bufferedAmount(): number {
    return this.#blocked ? Number.MAX_SAFE_INTEGER : 0;
  }

  send(message: Uint8Array): void {
    this.#write(OP_BINARY, message);
  }

  ping(): void {
    this.#write(OP_PING, new Uint8Array(0));
  }

  close(code: number, reason: string): void {
    if (this.#closeSent) return;
    const text = new TextEncoder().encode(reason).subarray(0, 123);
    const payload = new Uint8Array(2 + text.length);
    payload[0] = code >> 8;
    payload[1] = code & 0xff;
    payload.set(text, 2);
    this.#write(OP_CLOSE, payload);
    this.#closeSent = true;
    this.#closeCode = code;
    this.#stream.end();
  }

  keepAlive(keep: boolean): void {
    this.#stream.keepAlive(keep);
  }

  pause(): void {
    this.#stream.pause();
  }

  resume(): void {
    this.#stream.resume();
  }

  cork(): void {
    this.#corked = true;
  }

  uncork(): void {
    this.#corked = false;
    this.#flushRun();
  }

  /**
   * Frames go to the stream as they are made, or while corked as runs: consecutive small frames
   * are carved one after another from the same slab, so a batch of them is one view, one write.
   */
  #write(opcode: number, payload: Uint8Array): void {
    if (this.#closeSent) return;
    const frame = clientFrame(opcode, payload);
    const run = this.#run;
    if (!this.#corked) {
      this.#flushRun();
      this.#out(frame);
    } else if (
      run !== undefined && run.buffer === frame.buffer &&
      run.byteOffset + run.length === frame.byteOffset
    ) {
      this.#run = new Uint8Array(run.buffer, run.byteOffset, run.length + frame.length);
    } else {
      this.#flushRun();
      this.#run = frame;
    }
  }

  #flushRun(): void {
    const run = this.#run;
    this.#run = undefined;
    if (run !== undefined) this.#out(run);
  }

  #out(bytes: Uint8Array): void {
    if (!this.#stream.write(bytes)) this.#blocked = true;
  }

  #onData(bytes: Uint8Array): void {
    const zws = this.#zws!;
    this.#decoder.push(bytes);
    try {
      for (let f = this.#decoder.next(); f !== undefined; f = this.#decoder.next()) {
        if (f.opcode >= OP_CLOSE) {
          if (!f.fin) throw new Error("a fragmented control frame");
          if (f.payload.length > MAX_CONTROL_PAYLOAD) {
            throw new Error(`a control frame of ${f.payload.length} bytes (at most 125)`);
          }
          if (f.opcode === OP_CLOSE && f.payload.length === 1) {
            throw new Error("a close frame with a one-byte payload");
          }
        }
        switch (f.opcode) {
          case OP_BINARY:
          case OP_TEXT:
            if (this.#fragments !== undefined) {
              throw new Error("a new message inside a fragmented one");
            }
            if (f.fin) this.#deliver(f.opcode === OP_TEXT, f.payload);
            else {
              this.#fragments = [f.payload];
              this.#fragmentBytes = f.payload.length;
              this.#fragmentText = f.opcode === OP_TEXT;
            }
            break;
          case OP_CONTINUATION:
            if (this.#fragments === undefined) throw new Error("a continuation with no message");
            if (this.#fragments.length >= MAX_FRAGMENTS) {
              throw new Error(`a message in more than ${MAX_FRAGMENTS} fragments`);
            }
            this.#fragments.push(f.payload);
            this.#fragmentBytes += f.payload.length;
            if (this.#fragmentBytes > MAX_MESSAGE) {
              throw new Error("a fragmented message over 2 GiB");
            }
            if (f.fin) {
              const whole = new Uint8Array(this.#fragmentBytes);
              let at = 0;
              for (const p of this.#fragments) (whole.set(p, at), at += p.length);
              this.#fragments = undefined;
              this.#deliver(this.#fragmentText, whole);
            }
            break;
          case OP_PING:
            this.#write(OP_PONG, f.payload);
            break;
          case OP_PONG:
            zws.handlePong();
            break;
          case OP_CLOSE:
            this.#closeCode = f.payload.length >= 2 ? (f.payload[0]! << 8) | f.payload[1]! : 1005;
            this.#closeReason = new TextDecoder().decode(f.payload.subarray(2));
            if (!this.#closeSent) {
              this.#write(OP_CLOSE, f.payload.subarray(0, 2));
              this.#closeSent = true;
            }
            this.#stream.end();
            return;
          default:
            throw new Error(`unknown opcode ${f.opcode}`);
        }
      }
    } catch (e) {
      zws.handleBadInput(`bad WebSocket framing from the server: ${(e as Error).message}`);
    }
  }

  #deliver(text: boolean, payload: Uint8Array): void {
    this.#zws!.handleMessage(text ? new TextDecoder().decode(payload) : payload);
  }
}
