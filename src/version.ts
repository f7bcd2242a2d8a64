/**
 * Which libzmq zmq-ts behaves as, its own version, and what this build can do: zeromq.js's
 * `version` and `capability`, plus `packageVersion`.
 *
 * @module
 */

import process from "node:process";

/**
 * The libzmq version whose behaviour zmq-ts follows, as zeromq.js's `version` is the libzmq it
 * was built with: code (and zeromq.js's own tests) compare it with semver to decide what to
 * expect. zmq-ts's own version is {@link packageVersion}.
 *
 * @example
 * ```ts
 * import { version } from "@zmq-ts/zmq";
 * const [major, minor] = version.split(".").map(Number);
 * console.log(major === 4 && minor! >= 3); // true
 * ```
 */
export const version: string = "4.3.5";

/**
 * zmq-ts's own version, the one JSR publishes (deno.json's `version`; a test keeps the two equal).
 *
 * @example
 * ```ts
 * import { packageVersion } from "@zmq-ts/zmq";
 * console.log(`zmq-ts ${packageVersion}`);
 * ```
 */
export const packageVersion: string = "0.1.0";

/** What a build of ZeroMQ can do, with zeromq.js's keys. */
export interface Capability {
  /** `ipc://` endpoints (unix domain sockets; reported false on Windows, where they are untested). */
  ipc: boolean;
  /** `pgm://` and `epgm://` multicast. */
  pgm: boolean;
  /** `tipc://` endpoints. */
  tipc: boolean;
  /** `norm://` endpoints. */
  norm: boolean;
  /** The CURVE security mechanism (and PLAIN and ZAP, which every build has). */
  curve: boolean;
  /** The GSSAPI security mechanism. */
  gssapi: boolean;
  /** Draft socket types (Server, Client, Radio, Dish, ...). */
  draft: boolean;
}

/**
 * What the TypeScript core can do, as zeromq.js reports what its libzmq was built with. (The
 * libzmq backend passes `tipc://` and `pgm://` endpoints through to the system's libzmq.)
 *
 * @example
 * ```ts
 * import { capability } from "@zmq-ts/zmq";
 * const endpoint = capability.ipc ? "ipc:///tmp/feed.sock" : "tcp://127.0.0.1:5556";
 * ```
 */
export const capability: Readonly<Capability> = Object.freeze({
  ipc: process.platform !== "win32",
  pgm: false,
  tipc: false,
  norm: false,
  curve: true, // with libsodium-wrappers, the one dependency, loaded by the first CURVE handshake
  gssapi: false,
  draft: false,
});
