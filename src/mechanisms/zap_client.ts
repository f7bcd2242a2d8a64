/**
 * The mechanisms' side of ZAP (RFC 27): one DEALER per context, connected to the handler bound at
 * `inproc://zeromq.zap.01`, carries every handshake's request; replies find their handshake by
 * request id. The handler is any socket bound there (a Reply, a Router, the `Authenticator`).
 *
 * Requests are those libzmq 4.3 sends (zmtp.md §3.5): delimiter, "1.0", request id, domain, the
 * peer's IP address, the server socket's own routing id (libzmq's quirk), mechanism, credentials.
 * A reply must have the seven frames of RFC 27, version "1.0", the request id, a status of 200,
 * 300, 400 or 500 and well-formed metadata; anything else fails that handshake at once as a
 * protocol error, with the code libzmq reports for the first check that fails, in its order:
 * ERR_ZAP_MALFORMED_REPLY (not 7 frames), ERR_ZAP_UNSPECIFIED (no empty delimiter),
 * ERR_ZAP_BAD_VERSION, ERR_ZAP_BAD_REQUEST_ID, ERR_ZAP_INVALID_STATUS_CODE, ERR_ZAP_INVALID_METADATA.
 *
 * Which handshake a reply answers: libzmq gives each connection a pipe of its own to the handler,
 * so even a reply with no valid request id reaches the one that asked. Here one DEALER carries
 * them all, and the request id says: a reply that names a request still waiting answers it; one
 * that names a request no longer waited for (its connection ended) is dropped; any other (no id,
 * an id never issued) is taken as the answer to the oldest request waiting, which is exact with
 * one handshake at a time and with handlers that answer in order (a REP, a ROUTER looping over its
 * requests, the Authenticator).
 *
 * The handler may be bound in any thread of a shared context, as libzmq's context is one per
 * process: one bound in the socket's own thread is found in its registry, one bound in another
 * thread through the binding the hub publishes to every thread the moment it grants it
 * (threads/protocol.ts, `AnnouncedBinding`); the DEALER then reaches it as any cross-thread inproc
 * connect does. A handler unbound in another thread is seen as gone once the hub has heard of it;
 * until then a request is sent to it and gets no reply, as one sent to a local handler that closed
 * meanwhile: that handshake ends at its timer.
 *
 * @module
 */

import { decodeMetadata } from "../codec/metadata.ts";
import type { SocketCore } from "../socket_core.ts";
import { ProtocolError, type ProtocolErrorCode } from "../errors.ts";
import type { ZapGateway, ZapReply, ZapRequest } from "./mechanism.ts";

/** Where a ZAP handler binds (RFC 27). */
export const ZAP_ENDPOINT = "inproc://zeromq.zap.01";
const ZAP_NAME = "zeromq.zap.01";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const VERSION = encoder.encode("1.0");

/** The DEALER the client asks through: any socket of the context, as far as it is used here. */
export interface ZapLine extends AsyncIterable<Uint8Array[]> {
  readonly closed: boolean;
  connect(address: string): void;
  send(msg: Uint8Array[]): Promise<void>;
  close(): void;
}

/**
 * What the client needs of a socket's context: its inproc endpoints (where the handler is
 * bound), and a DEALER made in it with the given options. Passed in rather than imported, so
 * that this file (below the engine) imports no socket class.
 */
export interface ZapContext {
  readonly endpoints: {
    boundSocket(name: string): SocketCore | undefined;
    /** The serial of a bind of `name` in another thread of the context, if any. */
    boundElsewhere(name: string): number | undefined;
  };
  dealer(
    options: { sendHighWaterMark: number; receiveHighWaterMark: number; linger: number },
  ): ZapLine;
}

interface Waiting {
  resolve: (r: ZapReply) => void;
  reject: (e: Error) => void;
}

/** A context's line to its ZAP handler. */
class ZapClient {
  #context: ZapContext;
  #dealer: ZapLine | undefined;
  /** The handler the dealer is connected to (a socket here, a bind's serial elsewhere): a new bind needs a new connection. */
  #handler: SocketCore | number | undefined;
  #waiting = new Map<string, Waiting>();
  #next = 1;

  constructor(context: ZapContext) {
    this.#context = context;
  }

  available(): boolean {
    return this.#bound() !== undefined;
  }

  /** The handler bound now: a socket of this thread, or the serial of another thread's bind. */
  #bound(): SocketCore | number | undefined {
    const here = this.#context.endpoints.boundSocket(ZAP_NAME);
    if (here !== undefined && !here.closed) return here;
    return this.#context.endpoints.boundElsewhere(ZAP_NAME);
  }

  /** Sends a request; `ids` collects its id, so that the asker can forget it. */
  async ask(frames: Uint8Array[], ids: Set<string>): Promise<ZapReply> {
    const dealer = this.#connected();
    const id = String(this.#next++);
    ids.add(id);
    const reply = new Promise<ZapReply>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
    }).finally(() => ids.delete(id));
    await dealer.send([new Uint8Array(0), VERSION, encoder.encode(id), ...frames]);
    return reply;
  }

  /** Stops waiting for these requests' replies (their connection ended). */
  forget(ids: Set<string>): void {
    for (const id of ids) this.#waiting.delete(id);
    ids.clear();
  }

  /** The dealer, connected to the handler bound now. */
  #connected(): ZapLine {
    const handler = this.#bound();
    if (this.#dealer !== undefined && !this.#dealer.closed && handler === this.#handler) {
      return this.#dealer;
    }
    this.#dealer?.close();
    // Requests to a handler that went away get no reply: their handshakes end with a timeout.
    this.#waiting.clear();
    const dealer = this.#context.dealer({
      sendHighWaterMark: 0, // as libzmq's ZAP pipe: never full
      receiveHighWaterMark: 0,
      linger: 0,
    });
    dealer.connect(ZAP_ENDPOINT);
    this.#dealer = dealer;
    this.#handler = handler;
    this.#read(dealer);
    return dealer;
  }

  async #read(dealer: ZapLine): Promise<void> {
    try {
      for await (const msg of dealer) this.#onReply(msg);
    } catch {
      // closed with its context: the handshakes waiting end with their connections
    }
  }

  #onReply(msg: Uint8Array[]): void {
    const named = msg[2] === undefined ? undefined : decoder.decode(msg[2]);
    let id = named !== undefined && this.#waiting.has(named) ? named : undefined;
    if (id === undefined) {
      if (named !== undefined && this.#issued(named)) return; // its connection has ended
      id = this.#waiting.keys().next().value; // the oldest request waiting (module doc)
      if (id === undefined) return;
    }
    const waiting = this.#waiting.get(id)!;
    this.#waiting.delete(id);
    try {
      waiting.resolve(parseReply(msg, id));
    } catch (e) {
      waiting.reject(e as Error);
    }
  }

  /** Whether `id` is one this client gave a request (ids are 1, 2, 3 ... in decimal). */
  #issued(id: string): boolean {
    return /^[1-9][0-9]{0,15}$/.test(id) && Number(id) < this.#next;
  }
}

/**
 * Checks a reply to request `id` as libzmq does, in its order; throws a ProtocolError whose code
 * names the first thing wrong.
 */
export function parseReply(msg: Uint8Array[], id: string): ZapReply {
  const bad = (code: ProtocolErrorCode, what: string) =>
    new ProtocolError(code, `bad ZAP reply: ${what}`);
  if (msg.length !== 7) throw bad("ERR_ZAP_MALFORMED_REPLY", `${msg.length} frames instead of 7`);
  if (msg[0]!.length !== 0) throw bad("ERR_ZAP_UNSPECIFIED", "no empty delimiter");
  if (decoder.decode(msg[1]) !== "1.0") throw bad("ERR_ZAP_BAD_VERSION", "version is not 1.0");
  if (decoder.decode(msg[2]) !== id) {
    throw bad("ERR_ZAP_BAD_REQUEST_ID", "request id is not the one asked");
  }
  const status = decoder.decode(msg[3]);
  if (status !== "200" && status !== "300" && status !== "400" && status !== "500") {
    throw bad("ERR_ZAP_INVALID_STATUS_CODE", "status is not 200, 300, 400 or 500");
  }
  let metadata;
  try {
    metadata = decodeMetadata(msg[6]!);
  } catch (e) {
    throw bad("ERR_ZAP_INVALID_METADATA", `metadata: ${(e as Error).message}`);
  }
  return { status: Number(status) as ZapReply["status"], userId: msg[5]!.slice(), metadata };
}

/** One client per context, known by its inproc endpoints (one registry per context and thread). */
const clients = new WeakMap<object, ZapClient>();

/**
 * The peer's IP address as ZAP wants it: no scheme, no port, no brackets, no path; "" for ipc.
 * ws and wss peers have one too (libzmq gives their IP): without it a handler's address rules
 * (the Authenticator's deny list) did not apply to them.
 */
export function zapAddress(remoteAddress: string): string {
  const m = /^(?:tcp|wss?):\/\/(?:\[([^\]]*)\]|([^:/]*)):\d+(?:\/.*)?$/.exec(remoteAddress);
  return m === null ? "" : (m[1] ?? m[2] ?? "");
}

/**
 * The ZAP gateway for one connection of a socket in `context`.
 *
 * @example
 * ```ts
 * const zap = zapGateway(zapContext, { domain: "", enforceDomain: false, routingId, remoteAddress });
 * if (zap.available()) await zap.ask({ mechanism: "PLAIN", credentials: [user, pass] });
 * ```
 */
export function zapGateway(
  context: ZapContext,
  settings: {
    domain: string;
    enforceDomain: boolean;
    routingId: Uint8Array;
    remoteAddress: string;
  },
): ZapGateway {
  const client = () => {
    let c = clients.get(context.endpoints);
    if (c === undefined) clients.set(context.endpoints, c = new ZapClient(context));
    return c;
  };
  // Made per connection, asked rarely (never for NULL without a domain): nothing is built until asked.
  const ids = new Set<string>();
  return {
    domain: settings.domain,
    enforceDomain: settings.enforceDomain,
    available: () => client().available(),
    ask: (request: ZapRequest) =>
      client().ask([
        encoder.encode(settings.domain),
        encoder.encode(zapAddress(settings.remoteAddress)),
        settings.routingId,
        encoder.encode(request.mechanism),
        ...request.credentials,
      ], ids),
    close: () => {
      if (ids.size > 0) client().forget(ids);
    },
  };
}
