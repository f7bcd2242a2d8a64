/**
 * The `zmq` command's lines in and out: stdin read line by line, stdout and stderr written so the
 * command can wait until everything is out before it exits.
 *
 * @module
 */

import process from "node:process";
import { createInterface } from "node:readline";

/** Where the command writes. */
export interface CliOutput {
  /** Writes one line to stdout. */
  line(text: string): void;
  /** Writes one line to stderr. */
  note(text: string): void;
  /** Resolves once everything written so far has been handed to the system. */
  flushed(): Promise<void>;
}

/**
 * stdout and stderr of this process. When the reader of stdout goes away (`zmq ... | head -3`),
 * the command ends at once with status 0, as there is no one left to print for.
 *
 * @example
 * ```ts
 * const out = processOutput();
 * out.line("hello");
 * await out.flushed();
 * ```
 */
export function processOutput(): CliOutput {
  let pending = 0;
  let waiters: (() => void)[] = [];
  const done = () => {
    if (--pending > 0) return;
    for (const w of waiters) w();
    waiters = [];
  };
  // Deno throws EPIPE from write(); Bun reports it too, then waits forever unless told to exit.
  const readerGone = (e: unknown) => {
    if ((e as { code?: string }).code !== "EPIPE") throw e;
    process.exit(0);
  };
  process.stdout.on("error", readerGone);
  const write = (stream: { write(text: string, done: () => void): unknown }, text: string) => {
    pending++;
    try {
      stream.write(`${text}\n`, done);
    } catch (e) {
      done();
      readerGone(e);
    }
  };
  return {
    line: (text) => write(process.stdout, text),
    note: (text) => write(process.stderr, text),
    flushed: () => pending === 0 ? Promise.resolve() : new Promise((r) => waiters.push(r)),
  };
}

/**
 * The lines of stdin, without their line ends, until it closes.
 *
 * @example
 * ```ts
 * for await (const line of stdinLines()) console.log(line.length);
 * ```
 */
export async function* stdinLines(): AsyncGenerator<string> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  try {
    yield* lines;
  } finally {
    lines.close();
  }
}
