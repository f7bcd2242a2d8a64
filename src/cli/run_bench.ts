/**
 * `zmq bench thr|lat`: one side of the benchmark pair, to run against the other side elsewhere
 * (as libzmq's local_thr and remote_thr), or both sides in this process over tcp loopback.
 *
 * @module
 */

import { Context } from "../context.ts";
import { ZmqError } from "../errors.ts";
import type { BenchCommand } from "./args.ts";
import {
  type LatencyResult,
  receiveThroughput,
  replyLatency,
  requestLatency,
  sendThroughput,
  type ThroughputResult,
} from "./bench.ts";
import type { CliOutput } from "./io.ts";

/**
 * A result as one line: readable text, or the JSON object bench/ programs print.
 *
 * @example
 * ```ts
 * formatResult({ kind: "latency", size: 64, count: 1000, bad: 0, one_way_us: 31.5 }, "text");
 * // "latency: 64 B, 1000 round trips: 31.5 µs one way"
 * ```
 */
export function formatResult(result: ThroughputResult | LatencyResult, format: string): string {
  if (format === "json") return JSON.stringify(result);
  const bad = result.bad > 0 ? ` (${result.bad} of the wrong size)` : "";
  if (result.kind === "throughput") {
    return `throughput: ${result.size} B, ${result.count} messages: ` +
      `${result.msgs_per_s} msg/s, ${result.mb_per_s} MB/s${bad}`;
  }
  return `latency: ${result.size} B, ${result.count} round trips: ${result.one_way_us} µs one way${bad}`;
}

/**
 * Runs `zmq bench`. Resolves with the exit status.
 *
 * @example
 * ```ts
 * const status = await runBench(command, processOutput());
 * ```
 */
export async function runBench(cmd: BenchCommand, out: CliOutput): Promise<number> {
  const context = new Context();
  const spec = { endpoint: cmd.endpoint, size: cmd.size, count: cmd.count, context };
  const bound = (endpoint: string) =>
    out.note(`zmq: bound ${endpoint} (waiting for the other side)`);
  let result: ThroughputResult | LatencyResult | undefined;
  try {
    switch (cmd.role) {
      case "recv":
        result = await receiveThroughput(spec, bound);
        break;
      case "send":
        (await sendThroughput(spec)).close(); // lingers until the receiver has everything
        break;
      case "rep":
        (await replyLatency(spec, bound)).close();
        break;
      case "req":
        result = await requestLatency(spec);
        break;
      case undefined:
        result = cmd.which === "thr" ? await throughputHere(spec) : await latencyHere(spec);
    }
  } catch (e) {
    if (!(e instanceof ZmqError)) throw e;
    out.note(`zmq: bench ${cmd.which}: ${e.message}`);
    return 1;
  } finally {
    await context.shutdown();
  }
  if (result !== undefined) out.line(formatResult(result, cmd.format));
  return result !== undefined && result.bad > 0 ? 1 : 0;
}

type Spec = Parameters<typeof receiveThroughput>[0];

/** Both sides of the throughput benchmark in this process: the sender starts once bound. */
async function throughputHere(spec: Spec): Promise<ThroughputResult> {
  let sending: ReturnType<typeof sendThroughput> | undefined;
  const result = await receiveThroughput(spec, (endpoint) => {
    sending = sendThroughput({ ...spec, endpoint });
  });
  (await sending!).close();
  return result;
}

/** Both sides of the latency benchmark in this process: the requester starts once bound. */
async function latencyHere(spec: Spec): Promise<LatencyResult> {
  let requesting: Promise<LatencyResult> | undefined;
  const rep = await replyLatency(spec, (endpoint) => {
    requesting = requestLatency({ ...spec, endpoint });
  });
  rep.close();
  return requesting!;
}
