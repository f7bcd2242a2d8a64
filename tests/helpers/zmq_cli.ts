/**
 * The `zmq` command as an operator runs it, for the tests in tests/cli: a subprocess on this
 * runtime (deno run -A cli.ts, or bun cli.ts), its output collected.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { until, within } from "./timeout.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The environment without the variables the command reads secrets from: the tests set them. */
const { ZMQ_CURVE_SECRET_KEY: _k, ZMQ_PLAIN_PASSWORD: _p, ...inherited } = process.env;

/** A running `zmq` command: its output so far, its bound endpoint, its end. */
export class Zmq {
  out = "";
  err = "";
  readonly ended: Promise<number | null>;
  readonly #child: ChildProcess;

  /** Starts `zmq args...`, with `stdin` as its input if given and `env` added to its environment. */
  constructor(args: string[], stdin?: string, env: Record<string, string> = {}) {
    const argv = "Bun" in globalThis ? ["cli.ts", ...args] : ["run", "-A", "cli.ts", ...args];
    this.#child = spawn(process.execPath, argv, {
      cwd: root,
      stdio: "pipe",
      env: { ...inherited, ...env },
    });
    this.#child.stdout!.on("data", (c) => (this.out += c));
    this.#child.stderr!.on("data", (c) => (this.err += c));
    this.ended = new Promise((resolve) => this.#child.on("close", resolve));
    if (stdin !== undefined) this.#child.stdin!.end(stdin);
  }

  /** The endpoint the command reported binding. */
  async bound(): Promise<string> {
    await until(() => /zmq: bound (\S+)/.test(this.err), 15000, "the command to bind");
    return /zmq: bound (\S+)/.exec(this.err)![1]!;
  }

  /** Waits for the command to exit; its status. */
  async status(ms = 20000): Promise<number | null> {
    try {
      return await within(this.ended, ms, `zmq to exit (stdout: ${this.out}, stderr: ${this.err})`);
    } finally {
      this.#child.kill();
    }
  }

  /** Stops reading the command's stdout, as `| head -1` does once it has its line. */
  closeStdout(): void {
    this.#child.stdout!.destroy();
  }

  /** The command's stdout lines. */
  get lines(): string[] {
    return this.out.split("\n").filter((l) => l !== "");
  }
}

/** Runs a command to its end. */
export async function zmq(
  args: string[],
  stdin?: string,
  env?: Record<string, string>,
): Promise<Zmq & { code: number | null }> {
  const z = new Zmq(args, stdin, env);
  return Object.assign(z, { code: await z.status() });
}
