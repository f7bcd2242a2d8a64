/**
 * Registers CURVE's client and server with the mechanism factory. Imported by mod.ts (for Deno and
 * Bun); the browser build leaves it out, and with it CURVE and its cryptography library.
 *
 * @module
 */

import { CurveClient } from "./curve_client.ts";
import { CurveServer } from "./curve_server.ts";
import { supportCurve } from "./factory.ts";

supportCurve({
  client: (ctx, keys) => new CurveClient(ctx, keys),
  server: (ctx, secretKey) => new CurveServer(ctx, secretKey),
});
