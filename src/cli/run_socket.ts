/**
 * `zmq bind` and `zmq connect`: makes the socket, binds or connects it, then sends and prints as
 * its type does (see {@link SocketRole}), and closes it with its linger.
 *
 * @module
 */

import { Context } from "../context.ts";
import type { EndpointEvent } from "../observer.ts";
import type { Socket } from "../socket.ts";
import type { Subscriber } from "../sockets/sub.ts";
import type { SocketCommand } from "./args.ts";
import { formatMessage, parseMessage } from "./format.ts";
import type { CliOutput } from "./io.ts";
import { securityOptions } from "./security.ts";
import type { SocketRole } from "./socket_kinds.ts";

/** A failure the command reports in one line and exits 1 for. */
export class CommandFailed extends Error {
  override name = "CommandFailed";
}

/**
 * Makes the command's socket on `context`, with its security (security.ts), and binds or connects
 * it to every endpoint, reporting bound endpoints on stderr (a `*` port becomes the one chosen).
 * `beforeFirstEndpoint` sees the socket first (to watch its events from the start).
 *
 * @example
 * ```ts
 * const socket = await openSocket(command, new Context(), processOutput());
 * ```
 */
export async function openSocket(
  cmd: SocketCommand,
  context: Context,
  out: CliOutput,
  beforeFirstEndpoint: (socket: Socket) => void = () => {},
): Promise<Socket> {
  const linger = cmd.linger ?? cmd.timeout ?? -1;
  const security = await securityOptions(cmd, context, out);
  const socket = cmd.kind.make({
    ...security,
    context,
    linger,
    receiveTimeout: cmd.timeout ?? -1,
    sendTimeout: cmd.timeout ?? -1,
    ...(cmd.identity === undefined ? {} : { routingId: cmd.identity }),
  });
  beforeFirstEndpoint(socket);
  try {
    for (const endpoint of cmd.endpoints) {
      if (cmd.mode === "bind") {
        await socket.bind(endpoint);
        out.note(`zmq: bound ${socket.lastEndpoint}`);
      } else {
        socket.connect(endpoint);
      }
    }
  } catch (e) {
    socket.linger = 0;
    socket.close();
    throw new CommandFailed(`cannot ${cmd.mode} ${cmd.kind.name}: ${(e as Error).message}`);
  }
  return socket;
}

/**
 * Runs `zmq bind` or `zmq connect`. Resolves with the exit status; the messages to send come from
 * `--send`, or else from `lines` (stdin).
 *
 * @example
 * ```ts
 * const status = await runSocket(command, processOutput(), stdinLines);
 * ```
 */
export async function runSocket(
  cmd: SocketCommand,
  out: CliOutput,
  lines: () => AsyncIterable<string>,
): Promise<number> {
  const context = new Context();
  let socket: Socket | undefined;
  try {
    let refused: Promise<never> | undefined;
    socket = await openSocket(cmd, context, out, (s) => (refused = refusals(s, cmd, out)));
    subscribe(socket, cmd);
    await Promise.race([new Exchange(socket, cmd, out, lines).run(cmd.kind.role), refused!]);
    return 0;
  } catch (e) {
    if (socket !== undefined) socket.linger = 0; // a failed command leaves nothing behind
    if (e instanceof CommandFailed || e instanceof SyntaxError) {
      out.note(`zmq: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    socket?.close();
    await context.shutdown();
  }
}

/**
 * Notes each failed handshake on stderr. Rejects once every endpoint of a connecting socket has
 * refused us or failed the protocol: it does not reconnect after that (libzmq's rule), so nothing
 * more can come and the command fails instead of waiting for ever.
 */
function refusals(socket: Socket, cmd: SocketCommand, out: CliOutput): Promise<never> {
  const refused = new Set<string>();
  return new Promise((_, reject) => {
    const failed = (e: EndpointEvent) => {
      const why = e.type === "handshake:error:auth"
        ? `refused${e.status === undefined ? "" : ` (${e.status})`}`
        : e.error?.message ?? e.type;
      out.note(`zmq: handshake with ${e.address} failed: ${why}`);
      if (cmd.mode !== "connect" || e.type === "handshake:error:other") return;
      refused.add(e.address);
      if (refused.size >= cmd.endpoints.length) {
        reject(new CommandFailed(`no endpoint let us in (${cmd.endpoints.join(" ")})`));
      }
    };
    socket.events.on("handshake:error:auth", failed)
      .on("handshake:error:protocol", failed)
      .on("handshake:error:other", failed);
  });
}

/** sub: the prefixes (none: everything); xsub: a subscription message for each. */
function subscribe(socket: Socket, cmd: SocketCommand): void {
  if (cmd.kind.name === "sub") {
    (socket as Subscriber).subscribe(...cmd.subscribe);
  } else if (cmd.kind.name === "xsub") {
    for (const prefix of cmd.subscribe.length > 0 ? cmd.subscribe : [""]) {
      const topic = new TextEncoder().encode(prefix);
      const message = new Uint8Array(topic.length + 1);
      message[0] = 1;
      message.set(topic, 1);
      // XSUB keeps subscriptions and sends them to every publisher; this fails only once closed.
      socket.send(message).catch(() => {});
    }
  }
}

/** One command's sends and receives, with the waits bounded by `--timeout`. */
class Exchange {
  #received = 0;

  constructor(
    readonly socket: Socket,
    readonly cmd: SocketCommand,
    readonly out: CliOutput,
    readonly lines: () => AsyncIterable<string>,
  ) {}

  run(role: SocketRole): Promise<void> {
    switch (role) {
      case "request":
        return this.#request();
      case "reply":
        return this.#reply();
      case "send":
        return this.#sendAll();
      case "receive":
        return this.#print();
      case "both":
        return this.#both();
    }
  }

  get #where(): string {
    return ` (${this.cmd.mode} ${this.cmd.kind.name} ${this.cmd.endpoints.join(" ")})`;
  }

  get #enough(): boolean {
    return this.cmd.count !== undefined && this.#received >= this.cmd.count;
  }

  async *#outgoing(): AsyncGenerator<Uint8Array[]> {
    if (this.cmd.send.length > 0) {
      for (const text of this.cmd.send) yield parseMessage(text, this.cmd.format);
      return;
    }
    for await (const line of this.lines()) yield parseMessage(line, this.cmd.format);
  }

  async #send(frames: Uint8Array[]): Promise<void> {
    try {
      await this.socket.send(frames);
    } catch (e) {
      throw this.#failure(
        e,
        `could not send within ${this.cmd.timeout} ms${this.#where} (no peer took it)`,
      );
    }
  }

  async #receive(): Promise<Uint8Array[]> {
    let frames: Uint8Array[];
    try {
      frames = await this.socket.receive();
    } catch (e) {
      throw this.#failure(e, `no message within ${this.cmd.timeout} ms${this.#where}`);
    }
    this.#received++;
    this.out.line(formatMessage(frames, this.cmd.format));
    return frames;
  }

  #failure(e: unknown, timedOut: string): Error {
    const code = (e as { code?: string }).code;
    if (code === "EAGAIN" && this.cmd.timeout !== undefined) return new CommandFailed(timedOut);
    return new CommandFailed((e as Error).message);
  }

  async #request(): Promise<void> {
    for await (const frames of this.#outgoing()) {
      await this.#send(frames);
      await this.#receive();
      if (this.#enough) return;
    }
  }

  async #reply(): Promise<void> {
    const replies = this.cmd.send.map((text) => parseMessage(text, this.cmd.format));
    while (!this.#enough) {
      const request = await this.#receive();
      await this.#send(
        replies.length > 0 ? replies[(this.#received - 1) % replies.length]! : request,
      );
    }
  }

  async #sendAll(): Promise<void> {
    for await (const frames of this.#outgoing()) await this.#send(frames);
  }

  async #print(): Promise<void> {
    while (!this.#enough) await this.#receive();
  }

  async #both(): Promise<void> {
    const sending = this.#sendAll();
    if (this.cmd.count === 0) return sending;
    const printing = this.#print();
    // --send messages are all sent before the command ends; stdin may never close, so lines are
    // sent until enough has arrived.
    if (this.cmd.send.length > 0) await Promise.all([printing, sending]);
    else await Promise.race([printing, sending.then(() => printing)]);
  }
}
