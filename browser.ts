/**
 * zmq-ts for web pages: every socket type, connecting over ws:// and wss:// (ZWS 2.0, RFC 45) to
 * zmq-ts or libzmq servers, and inproc between sockets of the page. One ES module, built by the
 * runtimes' own bundlers (`bun build --target browser`, `deno bundle --platform browser`); nothing
 * in it reaches a Deno or Bun API, and nothing runs at load time. Binding (listening) needs Deno
 * or Bun: a page can bind inproc only.
 *
 * A browser's WebSocket offers only the subprotocol "ZWS2.0" (no mechanism): the server learns
 * the page's routing id, not its socket type.
 *
 * @example
 * ```ts
 * import { Subscriber } from "@zmq-ts/zmq/browser";
 * const sub = new Subscriber();
 * sub.subscribe("ticks");
 * sub.connect("ws://example.com:8080/pub");
 * for await (const [, body] of sub) console.log(new TextDecoder().decode(body));
 * ```
 *
 * @module
 */

export { Context, context, type ContextHandle, defaultContext } from "./src/context.ts";
export type { ContextOptions } from "./src/context_options.ts";
export type { CompatOptions, RawOptionAccessors } from "./src/options_compat.ts";
export { type ErrorCode, ProtocolError, type ProtocolErrorCode, ZmqError } from "./src/errors.ts";
export {
  type EndEvent,
  type EndpointEvent,
  type EventOfType,
  type EventType,
  Observer,
  type SocketEvent,
} from "./src/observer.ts";
export type { SocketOptions } from "./src/options.ts";
export type { Message } from "./src/pipe.ts";
export { type MessageLike, Socket, type SocketConstructorOptions } from "./src/socket.ts";
export { Pair } from "./src/sockets/pair.ts";
export { Pull } from "./src/sockets/pull.ts";
export { Push } from "./src/sockets/push.ts";
export { Dealer, type DealerOptions } from "./src/sockets/dealer.ts";
export { Router, type RouterConnectOptions, type RouterOptions } from "./src/sockets/router.ts";
export { Request, type RequestOptions } from "./src/sockets/request.ts";
export { Reply } from "./src/sockets/reply.ts";
export { Publisher, type PublisherOptions } from "./src/sockets/pub.ts";
export { Subscriber, type SubscriberOptions } from "./src/sockets/sub.ts";
export {
  XPublisher,
  type XPublisherOptions,
  type XPublisherVerbosity,
} from "./src/sockets/xpub.ts";
export { XSubscriber } from "./src/sockets/xsub.ts";
export { Poller, type PollEvents, type PollItem } from "./src/poller.ts";
export { Proxy, proxy, type ProxySideStatistics, type ProxyStatistics } from "./src/proxy.ts";
