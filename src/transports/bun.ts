/**
 * tcp and ipc on Bun: Bun.listen / Bun.connect (unix sockets for ipc).
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { tcpAddress } from "../endpoint.ts";
import { listenAtPath, type SocketFiles } from "./ipc_file.ts";
import type { Listener, Stream, StreamAddress as AnyAddress, StreamTransport } from "./stream.ts";

/** The addresses this adapter serves: tcp and ipc. */
type StreamAddress = Exclude<AnyAddress, { transport: "ws" }>;

// The few Bun APIs used, declared locally so the rest of the code needs no Bun types.
interface BunSocket {
  data: BunStream | undefined;
  readonly remoteAddress: string;
  readonly remotePort?: number;
  write(data: Uint8Array): number;
  end(): void;
  terminate(): void;
  pause?(): void;
  resume?(): void;
  setNoDelay?(on: boolean): void;
  ref(): void;
  unref(): void;
}
interface BunHandlers {
  open(s: BunSocket): void;
  data(s: BunSocket, d: Uint8Array): void;
  drain(s: BunSocket): void;
  close(s: BunSocket, e?: Error): void;
  error(s: BunSocket, e: Error): void;
  connectError?(s: BunSocket, e: Error): void;
}
interface BunServer {
  readonly port: number;
  stop(closeActive?: boolean): void;
  unref(): void;
}
interface BunApi {
  listen(o: Record<string, unknown>): BunServer;
  connect(o: Record<string, unknown>): Promise<BunSocket>;
}
const B = (globalThis as unknown as { Bun: BunApi }).Bun;

class BunStream implements Stream {
  onData: (b: Uint8Array) => void = () => {};
  onDrain: () => void = () => {};
  onClose: (e?: Error) => void = () => {};
  readonly remoteAddress: string;
  #socket: BunSocket;
  #pending: Uint8Array[] = [];
  #closed = false;
  #ending = false;
  #paused = false;
  #held: Uint8Array[] = [];
  #closeHeld: { error?: Error } | undefined;
  #destroyed = false;
  /** The engine wants the process kept alive for this stream. */
  #keep = true;
  /** Whether the socket is ref'd now (Bun sockets start so). */
  #refd = true;

  constructor(socket: BunSocket, remote: string) {
    this.#socket = socket;
    this.remoteAddress = remote;
    socket.data = this;
    socket.setNoDelay?.(true);
  }

  keepAlive(keep: boolean): void {
    this.#keep = keep;
    this.#applyRef();
  }

  /** Ref'd while the engine asks, or while bytes wait here for the kernel to take them. */
  #applyRef(): void {
    const want = this.#keep || this.#pending.length > 0;
    if (this.#closed || want === this.#refd) return;
    this.#refd = want;
    if (want) this.#socket.ref();
    else this.#socket.unref();
  }

  write(bytes: Uint8Array): boolean {
    if (this.#closed) return true;
    if (this.#pending.length > 0) {
      this.#pending.push(bytes);
      return false;
    }
    const n = this.#socket.write(bytes);
    if (n >= bytes.length) return true;
    this.#pending.push(n > 0 ? remainder(bytes, n) : bytes);
    this.#applyRef();
    return false;
  }

  pause(): void {
    this.#paused = true;
    this.#socket.pause?.();
  }

  resume(): void {
    this.#paused = false;
    this.#socket.resume?.();
    while (!this.#paused && this.#held.length > 0) this.onData(this.#held.shift()!);
    if (!this.#paused && this.#closeHeld !== undefined) this.handleClose(this.#closeHeld.error);
  }

  end(): void {
    if (this.#closed) return;
    this.#ending = true;
    if (this.#pending.length === 0) this.#socket.end();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#destroyed = true;
    this.#socket.terminate();
    this.handleClose();
  }

  /** @internal */
  handleData(d: Uint8Array): void {
    // A paused socket may still deliver what was already read; hold it.
    if (this.#paused) this.#held.push(d);
    else this.onData(d);
  }

  /** @internal */
  handleDrain(): void {
    while (this.#pending.length > 0) {
      const next = this.#pending[0]!;
      const n = this.#socket.write(next);
      if (n < next.length) {
        this.#pending[0] = n > 0 ? remainder(next, n) : next;
        return;
      }
      this.#pending.shift();
    }
    this.#applyRef();
    if (this.#ending) this.#socket.end();
    else this.onDrain();
  }

  /** @internal */
  handleClose(e?: Error): void {
    if (this.#closed) return;
    if (this.#held.length > 0 && !this.#destroyed) {
      // The peer closed while we held unread data: deliver it first, on resume.
      this.#closeHeld = { error: e };
      return;
    }
    this.#closed = true;
    this.#pending = [];
    this.#held = [];
    this.onClose(e);
  }
}

const handlers: BunHandlers = {
  open() {},
  data(s, d) {
    // Measured on Bun 1.4.5: each chunk has its own ArrayBuffer, so the decoder may keep views.
    s.data?.handleData(d);
  },
  drain(s) {
    s.data?.handleDrain();
  },
  close(s, e) {
    s.data?.handleClose(e);
  },
  error(s, e) {
    s.data?.handleClose(e);
  },
};

/** The Bun adapter. */
export const bunTransport: StreamTransport<StreamAddress> = {
  // No onAcceptError: Bun's listener accepts in native code and tells JavaScript nothing of a
  // connection it failed to accept (measured: none of its handlers is called at the fd limit).
  listen(addr: StreamAddress, onStream: (s: Stream) => void): Promise<Listener> {
    const wanted = addr.transport === "tcp"
      ? tcpAddress(addr.host, addr.port)
      : `ipc://${addr.path}`;
    const socket = {
      ...handlers,
      open(s: BunSocket) {
        const remote = addr.transport === "tcp"
          ? tcpAddress(s.remoteAddress, s.remotePort ?? 0)
          : `ipc://${addr.path}`;
        onStream(new BunStream(s, remote));
      },
    };
    let server: BunServer;
    let release: (() => void) | undefined;
    try {
      if (addr.transport === "tcp") {
        server = B.listen({ hostname: addr.host, port: addr.port, socket });
      } else {
        const unix = (path: string) => B.listen({ unix: path, socket });
        ({ listener: server, release } = listenAtPath(addr.path, files, unix, (l) => l.stop(true)));
      }
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "EADDRINUSE") {
        return Promise.reject(
          zmqError("EADDRINUSE", `address already in use: ${wanted}`, {
            address: wanted,
            cause: e,
          }),
        );
      }
      if (code === "EADDRNOTAVAIL") {
        return Promise.reject(
          zmqError("EADDRNOTAVAIL", `address not available: ${wanted}`, {
            address: wanted,
            cause: e,
          }),
        );
      }
      return Promise.reject(
        zmqError("EINVAL", `cannot bind ${wanted}: ${(e as Error).message}`, {
          address: wanted,
          cause: e,
        }),
      );
    }
    server.unref(); // an idle listener does not keep the process alive (liveness.ts)
    const address = addr.transport === "tcp"
      ? tcpAddress(addr.host, server.port)
      : `ipc://${addr.path}`;
    let open = true;
    return Promise.resolve({
      address,
      close() {
        if (open) {
          open = false;
          server.stop(false);
          release?.();
        }
        return Promise.resolve();
      },
    });
  },

  async connect(addr: StreamAddress): Promise<Stream> {
    let stream: BunStream | undefined;
    const remote = addr.transport === "tcp"
      ? tcpAddress(addr.host, addr.port)
      : `ipc://${addr.path}`;
    const socket = {
      ...handlers,
      open(s: BunSocket) {
        stream = new BunStream(s, remote);
      },
      // A refused connect also rejects the promise below; nothing to do here.
      connectError() {},
    };
    const s = addr.transport === "tcp"
      ? await B.connect({ hostname: addr.host, port: addr.port, socket })
      : await B.connect({ unix: addr.path, socket });
    return stream ?? new BunStream(s, remote);
  },
};

/** node:fs, which Bun has; only this adapter uses it. */
interface NodeFs {
  unlinkSync(path: string): void;
  renameSync(from: string, to: string): void;
  lstatSync(path: string, o: { bigint: true }): { dev: bigint; ino: bigint; ctimeNs: bigint };
}
/** Asked for at first use, not at load: the browser build loads this module too, with no process. */
let nodeFs: NodeFs | undefined;
const fs = (): NodeFs =>
  nodeFs ??= (globalThis as unknown as {
    process: { getBuiltinModule(n: "node:fs"): NodeFs };
  }).process.getBuiltinModule("node:fs");

const files: SocketFiles = {
  identity(path) {
    try {
      const s = fs().lstatSync(path, { bigint: true });
      return `${s.dev}:${s.ino}:${s.ctimeNs}`;
    } catch {
      return undefined;
    }
  },
  remove: (path) => fs().unlinkSync(path),
  rename: (from, to) => fs().renameSync(from, to),
};

/** What a partial write left: a small remainder is copied, since a view would keep the whole (maybe shared) buffer alive while the peer stalls. */
function remainder(bytes: Uint8Array, written: number): Uint8Array {
  return bytes.length - written < bytes.length / 4 ? bytes.slice(written) : bytes.subarray(written);
}
