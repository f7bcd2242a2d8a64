/**
 * A socket's option record: zmq-ts's own options (options.ts), zeromq.js's compatibility options
 * (options_compat.ts) and the security options (security/options.ts), read and checked by name
 * in one place. The socket turns each name into a property and applies what a change means
 * (new high-water marks on live pipes, the backend told).
 *
 * @module
 */

import {
  compatDefaults,
  type CompatOptions,
  IMMEDIATE_OPTIONS,
  validateCompatOption,
  warnNextConnect,
} from "./options_compat.ts";
import { defaultOptions, type SocketOptions, validateOption } from "./options.ts";
import {
  isSecurityOption,
  SECURITY_OPTIONS,
  type SecurityOptions,
  SecurityState,
} from "./security/options.ts";

/** Every option name a socket has as a property. */
export const OPTION_NAMES: readonly string[] = [
  ...Object.keys(defaultOptions("")),
  ...Object.keys(compatDefaults()),
  ...SECURITY_OPTIONS,
];

/** Which record an option lives in: it decides what a change must be followed by. */
export type OptionKind = "socket" | "compat" | "security";

/**
 * @internal The options of one socket.
 *
 * @example
 * ```ts
 * const record = new SocketOptionRecord("PUSH");
 * record.set("sendHighWaterMark", 10, false); // "socket"
 * record.get("sendHighWaterMark");            // 10
 * ```
 */
export class SocketOptionRecord {
  /** zmq-ts's own options, read by the engine, connecters and bindings. */
  readonly options: SocketOptions;
  /** The security options, combined by libzmq's rules. */
  readonly security: SecurityState = new SecurityState();
  #compat: CompatOptions = compatDefaults();

  constructor(socketType: string) {
    this.options = defaultOptions(socketType);
  }

  /** zeromq.js's options that libzmq has and zmq-ts keeps (ZMQ_SOCKS_PROXY among them). */
  get compat(): Readonly<CompatOptions> {
    return this.#compat;
  }

  /** An option's value by name (keys read as Z85). */
  get(name: string): unknown {
    if (isSecurityOption(name)) return this.security.get(name as keyof SecurityOptions);
    if (name in this.options) return this.options[name as keyof SocketOptions];
    return this.#compat[name as keyof CompatOptions];
  }

  /**
   * Checks and stores an option, and says which record it went to. `late`: the socket is
   * already bound or connected, so an option that applies at the next bind or connect gets
   * zeromq.js's warning. `beforeStore` runs once the value is checked and before a socket
   * option is stored (a backend that refuses it leaves the record as it was). Throws a
   * TypeError for a name no socket has.
   */
  set(
    name: string,
    value: unknown,
    late: boolean,
    beforeStore?: (kind: OptionKind) => void,
  ): OptionKind {
    let kind: OptionKind;
    if (isSecurityOption(name)) {
      this.security.set(name as keyof SecurityOptions, value);
      kind = "security";
    } else if (name in this.options) {
      validateOption(name as keyof SocketOptions, value);
      kind = "socket";
    } else if (name in this.#compat) {
      value = validateCompatOption(name as keyof CompatOptions, value);
      kind = "compat";
    } else {
      throw new TypeError(`unknown socket option "${name}"`);
    }
    if (late && !IMMEDIATE_OPTIONS.has(name)) warnNextConnect();
    beforeStore?.(kind);
    if (kind === "socket") (this.options as unknown as Record<string, unknown>)[name] = value;
    if (kind === "compat") (this.#compat as unknown as Record<string, unknown>)[name] = value;
    return kind;
  }
}
