/**
 * `zmq`, the command line tool: talk to a ZeroMQ system from a shell script. Bind or connect any
 * socket type to one or more endpoints, send messages given as arguments or read from stdin,
 * print what arrives as text, hex or JSON, watch a socket's events, run the benchmark pair, or
 * make CURVE keys; PLAIN and CURVE on any socket. `zmq --help` says how.
 *
 * Run it with `deno run -A jsr:@zmq-ts/zmq/cli ...`, install it with
 * `deno install -g -A -n zmq jsr:@zmq-ts/zmq/cli`, or compile it into a single binary (see the
 * README). As a module it exports {@link main}, which runs a command line and resolves with its
 * exit status.
 *
 * @example
 * ```ts
 * import { main } from "@zmq-ts/zmq/cli";
 * const status = await main(["connect", "req", "tcp://127.0.0.1:5555", "--send", "hello"]);
 * ```
 *
 * @module
 */

import process from "node:process";
import { type Command, parseCommand, USAGE, UsageError } from "./src/cli/args.ts";
import { type CliOutput, processOutput, stdinLines } from "./src/cli/io.ts";
import { runBench } from "./src/cli/run_bench.ts";
import { runKeygen } from "./src/cli/run_keygen.ts";
import { runMonitor } from "./src/cli/run_monitor.ts";
import { runSocket } from "./src/cli/run_socket.ts";
import { packageVersion, version } from "./src/version.ts";

/**
 * Runs one `zmq` command line (the arguments after the program's name) and resolves with its
 * exit status: 0 done, 1 failed (a timeout, an address in use, ...), 2 wrong arguments. Output
 * goes to stdout, notes and errors to stderr, messages to send (without `--send`) come from stdin.
 * Secrets may come from the environment (`ZMQ_CURVE_SECRET_KEY`, `ZMQ_PLAIN_PASSWORD`).
 *
 * @example
 * ```ts
 * import { main } from "@zmq-ts/zmq/cli";
 * const status = await main(["bench", "lat", "--count", "1000"]);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const out = processOutput();
  let status: number;
  try {
    status = await run(parseCommand(args, process.env), out);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    out.note(`zmq: ${e.message}`);
    out.note("zmq: see zmq --help");
    status = 2;
  }
  await out.flushed();
  return status;
}

function run(command: Command, out: CliOutput): Promise<number> {
  switch (command.command) {
    case "help":
      out.line(USAGE);
      return Promise.resolve(0);
    case "version":
      out.line(`zmq-ts ${packageVersion} (libzmq ${version} behaviour)`);
      return Promise.resolve(0);
    case "socket":
      return runSocket(command, out, stdinLines);
    case "monitor":
      return runMonitor(command, out);
    case "bench":
      return runBench(command, out);
    case "keygen":
      return runKeygen(command, out, stdinLines);
  }
}

// Exit at once when done: stdin, still open, would otherwise keep the process up.
if (import.meta.main) process.exit(await main(process.argv.slice(2)));
