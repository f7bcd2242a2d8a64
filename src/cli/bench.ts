/**
 * The benchmark pair, measured as libzmq's perf programs measure it (local_thr/remote_thr,
 * local_lat/remote_lat): throughput is PUSH to PULL, timed from the first message received to the
 * last; latency is REQ/REP round trips, the first one untimed, reported one way. Used by
 * `zmq bench` and by bench/thr.ts and bench/lat.ts.
 *
 * @module
 */

import type { Context } from "../context.ts";
import type { SecurityOptions } from "../security/options.ts";
import { Pull } from "../sockets/pull.ts";
import { Push } from "../sockets/push.ts";
import { Reply } from "../sockets/reply.ts";
import { Request } from "../sockets/request.ts";

/** One side of a benchmark: where, how big, how many, and on which context. */
export interface BenchSpec {
  /** The receiving (or replying) side binds here; the other connects. */
  endpoint: string;
  /** Bytes per message. */
  size: number;
  /** Messages, or round trips. */
  count: number;
  /** The context (default: the default context). */
  context?: Context;
  /** Security options for this side's socket (e.g. CURVE keys; see bench/curve.mjs). */
  options?: Partial<SecurityOptions>;
  /** The sender sends a string of `size` ASCII characters instead of bytes (bench/inproc_threads.mjs). */
  strings?: boolean;
}

/** What the receiving side of the throughput benchmark measured. */
export interface ThroughputResult {
  /** Always "throughput". */
  kind: "throughput";
  /** Bytes per message. */
  size: number;
  /** Messages received. */
  count: number;
  /** Messages whose size was not `size`. */
  bad: number;
  /** Messages per second, first to last. */
  msgs_per_s: number;
  /** Megabytes (10^6) of payload per second. */
  mb_per_s: number;
}

/** What the requesting side of the latency benchmark measured. */
export interface LatencyResult {
  /** Always "latency". */
  kind: "latency";
  /** Bytes per message. */
  size: number;
  /** Round trips made. */
  count: number;
  /** Replies whose size was not `size`. */
  bad: number;
  /** Half the mean round trip, in microseconds. */
  one_way_us: number;
}

/**
 * The throughput receiver: binds a PULL, calls `ready` with the bound endpoint, receives
 * `count` messages and closes.
 *
 * @example
 * ```ts
 * const result = await receiveThroughput({ endpoint: "tcp://127.0.0.1:5555", size: 64, count: 1e5 });
 * ```
 */
export async function receiveThroughput(
  spec: BenchSpec,
  ready: (endpoint: string) => void = () => {},
): Promise<ThroughputResult> {
  const { size, count } = spec;
  const pull = new Pull({ context: spec.context, ...spec.options });
  await pull.bind(spec.endpoint);
  ready(pull.lastEndpoint!);
  let bad = 0;
  let [first] = await pull.receive();
  if (first!.length !== size) bad++;
  const start = performance.now();
  for (let i = 1; i < count; i++) {
    [first] = await pull.receive();
    if (first!.length !== size) bad++;
  }
  const elapsed = performance.now() - start;
  pull.close();
  return throughputResult(size, count, bad, elapsed);
}

/**
 * A throughput result: `count` messages of `size` bytes, timed from the first to the last over
 * `elapsedMs`; `bad` of them had the wrong size.
 *
 * @example
 * ```ts
 * console.assert(throughputResult(64, 1001, 0, 1000).msgs_per_s === 1000);
 * ```
 */
export function throughputResult(
  size: number,
  count: number,
  bad: number,
  elapsedMs: number,
): ThroughputResult {
  const rate = (count - 1) / (elapsedMs / 1000);
  return {
    kind: "throughput",
    size,
    count,
    bad,
    msgs_per_s: Math.round(rate),
    mb_per_s: +(rate * size / 1e6).toFixed(2),
  };
}

/**
 * The throughput sender: connects a PUSH (linger -1) and sends `count` messages. Returns the
 * socket still open: close it once the receiver has everything (closing lingers until then).
 *
 * @example
 * ```ts
 * const push = await sendThroughput({ endpoint: "tcp://127.0.0.1:5555", size: 64, count: 1e5 });
 * push.close();
 * ```
 */
export async function sendThroughput(spec: BenchSpec): Promise<Push> {
  const push = new Push({ context: spec.context, linger: -1, ...spec.options });
  push.connect(spec.endpoint);
  // Never changed, so one buffer (or string) serves every send.
  const payload = spec.strings ? "x".repeat(spec.size) : new Uint8Array(spec.size);
  for (let i = 0; i < spec.count; i++) await push.send(payload);
  return push;
}

/**
 * The latency replier: binds a REP, calls `ready` with the bound endpoint and echoes `count`
 * messages. Returns the socket still open, so the last reply is not cut short.
 *
 * @example
 * ```ts
 * const rep = await replyLatency({ endpoint: "tcp://127.0.0.1:5556", size: 64, count: 1e4 });
 * rep.close();
 * ```
 */
export async function replyLatency(
  spec: BenchSpec,
  ready: (endpoint: string) => void = () => {},
): Promise<Reply> {
  const rep = new Reply({ context: spec.context, ...spec.options });
  await rep.bind(spec.endpoint);
  ready(rep.lastEndpoint!);
  for (let i = 0; i < spec.count; i++) await rep.send(await rep.receive());
  return rep;
}

/**
 * The latency requester: connects a REQ and makes `count` round trips (the first untimed).
 *
 * @example
 * ```ts
 * const result = await requestLatency({ endpoint: "tcp://127.0.0.1:5556", size: 64, count: 1e4 });
 * ```
 */
export async function requestLatency(spec: BenchSpec): Promise<LatencyResult> {
  const { size, count } = spec;
  const req = new Request({ context: spec.context, ...spec.options });
  req.connect(spec.endpoint);
  const payload = new Uint8Array(size);
  let bad = 0;
  let start = 0;
  for (let i = 0; i < count; i++) {
    if (i === 1) start = performance.now();
    await req.send(payload);
    const [reply] = await req.receive();
    if (reply!.length !== size) bad++;
  }
  const elapsed = performance.now() - start;
  req.close();
  return latencyResult(size, count, bad, elapsed);
}

/**
 * A latency result: `count` round trips of `size` bytes, the first untimed, over `elapsedMs`;
 * one way is half a round trip.
 *
 * @example
 * ```ts
 * console.assert(latencyResult(64, 1001, 0, 100).one_way_us === 50);
 * ```
 */
export function latencyResult(
  size: number,
  count: number,
  bad: number,
  elapsedMs: number,
): LatencyResult {
  return {
    kind: "latency",
    size,
    count,
    bad,
    one_way_us: +(elapsedMs * 1000 / (count - 1) / 2).toFixed(2),
  };
}
