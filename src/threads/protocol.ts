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

/**
 * The one name whose binder every thread must know at once: the ZAP handler's (RFC 27). A handler
 * bound in any thread judges the sockets of every thread, as libzmq's per-process context does,
 * and a mechanism asks whether one is bound synchronously, in the middle of a handshake.
 */
export const ANNOUNCED_NAME = "zeromq.zap.01";

/**
 * Who binds {@link ANNOUNCED_NAME}, shared by every thread of a context: the hub stores there the
 * serial of the bind it granted (1, 2, 3 ... one per bind), or 0 while nobody binds it. Shared
 * memory, not a message, so that a thread sees a grant the moment the hub makes it: before the
 * binder's bind() resolves, so before anything its program does next.
 */
export type AnnouncedBinding = Int32Array;

/** Makes the shared cell of {@link AnnouncedBinding} (the hub does, once per context). */
export function announcedBinding(): AnnouncedBinding {
  // A web page that is not cross-origin isolated has no SharedArrayBuffer (nor rings to carry a
  // cross-thread connect): the cell is then this thread's alone, and making a handle still works.
  const shared = typeof SharedArrayBuffer === "function";
  return new Int32Array(shared ? new SharedArrayBuffer(4) : new ArrayBuffer(4));
}

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
  /** A bind's answer; `serial` for a grant of {@link ANNOUNCED_NAME} (see {@link AnnouncedBinding}). */
  | { t: "bound"; req: number; error?: string; serial?: number }
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
  /**
   * Who binds the ZAP handler's name: one Int32 in shared memory, the same for every thread
   * (none for a backend's context).
   */
  announced?: Int32Array;
  /** A backend's context (libzmq), shared by address instead of through a hub. */
  native?: SharedNativeContext;
}
