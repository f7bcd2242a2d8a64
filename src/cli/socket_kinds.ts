/**
 * The socket types the `zmq` command can make, by the names an operator types (libzmq's `req`,
 * `pub`, ... or zeromq.js's `request`, `publisher`, ...), and which way each one's messages go.
 *
 * @module
 */

import type { Socket, SocketConstructorOptions } from "../socket.ts";
import { Dealer } from "../sockets/dealer.ts";
import { Pair } from "../sockets/pair.ts";
import { Publisher } from "../sockets/pub.ts";
import { Pull } from "../sockets/pull.ts";
import { Push } from "../sockets/push.ts";
import { Reply } from "../sockets/reply.ts";
import { Request } from "../sockets/request.ts";
import { Router } from "../sockets/router.ts";
import { Subscriber } from "../sockets/sub.ts";
import { XPublisher } from "../sockets/xpub.ts";
import { XSubscriber } from "../sockets/xsub.ts";

/**
 * How the command drives a socket: `request` sends one message and prints its reply, in turn;
 * `reply` prints each request and answers it; the others send what they are given and print what
 * arrives, each where the type allows.
 */
export type SocketRole = "request" | "reply" | "send" | "receive" | "both";

/** One socket type as the command knows it. */
export interface SocketKind {
  /** libzmq's name, lower case (`req`, `pub`, ...). */
  name: string;
  /** zeromq.js's class name, lower case (`request`, `publisher`, ...). */
  alias: string;
  /** How the command drives it. */
  role: SocketRole;
  /** Makes one. */
  make(options: SocketConstructorOptions): Socket;
}

/** Every socket type the command can make, in the order `--help` lists them. */
export const SOCKET_KINDS: readonly SocketKind[] = [
  { name: "req", alias: "request", role: "request", make: (o) => new Request(o) },
  { name: "rep", alias: "reply", role: "reply", make: (o) => new Reply(o) },
  { name: "dealer", alias: "dealer", role: "both", make: (o) => new Dealer(o) },
  { name: "router", alias: "router", role: "both", make: (o) => new Router(o) },
  { name: "pub", alias: "publisher", role: "send", make: (o) => new Publisher(o) },
  { name: "sub", alias: "subscriber", role: "receive", make: (o) => new Subscriber(o) },
  { name: "xpub", alias: "xpublisher", role: "both", make: (o) => new XPublisher(o) },
  { name: "xsub", alias: "xsubscriber", role: "both", make: (o) => new XSubscriber(o) },
  { name: "push", alias: "push", role: "send", make: (o) => new Push(o) },
  { name: "pull", alias: "pull", role: "receive", make: (o) => new Pull(o) },
  { name: "pair", alias: "pair", role: "both", make: (o) => new Pair(o) },
];

/**
 * The socket type called `name` (either name, any case), or undefined.
 *
 * @example
 * ```ts
 * socketKind("REQ")?.role; // "request"
 * ```
 */
export function socketKind(name: string): SocketKind | undefined {
  const wanted = name.toLowerCase();
  return SOCKET_KINDS.find((k) => k.name === wanted || k.alias === wanted);
}
