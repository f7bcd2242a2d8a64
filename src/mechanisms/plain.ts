/**
 * The PLAIN mechanism (RFC 24): a username and password in clear text, judged by the server's ZAP
 * handler. `C:HELLO S:WELCOME C:INITIATE S:READY`, or `S:ERROR` instead of WELCOME or READY.
 * As libzmq: the server consults ZAP for every client and refuses all when no handler is bound;
 * WELCOME must be exactly `07 WELCOME`; HELLO must be exactly as long as its two fields say.
 *
 * @module
 */

import { commandBody, socketMetadata } from "../codec/command.ts";
import type { Metadata } from "../codec/metadata.ts";
import { ProtocolError } from "../errors.ts";
import {
  type Mechanism,
  type MechanismContext,
  type MechanismIO,
  peerError,
  peerProperties,
  readCommand,
  unexpected,
  type ZapReply,
} from "./mechanism.ts";
import { askZap, mustAskZap } from "./zap_policy.ts";

function ourMetadata(ctx: MechanismContext): Uint8Array {
  return socketMetadata(ctx.socketType, ctx.identity);
}

/** HELLO's data: username and password, each with a length byte. */
export function helloData(username: Uint8Array, password: Uint8Array): Uint8Array {
  const data = new Uint8Array(2 + username.length + password.length);
  data[0] = username.length;
  data.set(username, 1);
  data[1 + username.length] = password.length;
  data.set(password, 2 + username.length);
  return data;
}

/**
 * libzmq 4.3's PLAIN server writes its ERROR command as `5E 52 52 4F 52 len reason`: its C string
 * "\x05ERROR" reads as the hex escape \x5E followed by "RROR", so the name-length byte is lost
 * (plain_common.hpp, still so on libzmq master). Its own PLAIN client expects exactly that; ours
 * accepts it beside the correct `05 ERROR`. We send the correct form, which a libzmq PLAIN client
 * reports as a protocol error rather than an authentication failure (it is refused either way).
 */
function isLibzmqPlainError(body: Uint8Array): boolean {
  return body.length >= 6 && body[0] === 0x5e && body[1] === 0x52 && body[2] === 0x52 &&
    body[3] === 0x4f && body[4] === 0x52;
}

/**
 * The client: sends its credentials and waits to be let in.
 *
 * @example
 * ```ts
 * const m = new PlainClient(ctx, new TextEncoder().encode("admin"), new TextEncoder().encode("secret"));
 * ```
 */
export class PlainClient implements Mechanism {
  readonly name = "PLAIN";
  readonly asServer = false;
  readonly cipher = undefined;
  #ctx: MechanismContext;
  #hello: Uint8Array | undefined;
  #io: MechanismIO | undefined;
  #state: "welcome" | "ready" | "done" = "welcome";

  constructor(ctx: MechanismContext, username: Uint8Array, password: Uint8Array) {
    this.#ctx = ctx;
    this.#hello = commandBody("HELLO", helloData(username, password));
  }

  start(io: MechanismIO): void {
    this.#io = io;
    io.send(this.#hello!);
    this.#hello = undefined; // the credentials are kept no longer than needed
  }

  command(body: Uint8Array): void {
    if (isLibzmqPlainError(body) && this.#state !== "done") throw peerError(body.subarray(5));
    const { name, data } = readCommand(body);
    if (name === "ERROR" && this.#state !== "done") throw peerError(data);
    if (this.#state === "welcome" && name === "WELCOME") {
      if (data.length !== 0) {
        throw new ProtocolError("ERR_ZMTP_MALFORMED_COMMAND_WELCOME", "malformed WELCOME");
      }
      this.#state = "ready";
      this.#io!.send(commandBody("INITIATE", ourMetadata(this.#ctx)));
      return;
    }
    if (this.#state === "ready" && name === "READY") {
      this.#state = "done";
      this.#io!.ready({ properties: peerProperties(data, this.#ctx) });
      return;
    }
    throw unexpected(name, "PLAIN");
  }

  close(): void {
    this.#hello = undefined;
  }
}

/**
 * The server: hands the client's credentials to ZAP, and lets it in on 200.
 *
 * @example
 * ```ts
 * const m = new PlainServer(ctx); // ctx.zap reaches the handler at inproc://zeromq.zap.01
 * ```
 */
export class PlainServer implements Mechanism {
  readonly name = "PLAIN";
  readonly asServer = true;
  readonly cipher = undefined;
  #ctx: MechanismContext;
  #io: MechanismIO | undefined;
  #state: "hello" | "zap" | "initiate" | "done" = "hello";
  #zap: ZapReply | undefined;
  #closed = false;

  constructor(ctx: MechanismContext) {
    this.#ctx = ctx;
  }

  start(io: MechanismIO): void {
    this.#io = io;
  }

  command(body: Uint8Array): void {
    const { name, data } = readCommand(body);
    if (this.#state === "hello" && name === "HELLO") return this.#onHello(data);
    if (this.#state === "initiate" && name === "INITIATE") {
      const properties: Metadata = peerProperties(data, this.#ctx);
      this.#state = "done";
      this.#io!.send(commandBody("READY", ourMetadata(this.#ctx)));
      this.#io!.ready({
        properties,
        userId: this.#zap?.userId,
        zapProperties: this.#zap?.metadata,
      });
      return;
    }
    if (this.#state === "zap") {
      // As libzmq: a command while the ZAP handler decides fits no state of the server.
      throw new ProtocolError("ERR_ZMTP_UNSPECIFIED", `${name} while the ZAP handler decides`);
    }
    throw unexpected(name, "PLAIN");
  }

  close(): void {
    this.#closed = true;
  }

  #onHello(data: Uint8Array): void {
    const userLen = data[0];
    if (userLen === undefined || data.length < 2 + userLen) {
      throw new ProtocolError(
        "ERR_ZMTP_MALFORMED_COMMAND_HELLO",
        "malformed HELLO: no username or password",
      );
    }
    const passLen = data[1 + userLen]!;
    if (data.length !== 2 + userLen + passLen) {
      throw new ProtocolError(
        "ERR_ZMTP_MALFORMED_COMMAND_HELLO",
        "malformed HELLO: its fields do not add up to its length",
      );
    }
    mustAskZap(this.#ctx.zap, "plain");
    this.#state = "zap";
    const credentials = [
      data.slice(1, 1 + userLen),
      data.slice(2 + userLen, 2 + userLen + passLen),
    ];
    askZap(this.#ctx.zap!, { mechanism: "PLAIN", credentials }, this.#io!, () => !this.#closed)
      .then((reply) => {
        if (reply === undefined) return;
        this.#zap = reply;
        this.#state = "initiate";
        this.#io!.send(commandBody("WELCOME"));
      });
  }
}
