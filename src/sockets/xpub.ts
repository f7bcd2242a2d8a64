/**
 * XPUB: a publisher that also hands its subscribers' (un)subscriptions to
 * the application, as messages led by 1 or 0 (zmtp.md §4.6), and passes on
 * any other message sent upstream (from an XSUB). Used to build proxies and
 * last-value caches.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { asBytes } from "../options.ts";
import type { Message, Pipe } from "../pipe.ts";
import { FanOut } from "../routing/fan_out.ts";
import { SubscriberTrie } from "../routing/subscriber_trie.ts";
import { readSubscriptions, subscriptionMessage } from "../routing/subscription.ts";
import { registerSocketType, Socket, type SocketConstructorOptions } from "../socket.ts";

/** Which subscription changes XPUB reports (libzmq's XPUB_VERBOSE / XPUB_VERBOSER). */
export type XPublisherVerbosity = null | "allSubs" | "allSubsUnsubs";

/** XPUB's own options. */
export interface XPublisherOptions {
  /** At a subscriber's high-water mark, wait (or fail with EAGAIN) instead of dropping. */
  noDrop: boolean;
  /**
   * Leave subscriptions to the application: each one received is reported,
   * and takes effect only when the application calls {@link XPublisher.subscribe}.
   */
  manual: boolean;
  /** Queued first to every new subscriber (its SUB must subscribe to it to see it). */
  welcomeMessage: string | Uint8Array | null;
  /** Send to the subscribers whose subscriptions do not match. */
  invertMatching: boolean;
  /**
   * null: report a subscription only when it is new to this socket, and an
   * unsubscription when no one is left; "allSubs": report every subscription;
   * "allSubsUnsubs": every subscription and unsubscription.
   */
  verbosity: XPublisherVerbosity;
}

/**
 * An extended publisher socket (XPUB): also hands subscriptions to the application.
 *
 * @example
 * ```ts
 * const xpub = new XPublisher({ verbosity: "allSubs" });
 * await xpub.bind("tcp://*:5557");
 * const [sub] = await xpub.receive(); // [1, ...topic] or [0, ...topic]
 * await xpub.send(["topic", "data"]);
 * ```
 */
export class XPublisher extends Socket {
  /** The ZMTP socket type. */
  readonly type = "XPUB";
  /** As in {@link XPublisherOptions.noDrop}. */
  noDrop: boolean;
  /** As in {@link XPublisherOptions.manual}. */
  manual: boolean;
  /** As in {@link XPublisherOptions.welcomeMessage}. */
  welcomeMessage: string | Uint8Array | null;
  /** As in {@link XPublisherOptions.invertMatching}. */
  invertMatching: boolean;
  /** As in {@link XPublisherOptions.verbosity}. */
  verbosity: XPublisherVerbosity;
  #subscribers = new SubscriberTrie();
  /** In manual mode, what each pipe asked for, so its leaving can be reported. */
  #requested = new SubscriberTrie();
  #out = new FanOut();
  /**
   * Reports and upstream messages for the application; a report names the
   * pipe it came from (none when the pipe has gone).
   */
  #pending: { msg: Message; report: boolean; pipe: Pipe | undefined }[] = [];
  #lastPipe: Pipe | undefined;

  /** Makes a socket of this type; pass any socket option, and this type's own, as fields. */
  constructor(
    {
      noDrop = false,
      manual = false,
      welcomeMessage = null,
      invertMatching = false,
      verbosity = null,
      ...options
    }: SocketConstructorOptions & Partial<XPublisherOptions> = {},
  ) {
    super("XPUB", options);
    this.noDrop = noDrop;
    this.manual = manual;
    this.welcomeMessage = welcomeMessage;
    this.invertMatching = invertMatching;
    this.verbosity = verbosity;
    // Sealed once built (zeromq.js): a typo in an option name throws instead of adding a field.
    if (new.target === XPublisher) Object.seal(this);
  }

  /**
   * Manual mode: subscribes the subscriber whose subscription was received
   * last to each topic (libzmq's ZMQ_SUBSCRIBE on an XPUB). Throws EINVAL
   * when the socket is not `manual`.
   *
   * @example
   * ```ts
   * const [req] = await xpub.receive();
   * if (req![0] === 1) xpub.subscribe(req!.subarray(1));
   * ```
   */
  subscribe(...topics: (string | Uint8Array)[]): void {
    this.#manualChange(true, topics);
  }

  /** Manual mode: the reverse of {@link subscribe}, for the same subscriber. */
  unsubscribe(...topics: (string | Uint8Array)[]): void {
    this.#manualChange(false, topics);
  }

  #manualChange(subscribe: boolean, topics: (string | Uint8Array)[]): void {
    if (!this.manual) {
      // Only a manual XPUB subscribes for its subscribers; libzmq refuses the option otherwise.
      throw zmqError(
        "EINVAL",
        `${
          subscribe ? "subscribe" : "unsubscribe"
        }() applies a subscriber's request: only a manual XPUB takes it`,
      );
    }
    const native = this.native;
    if (native !== undefined) {
      for (const t of topics.length === 0 ? [""] : topics) {
        native.subscription(subscribe, asBytes(t));
      }
      return;
    }
    const pipe = this.#lastPipe;
    if (pipe === undefined) return;
    for (const t of topics.length === 0 ? [""] : topics) {
      const topic = asBytes(t);
      if (subscribe) this.#subscribers.add(topic, pipe);
      else this.#subscribers.remove(topic, pipe);
    }
  }

  /** @internal A routing hook of {@link Socket}. */
  protected attachPipe(pipe: Pipe): void {
    this.#out.add(pipe);
    const welcome = this.welcomeMessage;
    if (welcome !== null && welcome.length > 0) {
      pipe.outbound.push([asBytes(welcome)]);
    }
  }

  /** @internal A routing hook of {@link Socket}. */
  protected detachPipe(pipe: Pipe): void {
    if (!this.#out.pipes.has(pipe)) return;
    this.#out.remove(pipe);
    if (this.#lastPipe === pipe) this.#lastPipe = undefined;
    const report = (topic: Uint8Array) => this.#report(false, topic, undefined);
    if (this.manual) {
      this.#requested.removePipe(pipe, report);
      this.#subscribers.removePipe(pipe);
    } else {
      const always = this.verbosity === "allSubsUnsubs";
      this.#subscribers.removePipe(pipe, (topic, last) => (last || always) && report(topic));
    }
  }

  /** @internal A routing hook of {@link Socket}. */
  protected override pipeReadable(pipe: Pipe): void {
    for (let msg = pipe.inbound.shift(); msg !== undefined; msg = pipe.inbound.shift()) {
      const upstream = readSubscriptions(
        msg,
        (subscribe, topic) => this.#onSubscription(pipe, subscribe, topic),
      );
      if (upstream !== undefined) {
        this.#pending.push({ msg: upstream, report: false, pipe: undefined });
      }
    }
  }

  #onSubscription(pipe: Pipe, subscribe: boolean, topic: Uint8Array): void {
    if (this.manual) {
      if (subscribe) this.#requested.add(topic, pipe);
      else this.#requested.remove(topic, pipe);
      return this.#report(subscribe, topic, pipe);
    }
    let notify: boolean;
    if (subscribe) {
      notify = this.#subscribers.add(topic, pipe) || this.verbosity !== null;
    } else {
      notify = this.#subscribers.remove(topic, pipe) !== "valuesRemain" ||
        this.verbosity === "allSubsUnsubs";
    }
    if (notify) this.#report(subscribe, topic, pipe);
  }

  #report(subscribe: boolean, topic: Uint8Array, pipe: Pipe | undefined): void {
    // A copy: the topic may be a view into a read buffer that is reused.
    const msg = subscriptionMessage(subscribe, topic);
    this.#pending.push({ msg: [msg[0]!], report: true, pipe });
  }

  /** @internal A routing hook of {@link Socket}. */
  protected trySend(msg: Message): boolean {
    return this.#out.publish(msg, this.#subscribers, this.invertMatching, this.noDrop);
  }

  /** @internal A routing hook of {@link Socket}. */
  protected tryReceive(): Message | undefined {
    const next = this.#pending.shift();
    if (next === undefined) return undefined;
    // A report of a subscriber that left clears the last pipe, so that mirroring
    // it with unsubscribe() touches no one else (libzmq).
    if (this.manual && next.report) {
      this.#lastPipe = next.pipe !== undefined && this.#out.pipes.has(next.pipe)
        ? next.pipe
        : undefined;
    }
    return next.msg;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected hasReadable(): boolean {
    return this.#pending.length > 0;
  }

  /** @internal A routing hook of {@link Socket}. */
  protected hasWritable(): boolean {
    return !this.noDrop || this.#out.hasRoom(this.#out.pipes);
  }
}

registerSocketType(9, XPublisher);
