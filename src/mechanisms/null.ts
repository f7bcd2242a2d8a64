/**
 * The NULL mechanism (RFC 23 §"The NULL Security Mechanism", RFC 37): each side sends READY with
 * its metadata as soon as the greetings are done, and accepts the peer's READY before or after
 * its own (libzmq is symmetric on 3.0 and 3.1). With a ZAP domain set, READY waits for the ZAP
 * handler's 200 (zmtp.md §3.5).
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

/**
 * NULL: no roles, no credentials.
 *
 * @example
 * ```ts
 * const m = new NullMechanism({ socketType: "PUSH", identity: undefined, accepts: () => true, zap: undefined });
 * m.start({ send: (body) => stream.write(encodeCommandFrame(body)), ready, fail });
 * ```
 */
export class NullMechanism implements Mechanism {
  readonly name = "NULL";
  readonly asServer = false;
  readonly cipher = undefined;
  #ctx: MechanismContext;
  #io: MechanismIO | undefined;
  #readySent = false;
  #peer: Metadata | undefined;
  #zap: ZapReply | undefined;
  #closed = false;

  constructor(ctx: MechanismContext) {
    this.#ctx = ctx;
  }

  start(io: MechanismIO): void {
    this.#io = io;
    if (!mustAskZap(this.#ctx.zap, "null")) return this.#sendReady();
    askZap(this.#ctx.zap!, { mechanism: "NULL", credentials: [] }, io, () => !this.#closed)
      .then((reply) => {
        if (reply === undefined) return;
        this.#zap = reply;
        this.#sendReady();
      });
  }

  command(body: Uint8Array): void {
    const { name, data } = readCommand(body);
    if (this.#peer !== undefined) {
      throw new ProtocolError("ERR_ZMTP_UNEXPECTED_COMMAND", `unexpected ${name} after READY`);
    }
    if (name === "ERROR") throw peerError(data);
    if (name !== "READY") throw unexpected(name, "NULL");
    this.#peer = peerProperties(data, this.#ctx);
    this.#finish();
  }

  close(): void {
    this.#closed = true;
  }

  #sendReady(): void {
    const { socketType, identity } = this.#ctx;
    this.#io!.send(commandBody("READY", socketMetadata(socketType, identity)));
    this.#readySent = true;
    this.#finish();
  }

  #finish(): void {
    if (!this.#readySent || this.#peer === undefined || this.#closed) return;
    this.#io!.ready({
      properties: this.#peer,
      userId: this.#zap?.userId,
      zapProperties: this.#zap?.metadata,
    });
  }
}
