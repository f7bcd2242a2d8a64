/**
 * A Context owns its sockets, the inproc endpoint registry and termination.
 * Sockets made without one join the process-wide default context.
 *
 * A context can be shared with Workers: `handle()` makes what a Worker needs
 * to join it, `Context.attach(handle)` joins it there (workers/ wraps both).
 * Inproc endpoints are then reachable from every thread of the context, and
 * terminating it in any thread terminates it in all.
 *
 * @module
 */

import { zmqError } from "./errors.ts";
import { InprocRegistry } from "./inproc.ts";
import type { StreamTransport } from "./transports/stream.ts";
import { runtimeTransport } from "./transports/runtime.ts";
import { Hub } from "./threads/hub.ts";
import { postToHub, ThreadLink } from "./threads/link.ts";
import { announcedBinding, type ContextHandle, type ToThread } from "./threads/protocol.ts";
import type { Backend, NativeContext } from "./backend.ts";
import {
  contextDefaults,
  type ContextOptions,
  MAX_SOCKETS_LIMIT,
  validateContextOption,
} from "./context_options.ts";
import { randomId } from "./random_id.ts";

export type { ContextHandle };

/** @internal What a context needs of the sockets it owns. */
export interface ContextSocket {
  /** Ends the socket's pending calls with ETERM and closes it (lingering only if `keepLinger`). */
  terminate(keepLinger?: boolean): void;
  /** The socket's linger (ms); a graceful shutdown may shorten it. */
  linger: number;
}

/**
 * A context: the sockets it owns, its inproc endpoints, and their termination.
 *
 * @example
 * ```ts
 * const ctx = new Context();
 * const pull = new Pull({ context: ctx });
 * const pending = pull.receive();
 * ctx.terminate();
 * await pending.catch((e) => console.assert(e.code === "ETERM"));
 * ```
 */
export class Context {
  #options: ContextOptions = contextDefaults();
  #sockets = new Set<ContextSocket>();
  #lingering = new Set<() => void>();
  #drained: (() => void)[] = [];
  #terminated = false;
  /** @internal inproc endpoints bound in this context. */
  readonly inproc: InprocRegistry = new InprocRegistry();
  #transport: StreamTransport | undefined;
  /** The same in every thread that shares this context. */
  readonly id: string;
  #hub: Hub | undefined;
  #link: ThreadLink | undefined;
  /** In a thread that attached: its line to the hub, closed once the context ends. */
  #hubPort: MessagePort | undefined;

  /** @internal The backend's context, when the sockets are run by a backend (libzmq) instead of the core. */
  readonly native: NativeContext | undefined;
  /** The backend, if one was given ("libzmq"); undefined for the TypeScript core. */
  readonly backend: Backend | undefined;

  /**
   * Makes a context. `backend` runs its sockets on another implementation
   * (`await libzmq()` from libzmq.ts); `transport` replaces the runtime's
   * tcp/ipc adapter (for tests); the rest are zeromq.js's context options.
   * As in zeromq.js the context is sealed: an unknown option is a TypeError.
   */
  constructor(
    options: Partial<ContextOptions> & { transport?: StreamTransport; backend?: Backend } = {},
  ) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("Options must be an object");
    }
    if (arguments.length > 1) throw new TypeError("Expected 1 argument");
    const { transport, backend, ...rest } = options;
    this.#transport = transport;
    this.id = randomId();
    this.backend = backend;
    this.native = backend?.open();
    if (new.target === Context) Object.seal(this);
    Object.assign(this, rest);
  }

  /** ZMQ_SOCKET_LIMIT: the largest {@link maxSockets} allowed. */
  get maxSocketsLimit(): number {
    return MAX_SOCKETS_LIMIT;
  }

  /** @internal The stream transports (tcp, ipc, ws) of this runtime, picked at first use. */
  get transport(): StreamTransport {
    return this.#transport ??= runtimeTransport();
  }

  /**
   * Joins, in a Worker, a context made in another thread, from the handle
   * that thread made with {@link handle}. Usually done by `joinContext()`
   * from workers/.
   *
   * @example
   * ```ts
   * self.onmessage = (e) => {
   *   const ctx = Context.attach(e.data.context);
   *   const pair = new Pair({ context: ctx });
   *   pair.connect("inproc://step2");
   * };
   * ```
   */
  static attach(handle: ContextHandle, backend?: Backend): Context {
    if (
      handle.native !== undefined &&
      (backend === undefined || backend.name !== handle.native.backend)
    ) {
      throw zmqError(
        "EINVAL",
        `this context runs on ${handle.native.backend}: pass that backend to Context.attach (joinContext does)`,
      );
    }
    const ctx = new Context();
    (ctx as { id: string }).id = handle.id;
    if (handle.native !== undefined) {
      (ctx as { backend: Backend }).backend = backend!;
      (ctx as { native: NativeContext }).native = backend!.open(handle.native);
      return ctx;
    }
    const port = handle.port!;
    const link = new ThreadLink(
      handle.thread,
      postToHub(port),
      ctx.inproc,
      handle.announced ?? announcedBinding(),
    );
    // Not unref'd: on Bun that would let the Worker exit while its sockets wait.
    port.onmessage = (e: MessageEvent<ToThread>) => link.handle(e.data);
    ctx.#hubPort = port;
    ctx.#join(link);
    return ctx;
  }

  /**
   * Makes what another thread needs to join this context: pass it to the
   * Worker (with its `port` in the transfer list) and call
   * {@link Context.attach} there. `startWorker()` from workers/ does both.
   *
   * @example
   * ```ts
   * const handle = ctx.handle();
   * worker.postMessage({ context: handle }, [handle.port]);
   * ```
   */
  handle(): ContextHandle {
    if (this.native !== undefined) {
      // libzmq's contexts are shared by threads as they are: no hub, no ports.
      return {
        id: this.id,
        thread: randomId(),
        port: undefined,
        native: this.native.share(),
      };
    }
    const link = this.#share();
    const thread = randomId();
    const { port1, port2 } = new MessageChannel();
    if (this.#hub !== undefined) this.#hub.addPort(thread, port1);
    else link.toHub({ t: "adopt", thread, port: port1 });
    return { id: this.id, thread, port: port2, announced: link.announced };
  }

  /** @internal The hub, in the thread whose context was shared first (tests watch it). */
  get hub(): Hub | undefined {
    return this.#hub;
  }

  /** @internal A thread that had a handle has ended: its connections are closed everywhere. */
  threadGone(thread: string): void {
    this.#link?.toHub({ t: "gone", thread });
  }

  /** The first handle makes this thread the hub of the context. */
  #share(): ThreadLink {
    if (this.#link !== undefined) return this.#link;
    const hub = this.#hub = new Hub();
    const link = new ThreadLink(
      randomId(),
      (m) => queueMicrotask(() => hub.handle(m)),
      this.inproc,
      hub.announced,
    );
    hub.addThread(link.thread, (m) => queueMicrotask(() => link.handle(m)));
    this.#join(link);
    return link;
  }

  #join(link: ThreadLink): void {
    this.#link = link;
    link.onTerminate = () => this.#terminateHere();
    this.inproc.attachLink(link);
  }

  static {
    for (const name of Object.keys(contextDefaults()) as (keyof ContextOptions)[]) {
      Object.defineProperty(Context.prototype, name, {
        get(this: Context) {
          return this.#options[name];
        },
        set(this: Context, value: unknown) {
          validateContextOption(name, value);
          (this.#options as unknown as Record<string, unknown>)[name] = value;
        },
        configurable: true,
      });
    }
  }

  /** True once {@link terminate} was called. */
  get terminated(): boolean {
    return this.#terminated;
  }

  /**
   * Ends the context: every socket closes, pending sends and receives fail
   * with ETERM, and queued messages are dropped (no lingering).
   */
  terminate(): void {
    if (!this.#terminated) this.#link?.toHub({ t: "terminate" });
    this.#terminateHere(true);
    this.native?.shutdown(); // reaches the sockets of every thread that shares it
  }

  #terminateHere(force = false): void {
    if (this.#terminated && !force) return;
    this.#terminated = true;
    this.#link?.cancelAll();
    const port = this.#hubPort;
    if (port !== undefined) {
      // Let what was just posted (terminate, cancels) leave first; then nothing keeps the Worker alive for us.
      setTimeout(() => {
        port.onmessage = null;
        port.close();
      }, 10);
    }
    for (const s of [...this.#sockets]) s.terminate();
    for (const cancel of [...this.#lingering]) cancel();
    this.#lingering.clear();
    for (const done of this.#drained.splice(0)) done();
  }

  /** @internal */
  register(socket: ContextSocket): void {
    if (this.#terminated) {
      throw zmqError("ETERM", "Context was terminated");
    }
    if (this.#sockets.size >= this.#options.maxSockets) {
      throw zmqError("EMFILE", `Too many open sockets: maxSockets is ${this.#options.maxSockets}`);
    }
    this.#sockets.add(socket);
  }

  /** @internal */
  unregister(socket: ContextSocket): void {
    this.#sockets.delete(socket);
  }

  /** @internal Work that lingers after a socket closed; terminate() cancels it. */
  linger(cancel: () => void): () => void {
    this.#lingering.add(cancel);
    return () => {
      this.#lingering.delete(cancel);
      if (this.#lingering.size === 0) { for (const done of this.#drained.splice(0)) done(); }
    };
  }

  /**
   * Ends the context gracefully (zmq_ctx_shutdown, then term): pending calls
   * fail with ETERM, and every socket closes with its own `linger`, so what
   * it queued is still delivered. Resolves once nothing lingers, or after
   * `graceMs` (then what is left is dropped, as by {@link terminate}).
   *
   * @example
   * ```ts
   * await ctx.shutdown(2000);
   * ```
   */
  shutdown(graceMs = -1): Promise<void> {
    if (!this.#terminated) this.#link?.toHub({ t: "terminate" });
    if (!this.#terminated) {
      this.#terminated = true;
      this.#link?.cancelAll();
      if (this.native !== undefined && graceMs >= 0) {
        // libzmq cannot cut a linger short later: give each open socket at most the grace period.
        for (const s of this.#sockets) if (s.linger < 0 || s.linger > graceMs) s.linger = graceMs;
      }
      for (const s of [...this.#sockets]) s.terminate(true);
      this.native?.shutdown();
    }
    if (this.native !== undefined) {
      // libzmq's sockets linger inside libzmq: wait for its context to end, at most graceMs.
      const ended = this.native.ended();
      if (graceMs < 0) return ended;
      let timer: ReturnType<typeof setTimeout> | undefined;
      return Promise.race([
        ended,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ])
        .finally(() => clearTimeout(timer));
    }
    if (this.#lingering.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = graceMs >= 0
        ? setTimeout(() => (this.#terminateHere(true), resolve()), graceMs)
        : undefined;
      this.#drained.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Context options as properties, each checked as libzmq's zmq_ctx_set checks it. */
export interface Context extends ContextOptions {}

/**
 * The process-wide default context, which sockets made without one join (zeromq.js's `context`).
 * In a Worker that joined a shared context, that context; a new one replaces it once terminated.
 *
 * @example
 * ```ts
 * import { context } from "./mod.ts";
 * context.blocky = false; // new sockets linger 0 by default
 * ```
 */
export let context: Context = new Context();

/** The process-wide default context; in a Worker that joined one, that context. */
export function defaultContext(): Context {
  if (context.terminated) context = new Context();
  return context;
}

/** @internal Makes `ctx` this thread's default context (a Worker joining a shared one). */
export function setDefaultContext(ctx: Context): void {
  context = ctx;
}
