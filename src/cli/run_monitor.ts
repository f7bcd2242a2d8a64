/**
 * `zmq monitor`: makes the socket, binds or connects it, and prints its events (`socket.events`)
 * one per line instead of messages.
 *
 * @module
 */

import { Context } from "../context.ts";
import type { SocketEvent } from "../observer.ts";
import type { Socket } from "../socket.ts";
import type { SocketCommand } from "./args.ts";
import type { CliOutput } from "./io.ts";
import { CommandFailed, openSocket } from "./run_socket.ts";

/**
 * One event as a line: `type address` and what else it carries, or a JSON object.
 *
 * @example
 * ```ts
 * formatEvent({ type: "connect:retry", address: "tcp://127.0.0.1:5555", interval: 200 }, "text");
 * // "connect:retry tcp://127.0.0.1:5555 interval=200ms"
 * ```
 */
export function formatEvent(event: SocketEvent, format: "text" | "hex" | "json"): string {
  const { status, userId } = event.type === "end" ? {} : event;
  if (format === "json") {
    return JSON.stringify({
      type: event.type,
      address: event.address,
      ...(event.interval === undefined ? {} : { interval: event.interval }),
      ...(event.error === undefined ? {} : { error: event.error.message }),
      ...(status === undefined ? {} : { status }),
      ...(userId === undefined ? {} : { userId }),
    });
  }
  let line = `${event.type} ${event.address}`;
  if (event.interval !== undefined) line += ` interval=${event.interval}ms`;
  if (event.error !== undefined) line += ` error=${JSON.stringify(event.error.message)}`;
  if (status !== undefined) line += ` status=${status}`;
  if (userId !== undefined) line += ` userId=${JSON.stringify(userId)}`;
  return line;
}

/**
 * Runs `zmq monitor`. Resolves with the exit status: 0 after `--count` events, 1 when
 * `--timeout` passes without one.
 *
 * @example
 * ```ts
 * const status = await runMonitor(command, processOutput());
 * ```
 */
export async function runMonitor(cmd: SocketCommand, out: CliOutput): Promise<number> {
  const context = new Context();
  let socket: Socket | undefined;
  try {
    // An Observer keeps events for receive() once it has been asked: ask before the first one.
    let next: Promise<SocketEvent | undefined> | undefined;
    const events = (s: Socket) => (next = s.events.receive());
    socket = await openSocket({ ...cmd, linger: cmd.linger ?? 0 }, context, out, events);
    for (let n = 0; cmd.count === undefined || n < cmd.count; n++) {
      const event = await withTimeout(next!, cmd.timeout);
      if (event === undefined) return 0;
      out.line(formatEvent(event, cmd.format));
      next = socket.events.receive();
    }
    return 0;
  } catch (e) {
    if (!(e instanceof CommandFailed)) throw e;
    out.note(`zmq: ${e.message}`);
    return 1;
  } finally {
    socket?.close();
    await context.shutdown();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number | undefined): Promise<T> {
  if (ms === undefined) return promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CommandFailed(`no event within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
