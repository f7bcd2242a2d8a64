/**
 * The messages threads of one shared Context exchange about inproc
 * endpoints. Every thread talks to the hub, which lives in the thread that
 * made the Context and decides who has bound which name; the messages of a
 * connection then go directly between the two threads, over shared rings.
 *
 * @module
 */

import type { RingEnd } from "../transports/shared_ring.ts";
import type { SharedNativeContext } from "../backend.ts";
import type { Hello } from "./ring_pipe.ts";

/** What a connecting socket tells the binder about itself before the handshake. */
export interface Offer {
  /** A connection id, unique in the process. */
  conn: string;
  name: string;
  /** The thread the connecting socket lives in. */
  from: string;
  /** The connecting socket, as the binder must know it. */
  hello: Hello;
}

/** From a thread to the hub. */
export type ToHub =
  | { t: "bind"; name: string; thread: string; req: number }
  | { t: "unbind"; name: string; thread: string }
  | ({ t: "connect" } & Offer)
  | { t: "cancel"; conn: string }
  /** An offer reached a thread that no longer binds its name: the hub finds it another binder. */
  | { t: "decline"; conn: string }
  /** The binder's half of the rings, for the connecting thread, with the binding socket's hello. */
  | { t: "ring"; conn: string; to: string; from: string; end: RingEnd; hello: Hello }
  /** A thread made a handle for another thread: here is that thread's port. */
  | { t: "adopt"; thread: string; port: MessagePort }
  | { t: "gone"; thread: string }
  | { t: "terminate" };

/** From the hub to a thread. */
export type ToThread =
  | { t: "bound"; req: number; error?: string }
  | ({ t: "offer" } & Offer)
  | { t: "ring"; conn: string; from: string; end: RingEnd; hello: Hello }
  | { t: "gone"; thread: string }
  | { t: "terminate" };

/** The ports a message carries, for postMessage's transfer list. */
export function transfers(msg: ToHub | ToThread): Transferable[] {
  if (msg.t === "ring") return [msg.end.port];
  if (msg.t === "adopt") return [msg.port];
  return [];
}

/**
 * What a Worker receives to join a Context: structured-cloneable, with its
 * port in the transfer list (see `workers/`).
 */
export interface ContextHandle {
  /** The context's id, the same in every thread. */
  id: string;
  /** The id the receiving thread will have. */
  thread: string;
  /** Its line to the hub (none for a backend's context). */
  port: MessagePort | undefined;
  /** A backend's context (libzmq), shared by address instead of through a hub. */
  native?: SharedNativeContext;
}
