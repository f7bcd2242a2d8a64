/**
 * The mechanism a connection runs, chosen by the socket's security options (as libzmq chooses:
 * the mechanism and the server role come from local options only, never from the peer's greeting).
 *
 * @module
 */

import type { SecuritySettings } from "../security/options.ts";
import { HandshakeError, type Mechanism, type MechanismContext } from "./mechanism.ts";
import { NullMechanism } from "./null.ts";
import { PlainClient, PlainServer } from "./plain.ts";

/** CURVE's two sides, as curve_support.ts registers them. */
export interface CurveSides {
  client(
    ctx: MechanismContext,
    keys: { publicKey: Uint8Array | undefined; secretKey: Uint8Array; serverKey: Uint8Array },
  ): Mechanism;
  server(ctx: MechanismContext, secretKey: Uint8Array): Mechanism;
}

/**
 * CURVE is registered by src/mechanisms/curve_support.ts, which mod.ts imports: the browser build
 * (browser.ts, whose WebSockets carry no mechanism) then bundles neither CURVE nor, through its
 * dynamic import, the cryptography library.
 */
let curve: CurveSides | undefined;

/** Makes CURVE available to the factory (curve_support.ts calls it). */
export function supportCurve(sides: CurveSides): void {
  curve = sides;
}

/**
 * Makes the mechanism for one connection; `undefined` settings (inproc between threads) is NULL
 * with no ZAP, as libzmq has no mechanism on inproc.
 *
 * @example
 * ```ts
 * const mechanism = createMechanism(socketSecurity.settings(), { socketType: "REQ", identity, accepts, zap });
 * stream.write(encodeGreeting(mechanism.name, mechanism.asServer));
 * ```
 */
export function createMechanism(
  settings: SecuritySettings | undefined,
  ctx: MechanismContext,
): Mechanism {
  if (settings === undefined || settings.mechanism === "null") return new NullMechanism(ctx);
  if (settings.mechanism === "plain") {
    if (settings.asServer) return new PlainServer(ctx);
    const none = new Uint8Array(0);
    return new PlainClient(ctx, settings.username ?? none, settings.password ?? none);
  }
  const { publicKey, secretKey, serverKey } = settings;
  if (curve === undefined) {
    return refused("CURVE is not in this build (import the package's mod.ts)");
  }
  if (settings.asServer) {
    return secretKey === undefined
      ? refused("a CURVE server needs curveSecretKey")
      : curve.server(ctx, secretKey);
  }
  if (secretKey === undefined || serverKey === undefined) {
    return refused("a CURVE client needs curveSecretKey and curveServerKey");
  }
  return curve.client(ctx, { publicKey, secretKey, serverKey });
}

/** A CURVE mechanism that cannot run: it says why when the handshake starts. */
function refused(why: string): Mechanism {
  return {
    name: "CURVE",
    asServer: false,
    cipher: undefined,
    start() {
      throw new HandshakeError(why, "other");
    },
    command() {},
    close() {},
  };
}
