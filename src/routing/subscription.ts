/**
 * Subscriptions as messages: a frame led by 1 subscribes to the topic that
 * follows it, a frame led by 0 unsubscribes (RFC 29; ZMTP 3.1 peers send
 * SUBSCRIBE/CANCEL commands, which the engine hands over in this form).
 *
 * @module
 */

import { asSubscription, type Message } from "../pipe.ts";

/** The message that subscribes to (or with `subscribe` false, cancels) `topic`. */
export function subscriptionMessage(subscribe: boolean, topic: Uint8Array): Message {
  const frame = new Uint8Array(topic.length + 1);
  frame[0] = subscribe ? 1 : 0;
  frame.set(topic, 1);
  return asSubscription([frame]);
}

/** The (un)subscription a frame carries, if it carries one. */
export function parseSubscription(
  frame: Uint8Array,
): { subscribe: boolean; topic: Uint8Array } | undefined {
  if (frame.length === 0 || frame[0]! > 1) return undefined;
  return { subscribe: frame[0] === 1, topic: frame.subarray(1) };
}

/**
 * Applies each (un)subscription frame of a message that came upstream to a
 * publisher, and returns its other frames: a user message, or undefined if
 * none is left. Like libzmq, every frame is examined, not only the first.
 *
 * @example
 * ```ts
 * const rest = readSubscriptions(msg, (subscribe, topic) => console.log(subscribe, topic));
 * ```
 */
export function readSubscriptions(
  msg: Message,
  apply: (subscribe: boolean, topic: Uint8Array) => void,
): Message | undefined {
  let rest: Message | undefined;
  for (const frame of msg) {
    const sub = parseSubscription(frame);
    if (sub !== undefined) apply(sub.subscribe, sub.topic);
    else (rest ??= []).push(frame);
  }
  return rest;
}
