/**
 * SUB (RFC 29): receives the messages whose first frame starts with one of
 * its subscriptions. It tells each publisher what it wants (so they filter
 * at the source) and filters again itself. It cannot send.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message } from "../pipe.ts";
import { registerSocketType, type SocketConstructorOptions } from "../socket.ts";
import { XSubscriber } from "./xsub.ts";
import { asBytes } from "../options.ts";

/** SUB's own options. */
export interface SubscriberOptions {
  /** Keep only the newest message in each queue. */
  conflate: boolean;
  /** Receive the messages that match no subscription instead (the PUB must invert too). */
  invertMatching: boolean;
}

/**
 * A subscriber socket (SUB): receives what matches its subscriptions.
 *
 * @example
 * ```ts
 * const sub = new Subscriber();
 * sub.connect("tcp://127.0.0.1:5556");
 * sub.subscribe("weather.");
 * for await (const [topic, data] of sub) console.log(topic, data);
 * ```
 */
export class Subscriber extends XSubscriber {
  /** The ZMTP socket type. */
  override readonly type: string = "SUB";
  /** As in {@link SubscriberOptions.conflate}. */
  conflate: boolean;
  /** As in {@link SubscriberOptions.invertMatching}. */
  invertMatching: boolean;

  /** Makes a socket of this type; pass any socket option, and this type's own, as fields. */
  constructor(
    { conflate = false, invertMatching = false, ...options }:
      & SocketConstructorOptions
      & Partial<SubscriberOptions> = {},
  ) {
    super(options, "SUB");
    this.conflate = conflate;
    this.invertMatching = invertMatching;
    // Sealed once built (zeromq.js): a typo in an option name throws instead of adding a field.
    if (new.target === Subscriber) Object.seal(this);
  }

  /**
   * Receives messages whose first frame starts with any of `prefixes`; with
   * none, every message. Subscribing twice to a prefix needs two unsubscribes.
   *
   * @example
   * ```ts
   * sub.subscribe("A", "B");
   * sub.subscribe(); // everything
   * ```
   */
  subscribe(...prefixes: (string | Uint8Array)[]): void {
    for (const p of prefixes.length === 0 ? [""] : prefixes) {
      this.changeSubscription(true, asBytes(p));
    }
  }

  /** Drops one subscription to each of `prefixes` (with none, the subscription to everything). */
  unsubscribe(...prefixes: (string | Uint8Array)[]): void {
    for (const p of prefixes.length === 0 ? [""] : prefixes) {
      this.changeSubscription(false, asBytes(p));
    }
  }

  /** @internal A routing hook of {@link Socket}. */
  protected override conflates(): boolean {
    return this.conflate;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected override trySend(_msg: Message): boolean {
    throw zmqError("ENOTSUP", "Operation not supported: a SUB socket cannot send; use subscribe()");
  }

  /** @internal A routing hook of {@link Socket}. */
  protected override tryReceive(): Message | undefined {
    for (;;) {
      const msg = this.incoming.receive();
      if (msg === undefined || this.topics.matches(msg[0]!) !== this.invertMatching) return msg;
    }
  }

  /** @internal A routing hook of {@link Socket}. */
  protected override hasReadable(): boolean {
    // A message that does not match would be dropped by receive(), so look at what is queued.
    return this.incoming.readableWhere((msg) =>
      this.topics.matches(msg[0]!) !== this.invertMatching
    );
  }

  /** @internal A routing hook of {@link Socket}. */
  protected override hasWritable(): boolean {
    return false;
  }
}

registerSocketType(2, Subscriber);
