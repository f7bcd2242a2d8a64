/**
 * Picks this runtime's tcp/ipc adapter. The only place that asks which runtime it is.
 *
 * @module
 */

import type { StreamTransport } from "./stream.ts";
import { denoTransport } from "./deno.ts";
import { bunTransport } from "./bun.ts";

/**
 * Received frames shorter than this are better copied than viewed: on Bun a
 * fresh tiny array costs a third of a subarray view (measured: 22 vs 68 ns at
 * 8 bytes, even at 64), while on Deno every new typed array is an off-heap
 * allocation (1.3 us) and a view costs 40 ns.
 */
export function frameCopyLimit(): number {
  return (globalThis as { Bun?: unknown }).Bun !== undefined ? 32 : 0;
}

/** The adapter for Deno or Bun; throws elsewhere. */
export function runtimeTransport(): StreamTransport {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Bun !== undefined) return bunTransport;
  if (g.Deno !== undefined) return denoTransport;
  throw new Error("zmq-ts runs on Deno or Bun: no tcp/ipc transport for this runtime");
}
