/**
 * zmq-ts: ZeroMQ in TypeScript for Deno and Bun, speaking ZMTP 3.1 so that it
 * talks to libzmq 4.x and every binding built on it. The API follows
 * zeromq.js v6.
 *
 * @example
 * ```ts
 * import { Pull, Push } from "@zmq-ts/zmq";
 * const pull = new Pull();
 * await pull.bind("tcp://127.0.0.1:*");
 * const push = new Push();
 * push.connect(pull.lastEndpoint!);
 * await push.send("hello");
 * const [msg] = await pull.receive();
 * push.close();
 * pull.close();
 * ```
 *
 * @module
 */

export { Context, context, type ContextHandle, defaultContext } from "./src/context.ts";
export type { ContextOptions } from "./src/context_options.ts";
export type { CompatOptions, RawOptionAccessors } from "./src/options_compat.ts";
export type {
  Backend,
  NativeContext,
  NativeSocket,
  NativeSocketListener,
  SharedNativeContext,
} from "./src/backend.ts";
export { type ErrorCode, ZmqError } from "./src/errors.ts";
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
export { Stream, type StreamConnectOptions, type StreamOptions } from "./src/sockets/stream.ts";
export { Poller, type PollEvents, type PollItem } from "./src/poller.ts";
export { Proxy, proxy, type ProxySideStatistics, type ProxyStatistics } from "./src/proxy.ts";
export { shutdownOnSignals, type ShutdownOptions } from "./src/shutdown.ts";
export { type Capability, capability, packageVersion, version } from "./src/version.ts";
export { attachWebSocket, type WebSocketEndpoint } from "./src/ws_attach.ts";
