/**
 * PUB (RFC 29): sends each message to every subscriber whose subscription
 * is a prefix of its first frame. A subscriber at its high-water mark misses
 * messages; the publisher never waits for it (unless `noDrop`). PUB cannot
 * receive: what subscribers send is read only for their subscriptions.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message, Pipe } from "../pipe.ts";
import { FanOut } from "../routing/fan_out.ts";
import { SubscriberTrie } from "../routing/subscriber_trie.ts";
import { readSubscriptions } from "../routing/subscription.ts";
import { registerSocketType, Socket, type SocketConstructorOptions } from "../socket.ts";

/** PUB's own options. */
export interface PublisherOptions {
  /** At a subscriber's high-water mark, wait (or fail with EAGAIN) instead of dropping. */
  noDrop: boolean;
  /** Keep only the newest message in each queue. */
  conflate: boolean;
  /** Send to the subscribers whose subscriptions do not match (their SUB must invert too). */
  invertMatching: boolean;
}

/**
 * A publisher socket (PUB): sends each message to every subscriber whose prefix matches.
 *
 * @example
 * ```ts
 * const pub = new Publisher();
 * await pub.bind("tcp://*:5556");
 * await pub.send(["weather.paris", "21C"]);
 * ```
 */
export class Publisher extends Socket {
  /** The ZMTP socket type. */
  readonly type = "PUB";
  /** As in {@link PublisherOptions.noDrop}. */
  noDrop: boolean;
  /** As in {@link PublisherOptions.conflate}. */
  conflate: boolean;
  /** As in {@link PublisherOptions.invertMatching}. */
  invertMatching: boolean;
  #subscribers = new SubscriberTrie();
  #out = new FanOut();

  /** Makes a socket of this type; pass any socket option, and this type's own, as fields. */
  constructor(
    { noDrop = false, conflate = false, invertMatching = false, ...options }:
      & SocketConstructorOptions
      & Partial<PublisherOptions> = {},
  ) {
    super("PUB", options);
    this.noDrop = noDrop;
    this.conflate = conflate;
    this.invertMatching = invertMatching;
    // Sealed once built (zeromq.js): a typo in an option name throws instead of adding a field.
    if (new.target === Publisher) Object.seal(this);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected override conflates(): boolean {
    return this.conflate;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected attachPipe(pipe: Pipe): void {
    this.#out.add(pipe);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected detachPipe(pipe: Pipe): void {
    this.#subscribers.removePipe(pipe);
    this.#out.remove(pipe);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected override pipeReadable(pipe: Pipe): void {
    for (let msg = pipe.inbound.shift(); msg !== undefined; msg = pipe.inbound.shift()) {
      // Anything that is not a subscription is dropped: PUB has no one to give it to.
      readSubscriptions(msg, (subscribe, topic) => {
        if (subscribe) this.#subscribers.add(topic, pipe);
        else this.#subscribers.remove(topic, pipe);
      });
    }
  }

  /** @internal A routing hook of {@link Socket}. */
  protected trySend(msg: Message): boolean {
    return this.#out.publish(msg, this.#subscribers, this.invertMatching, this.noDrop);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected tryReceive(): Message | undefined {
    throw zmqError("ENOTSUP", "Operation not supported: a PUB socket cannot receive");
  }

  /** @internal A routing hook of {@link Socket}. */
  protected hasReadable(): boolean {
    return false;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected hasWritable(): boolean {
    return !this.noDrop || this.#out.hasRoom(this.#out.pipes);
  }
}

registerSocketType(1, Publisher);
