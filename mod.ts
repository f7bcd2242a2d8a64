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

export type {
  Backend,
  NativeContext,
  NativeSocket,
  NativeSocketListener,
  SharedNativeContext,
} from "./src/backend.ts";
// What runs anywhere (the sockets, Context, Poller, proxy, errors, events) is browser.ts's; this
// entry adds what needs Deno or Bun.
export * from "./browser.ts";
export { Stream, type StreamConnectOptions, type StreamOptions } from "./src/sockets/stream.ts";
export { shutdownOnSignals, type ShutdownOptions } from "./src/shutdown.ts";
export { type Capability, capability, packageVersion, version } from "./src/version.ts";
export { attachWebSocket, type WebSocketEndpoint } from "./src/ws_attach.ts";
// CURVE's mechanisms, which the browser build (browser.ts) leaves out.
import "./src/mechanisms/curve_support.ts";
export { z85Decode, z85Encode } from "./src/codec/z85.ts";
export { type CurveKeyPair, curveKeyPair, curvePublicKey } from "./src/security/keys.ts";
export { type CurveCryptoBackend, curveCryptoBackend } from "./src/security/crypto.ts";
export type { CurveKey, SecurityMechanism, SecurityOptions } from "./src/security/options.ts";
export {
  type AuthDecision,
  Authenticator,
  type AuthenticatorOptions,
  type AuthRequest,
} from "./src/security/authenticator.ts";
