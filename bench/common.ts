// What bench/thr.ts and bench/lat.ts share: the context they run on, their arguments, the wait
// for stdin to close, and CURVE keys from the environment.
import process from "node:process";
import { Context, type SecurityOptions } from "../mod.ts";

/** ZMQ_TS_BACKEND=libzmq runs the program on the libzmq backend (FFI) instead of the core. */
export const context = process.env.ZMQ_TS_BACKEND === "libzmq"
  ? new Context({ backend: await (await import("../libzmq.ts")).libzmq() })
  : undefined;

const [role, endpoint, sizeArg, countArg] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
/** role, endpoint, message size and count, from the command line. */
export const args = { role, endpoint, size: Number(sizeArg), count: Number(countArg) };

/**
 * Senders (and REP) wait for stdin to close before closing: bench/tcp_ipc.mjs closes it once the
 * receiver has reported, so no process exits before its peer got everything (see bench/c/thr.c).
 */
export const stdinClosed = () =>
  new Promise<void>((resolve) => {
    process.stdin.on("end", resolve).on("close", resolve).resume();
  });

/**
 * CURVE from the environment, as bench/c/security.h reads it (bench/curve.mjs sets it): the bound
 * socket is the server, the connecting one the client; unset, NULL.
 */
export function security(asServer: boolean): Partial<SecurityOptions> {
  const env = process.env;
  if (env.ZMQ_BENCH_CURVE_SERVER_SECRET === undefined) return {};
  return asServer ? { curveServer: true, curveSecretKey: env.ZMQ_BENCH_CURVE_SERVER_SECRET } : {
    curveServerKey: env.ZMQ_BENCH_CURVE_SERVER_PUBLIC!,
    curvePublicKey: env.ZMQ_BENCH_CURVE_CLIENT_PUBLIC!,
    curveSecretKey: env.ZMQ_BENCH_CURVE_CLIENT_SECRET!,
  };
}
