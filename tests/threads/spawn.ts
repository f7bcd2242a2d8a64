/** Starting the Workers of the cross-thread tests (tests/threads/peer_worker.ts by default). */
import type { Context } from "../../mod.ts";
import { startWorker } from "../../workers/mod.ts";
import { within } from "../helpers/timeout.ts";

const peer = new URL("./peer_worker.ts", import.meta.url);

/**
 * Starts a Worker (`module`, the peer Worker by default) playing `data.role`; `next()` resolves
 * with its next report, `tell()` sends it a command.
 */
export function spawn(ctx: Context, data: Record<string, unknown>, module: URL = peer) {
  const worker = startWorker(module, { context: ctx, data });
  const reports: unknown[] = [];
  const waiters: ((r: any) => void)[] = [];
  worker.onmessage = (e) => {
    const w = waiters.shift();
    if (w) w(e.data);
    else reports.push(e.data);
  };
  const next = (what: string, ms = 10000): Promise<any> =>
    within(
      reports.length > 0 ? Promise.resolve(reports.shift()) : new Promise((r) => waiters.push(r)),
      ms,
      what,
    );
  return { worker, next, tell: (c: unknown) => worker.postMessage(c) };
}
