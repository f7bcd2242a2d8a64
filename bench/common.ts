// What bench/thr.ts and bench/lat.ts share: the context they run on, their arguments, and the
// wait for stdin to close.
import process from "node:process";
import { Context } from "../mod.ts";

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
