/**
 * tcp and ipc on Deno: Deno.listen / Deno.connect (unix sockets for ipc).
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { tcpAddress } from "../endpoint.ts";
import { listenAtPath, type SocketFiles } from "./ipc_file.ts";
import type { Listener, Stream, StreamAddress as AnyAddress, StreamTransport } from "./stream.ts";
import { ReadBuffers } from "./read_buffers.ts";
import { setImmediate } from "../macrotask.ts";

/** The addresses this adapter serves: tcp and ipc. */
type StreamAddress = Exclude<AnyAddress, { transport: "ws" }>;

// The few Deno APIs used, declared locally so the rest of the code needs no Deno types.
interface DenoConn {
  readonly remoteAddr: DenoAddr;
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
  setNoDelay?(on?: boolean): void;
  ref(): void;
  unref(): void;
}
type DenoAddr = { transport: "tcp"; hostname: string; port: number } | {
  transport: "unix";
  path: string;
};
interface DenoListener {
  readonly addr: DenoAddr;
  accept(): Promise<DenoConn>;
  close(): void;
  ref(): void;
  unref(): void;
}
interface DenoApi {
  listen(o: Record<string, unknown>): DenoListener;
  connect(o: Record<string, unknown>): Promise<DenoConn>;
  removeSync(path: string): void;
  renameSync(from: string, to: string): void;
  lstatSync(
    path: string,
  ): { dev: number; ino: number | null; mtime: Date | null; birthtime: Date | null };
  errors: Record<string, new (...a: unknown[]) => Error>;
}
const D = (globalThis as unknown as { Deno: DenoApi }).Deno;

const files: SocketFiles = {
  identity(path) {
    try {
      const s = D.lstatSync(path);
      return `${s.dev}:${s.ino}:${s.mtime?.getTime()}:${s.birthtime?.getTime()}`;
    } catch {
      return undefined;
    }
  },
  remove: (path) => D.removeSync(path),
  rename: (from, to) => D.renameSync(from, to),
};

const WRITE_HIGH_WATER = 256 * 1024;
const nothing = () => {};
const none = () => 0;
/** Queued chunks smaller than this are joined into one write, up to about this many bytes. */
const COALESCE_BELOW = 16 * 1024;

class DenoStream implements Stream {
  // Shared placeholders until the engine sets its own: a closure per connection costs memory.
  onData: (b: Uint8Array) => void = nothing;
  onDrain: () => void = nothing;
  onClose: (e?: Error) => void = nothing;
  undecoded: () => number = none;
  readonly remoteAddress: string;
  #conn: DenoConn;
  #closed = false;
  #ending = false;
  #paused = false;
  #resume: (() => void) | undefined;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #writing = false;
  /** The engine wants the process kept alive for this stream. */
  #keep = true;
  /** Whether the connection is ref'd now (Deno conns start so; unref affects reads only). */
  #refd = true;

  constructor(conn: DenoConn, remote: string) {
    this.#conn = conn;
    this.remoteAddress = remote;
    try {
      conn.setNoDelay?.(true);
    } catch { /* unix sockets have no Nagle */ }
    this.#readLoop();
  }

  keepAlive(keep: boolean): void {
    this.#keep = keep;
    this.#applyRef();
  }

  /** Pending writes keep Deno alive by themselves; reads follow the engine's wish. */
  #applyRef(): void {
    if (this.#closed || this.#keep === this.#refd) return;
    this.#refd = this.#keep;
    try {
      if (this.#keep) this.#conn.ref();
      else this.#conn.unref();
    } catch { /* closed under us */ }
  }

  write(bytes: Uint8Array): boolean {
    if (this.#closed) return true;
    this.#queue.push(bytes);
    this.#queued += bytes.length;
    if (!this.#writing) this.#writeLoop();
    return this.#queued < WRITE_HIGH_WATER;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    const r = this.#resume;
    this.#resume = undefined;
    r?.();
  }

  end(): void {
    if (this.#closed) return;
    this.#ending = true;
    if (!this.#writing) this.#finish();
  }

  destroy(error?: Error): void {
    this.#finish(error);
  }

  #finish(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    try {
      this.#conn.close();
    } catch { /* already closed */ }
    this.#resume?.();
    this.onClose(error);
  }

  async #readLoop(): Promise<void> {
    const buffers = new ReadBuffers();
    try {
      while (!this.#closed) {
        // A resume may be followed at once by another pause: check again before reading.
        while (this.#paused && !this.#closed) await new Promise<void>((r) => (this.#resume = r));
        if (this.#closed) return;
        const reading = this.#conn.read(buffers.next());
        // Carried bytes go out alone if the read that should join them does not complete at once
        // (setImmediate runs after the event loop has polled for I/O; measured cheaper than a
        // timer: 64 KiB one way over tcp 48.6 against 55.5 us). Once that read has taken them,
        // flush() finds nothing to hand out.
        if (buffers.carrying) setImmediate(() => this.#deliver(buffers.flush()));
        const n = await reading;
        if (this.#closed) return;
        if (n === null) {
          this.#deliver(buffers.flush());
          return this.#finish();
        }
        const chunk = buffers.take(n);
        if (chunk === undefined) continue; // carried into the next read, which returns at once
        this.onData(chunk);
        buffers.settle(this.undecoded());
      }
    } catch (e) {
      this.#finish(this.#closed ? undefined : (e as Error));
    }
  }

  #deliver(chunk: Uint8Array | undefined): void {
    if (chunk !== undefined && !this.#closed) this.onData(chunk);
  }

  async #writeLoop(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const data = this.#nextWrite();
        let off = 0;
        while (off < data.length && !this.#closed) {
          off += await this.#conn.write(data.subarray(off));
        }
        this.#queued -= data.length;
        if (this.#queued < WRITE_HIGH_WATER && this.#queue.length === 0) this.onDrain();
      }
    } catch (e) {
      this.#finish(e as Error);
    } finally {
      this.#writing = false;
    }
    if (this.#ending) this.#finish();
  }

  /**
   * Takes the next write off the queue: a large chunk as it is, or a run of small ones joined
   * (one syscall for many small writes, without copying the engine's 64 KiB batches again).
   */
  #nextWrite(): Uint8Array {
    const q = this.#queue;
    let n = 0;
    let bytes = 0;
    while (n < q.length && q[n]!.length < COALESCE_BELOW && bytes < COALESCE_BELOW) {
      bytes += q[n++]!.length;
    }
    if (n <= 1) return q.shift()!;
    const data = new Uint8Array(bytes);
    let at = 0;
    for (const c of q.splice(0, n)) {
      data.set(c, at);
      at += c.length;
    }
    return data;
  }
}

function remoteOf(a: DenoAddr): string {
  return a.transport === "tcp" ? tcpAddress(a.hostname, a.port) : `ipc://${a.path}`;
}

function listenError(e: unknown, address: string): Error {
  const name = (e as Error).name;
  if (name === "AddrInUse") {
    return zmqError("EADDRINUSE", `address already in use: ${address}`, { address, cause: e });
  }
  if (name === "AddrNotAvailable") {
    return zmqError("EADDRNOTAVAIL", `address not available: ${address}`, { address, cause: e });
  }
  if (name === "NotFound" || name === "PermissionDenied") {
    return zmqError("EINVAL", `cannot bind ${address}: ${(e as Error).message}`, {
      address,
      cause: e,
    });
  }
  return zmqError("EINVAL", `cannot bind ${address}: ${(e as Error).message}`, {
    address,
    cause: e,
  });
}

/** The Deno adapter. */
export const denoTransport: StreamTransport<StreamAddress> = {
  listen(
    addr: StreamAddress,
    onStream: (s: Stream) => void,
    onAcceptError?: (error: Error) => void,
  ): Promise<Listener> {
    const wanted = addr.transport === "tcp"
      ? tcpAddress(addr.host, addr.port)
      : `ipc://${addr.path}`;
    let l: DenoListener;
    let release: (() => void) | undefined;
    try {
      if (addr.transport === "tcp") {
        l = D.listen({ hostname: addr.host, port: addr.port });
      } else {
        const unix = (path: string) => D.listen({ transport: "unix", path });
        ({ listener: l, release } = listenAtPath(addr.path, files, unix, (l) => l.close()));
      }
    } catch (e) {
      return Promise.reject(listenError(e, wanted));
    }
    l.unref(); // an idle listener does not keep the process alive (liveness.ts)
    const address = addr.transport === "tcp"
      ? tcpAddress(addr.host, (l.addr as { port: number }).port)
      : `ipc://${addr.path}`;
    let open = true;
    const loop = (async () => {
      while (open) {
        let conn: DenoConn;
        try {
          conn = await l.accept();
        } catch (e) {
          if (!open) return;
          onAcceptError?.(e as Error);
          // e.g. out of file descriptors: back off rather than spin.
          await new Promise((r) => setTimeout(r, 10));
          continue;
        }
        onStream(new DenoStream(conn, remoteOf(conn.remoteAddr)));
      }
    })();
    return Promise.resolve({
      address,
      close() {
        if (!open) return loop;
        open = false;
        try {
          l.ref(); // until the cancelled accept has settled: close() resolves only then
          l.close();
        } catch { /* closed */ }
        release?.();
        // Deno frees the port only once the pending accept has been cancelled.
        return loop;
      },
    });
  },

  async connect(addr: StreamAddress): Promise<Stream> {
    const conn = addr.transport === "tcp"
      ? await D.connect({ hostname: addr.host, port: addr.port })
      : await D.connect({ transport: "unix", path: addr.path });
    const remote = addr.transport === "tcp"
      ? tcpAddress(addr.host, addr.port)
      : `ipc://${addr.path}`;
    return new DenoStream(conn, remote);
  },
};
