/**
 * A socket of a context with a backend (libzmq): making the backend's socket with the socket's
 * options, and keeping it told of the socket types' own options, which are plain fields of
 * their classes.
 *
 * @module
 */

import type { NativeContext, NativeSocket, NativeSocketListener } from "./backend.ts";
import type { SocketOptionRecord } from "./socket_options.ts";

/** Socket types' own options (plain fields of their classes) that a backend is told about. */
const TYPE_OPTIONS = [
  "conflate",
  "probeRouter",
  "invertMatching",
  "noDrop",
  "manual",
  "verbosity",
  "welcomeMessage",
  "mandatory",
  "handover",
  "correlate",
  "relaxed",
];

/**
 * @internal Makes the backend's socket and gives it every option at once: the defaults and the
 * choices together, then the raw ones by number (`nativeOptions`), then security.
 *
 * @example
 * ```ts
 * const native = openNative(context.native, "PUSH", listener, record, undefined);
 * ```
 */
export function openNative(
  context: NativeContext,
  type: string,
  listener: NativeSocketListener,
  record: SocketOptionRecord,
  nativeOptions: Record<number, number | string | Uint8Array> | undefined,
): NativeSocket {
  const native = context.socket(type, listener);
  try {
    for (const [k, v] of Object.entries(nativeOptions ?? {})) native.setRawOption(Number(k), v);
    for (const [k, v] of Object.entries(record.options)) native.setOption(k, v);
    if (record.security.changed) native.setOption("security", record.security.settings());
  } catch (e) {
    native.close(0);
    throw e;
  }
  return native;
}

/**
 * @internal The socket types' own options as last given to a backend: before each use of the
 * socket, the ones that changed are given again.
 *
 * @example
 * ```ts
 * const typeOptions = new TypeOptionSync();
 * typeOptions.sync(socket, native); // before a send
 * ```
 */
export class TypeOptionSync {
  #sent = new Map<string, unknown>();
  /** The TYPE_OPTIONS this socket's type has (its fields exist once its constructor has run). */
  #names: string[] | undefined;

  /** Gives `native` those of `owner`'s fields that changed since the last call. */
  sync(owner: object, native: NativeSocket): void {
    // Which of them this type has, found once: this runs before every send and receive.
    this.#names ??= TYPE_OPTIONS.filter((name) => name in owner);
    for (const name of this.#names) {
      const value = (owner as Record<string, unknown>)[name];
      if (this.#sent.get(name) === value) continue;
      native.setOption(name, value);
      this.#sent.set(name, value);
    }
  }
}
