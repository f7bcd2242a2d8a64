/**
 * Picks this runtime's tcp/ipc adapter. The only place that asks which runtime it is.
 *
 * @module
 */

import type { StreamTransport } from "./stream.ts";
import { denoTransport } from "./deno.ts";
import { bunTransport } from "./bun.ts";

/** The adapter for Deno or Bun; throws elsewhere. */
export function runtimeTransport(): StreamTransport {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Bun !== undefined) return bunTransport;
  if (g.Deno !== undefined) return denoTransport;
  throw new Error("zmq-ts runs on Deno or Bun: no tcp/ipc transport for this runtime");
}
