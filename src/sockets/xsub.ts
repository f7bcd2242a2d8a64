/**
 * XSUB: a subscriber whose subscriptions are messages it sends (a frame led
 * by 1 subscribes, by 0 unsubscribes), forwarded to every publisher; other
 * messages it sends go upstream to all of them. It receives everything its
 * publishers send, unfiltered. With XPUB, it makes a pub-sub proxy.
 *
 * @module
 */

import type { Message, Pipe } from "../pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { FanOut } from "../routing/fan_out.ts";
import { TopicTrie } from "../routing/topic_trie.ts";
import { parseSubscription, subscriptionMessage } from "../routing/subscription.ts";
import { registerSocketType, Socket, type SocketConstructorOptions } from "../socket.ts";

/**
 * An extended subscriber socket (XSUB): subscriptions are messages it sends.
 *
 * @example
 * ```ts
 * const xsub = new XSubscriber();
 * xsub.connect("tcp://127.0.0.1:5556");
 * await xsub.send(new Uint8Array([1])); // subscribe to everything
 * const msg = await xsub.receive();
 * ```
 */
export class XSubscriber extends Socket {
  /** The ZMTP socket type. */
  readonly type: string = "XSUB";
  /** @internal The topics subscribed to, counted: SUB and XSUB resend them to each publisher they meet. */
  protected readonly topics: TopicTrie = new TopicTrie();
  /** @internal The fair queue of incoming messages. */
  protected readonly incoming: FairQueue = new FairQueue();
  #out = new FanOut();

  /**
   * Makes a socket of this type; pass any socket option, and this type's own, as fields.
   * (`type` is for {@link Subscriber}, which is built on this one.)
   */
  constructor(options?: SocketConstructorOptions, type: "XSUB" | "SUB" = "XSUB") {
    super(type, options);
    // Sealed once built (zeromq.js): a typo in an option name throws instead of adding a field.
    if (new.target === XSubscriber) Object.seal(this);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected attachPipe(pipe: Pipe): void {
    this.incoming.add(pipe);
    this.#out.add(pipe);
    this.#resubscribe(pipe);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected detachPipe(pipe: Pipe): void {
    this.incoming.release(pipe);
    this.#out.remove(pipe);
  }

  /** @internal A pipe has messages again: it gets turns in the fair queue. */
  protected override pipeReadable(pipe: Pipe): void {
    this.incoming.activate(pipe);
  }

  /** @internal After a reconnect the publisher knows nothing of us: start again from our topics. */
  protected override pipeHiccuped(pipe: Pipe): void {
    pipe.outbound.clear();
    this.#resubscribe(pipe);
  }

  #resubscribe(pipe: Pipe): void {
    for (const topic of this.topics.topics()) pipe.outbound.push(subscriptionMessage(true, topic));
  }

  /**
   * Counts a (un)subscription in and tells the publishers: every subscribe,
   * and an unsubscribe only when it was the topic's last (libzmq).
   * Subscriptions are never dropped at the high-water mark.
   */
  protected changeSubscription(subscribe: boolean, topic: Uint8Array): void {
    const native = this.native;
    if (native !== undefined) return native.subscription(subscribe, topic);
    if (subscribe) this.topics.add(topic);
    else if (!this.topics.remove(topic)) return;
    this.#out.forceToAll(subscriptionMessage(subscribe, topic));
  }

  /** @internal A routing hook of {@link Socket}. */
  protected trySend(msg: Message): boolean {
    const sub = msg.length === 1 ? parseSubscription(msg[0]!) : undefined;
    if (sub !== undefined) this.changeSubscription(sub.subscribe, sub.topic);
    else this.#out.sendToAll(msg); // upstream to every publisher; a full one misses it
    return true;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected tryReceive(): Message | undefined {
    return this.incoming.receive();
  }

  /** @internal A routing hook of {@link Socket}. */
  protected hasReadable(): boolean {
    return this.incoming.readable;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected hasWritable(): boolean {
    return true;
  }
}

registerSocketType(10, XSubscriber);
