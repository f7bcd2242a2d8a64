/**
 * A socket's endpoints in the core: what it bound (a listener per tcp or ipc
 * address, a name in the inproc registry) and what it connected to (a
 * connecter per tcp or ipc address, a joined pipe per inproc one), and how
 * each is undone by unbind, disconnect and close.
 *
 * @module
 */

import { parseEndpoint } from "./endpoint.ts";
import { zmqError } from "./errors.ts";
import type { Pipe } from "./pipe.ts";
import { Binding } from "./binding.ts";
import { Connecter } from "./connecter.ts";
import type { InprocRegistry } from "./inproc.ts";
import type { SocketCore } from "./socket_core.ts";
import type { StreamTransport } from "./transports/stream.ts";

/** What endpoints need of the socket's context. */
export interface EndpointContext {
  readonly inproc: InprocRegistry;
  readonly transport: StreamTransport;
}

/**
 * @internal The bound and connected endpoints of one core socket.
 *
 * @example
 * ```ts
 * const endpoints = new SocketEndpoints(core, context, (pipe, linger) => pipes.drop(pipe, linger));
 * const address = await endpoints.bind("tcp://127.0.0.1:*"); // the port chosen
 * ```
 */
/** What serves an endpoint from elsewhere: given the functions that take each stream and each refusal. */
export type ServeStreams = Parameters<typeof Binding.served>[1];

export class SocketEndpoints {
  #core: SocketCore;
  #context: EndpointContext;
  #drop: (pipe: Pipe, linger: number) => void;
  #bindings = new Map<string, Binding>();
  /** A list per address: connecting twice makes two connections, as in libzmq. */
  #connecters = new Map<string, Connecter[]>();
  /** Listeners being closed by close(): done once their addresses are free again. */
  #releasing: Promise<void>[] = [];
  /** Pipes joined over inproc, by the address they were bound or connected with. */
  #inproc = new Map<string, Pipe[]>();

  constructor(
    core: SocketCore,
    context: EndpointContext,
    drop: (pipe: Pipe, linger: number) => void,
  ) {
    this.#core = core;
    this.#context = context;
    this.#drop = drop;
  }

  /** Binds; resolves with the endpoint bound (the port chosen for `*`). */
  /**
   * Binds; with `serve`, the endpoint's connections come from the application's own HTTP server
   * (a ws endpoint mounted by attachWebSocket) instead of a listener of ours.
   */
  async bind(address: string, serve?: ServeStreams): Promise<string> {
    const ep = parseEndpoint(address);
    if (ep.transport === "inproc") {
      await this.#context.inproc.bind(ep.name, this.#core);
      if (this.#core.closed) {
        this.#context.inproc.unbind(ep.name, this.#core);
        throw zmqError("ETERM", "socket was closed during bind", { address });
      }
      return address;
    }
    if (ep.transport === "tcp" && ep.port === 0 && address.endsWith(":0")) {
      throw zmqError("EINVAL", `cannot bind to port 0 in "${address}": use "*" for any port`, {
        address,
      });
    }
    const binding = serve === undefined
      ? await Binding.listen(this.#core, ep, this.#context.transport)
      : await Binding.served(this.#core, serve);
    if (this.#core.closed) {
      await binding.close(0); // the port is free once the bind has failed
      throw zmqError("ETERM", "socket was closed during bind", { address });
    }
    this.#bindings.set(binding.address, binding);
    if (binding.address !== address) this.#bindings.set(address, binding);
    return binding.address;
  }

  /** Stops accepting on an endpoint and closes the connections accepted through it. */
  async unbind(address: string): Promise<void> {
    const ep = parseEndpoint(address);
    if (ep.transport === "inproc") {
      if (!this.#context.inproc.unbind(ep.name, this.#core)) {
        throw zmqError("ENOENT", `not bound to "${address}"`, { address });
      }
      for (const p of this.#inproc.get(address) ?? []) this.#drop(p, 0);
      this.#inproc.delete(address);
      return;
    }
    const binding = this.#bindings.get(address);
    if (binding === undefined) throw zmqError("ENOENT", `not bound to "${address}"`, { address });
    for (const [k, b] of this.#bindings) if (b === binding) this.#bindings.delete(k);
    await binding.close(0);
  }

  /** Connects in the background (and reconnects after a loss). */
  connect(address: string): void {
    const ep = parseEndpoint(address);
    if (ep.transport === "inproc") {
      this.#context.inproc.connect(ep.name, this.#core);
      return;
    }
    if (ep.transport === "tcp" && ep.port === 0) {
      throw zmqError("EINVAL", `cannot connect to port ${ep.port} in "${address}"`, { address });
    }
    const c = new Connecter(this.#core, ep, this.#context.transport);
    const list = this.#connecters.get(address);
    if (list === undefined) this.#connecters.set(address, [c]);
    else list.push(c);
    c.start();
  }

  /**
   * Stops connecting to an endpoint and drops its connections and queued
   * messages: every connection made to that address, if it was connected more than once.
   */
  disconnect(address: string): void {
    const ep = parseEndpoint(address);
    if (ep.transport === "inproc") {
      const pipes = this.#inproc.get(address);
      if (pipes === undefined) {
        throw zmqError("ENOENT", `not connected to "${address}"`, { address });
      }
      this.#context.inproc.cancel(ep.name, this.#core);
      for (const p of pipes) this.#drop(p, 0);
      this.#inproc.delete(address);
      return;
    }
    const list = this.#connecters.get(address);
    if (list === undefined) throw zmqError("ENOENT", `not connected to "${address}"`, { address });
    this.#connecters.delete(address);
    for (const c of list) {
      const pipe = c.pipe;
      c.close(0);
      if (pipe !== undefined) this.#drop(pipe, 0);
    }
  }

  /** Resolves once the listeners close() stopped have freed their addresses. */
  released(): Promise<void> {
    return Promise.all(this.#releasing).then(() => {});
  }

  /** Records a pipe joined over inproc, so that unbind and disconnect find it. */
  trackInproc(address: string, pipe: Pipe): void {
    const list = this.#inproc.get(address) ?? [];
    list.push(pipe);
    this.#inproc.set(address, list);
  }

  /**
   * The socket is closing: listeners and connecters stop, each lingering `linger` ms. Returns
   * the tcp and ipc endpoints closed, which libzmq reports as `close` events.
   */
  close(linger: number): string[] {
    const closed: string[] = [];
    for (const b of new Set(this.#bindings.values())) {
      this.#releasing.push(b.close(linger));
      closed.push(b.address);
    }
    this.#bindings.clear();
    for (const [address, list] of this.#connecters) {
      for (const c of list) c.close(linger);
      closed.push(address);
    }
    this.#connecters.clear();
    this.#context.inproc.forget(this.#core, linger);
    this.#inproc.clear();
    return closed;
  }
}
