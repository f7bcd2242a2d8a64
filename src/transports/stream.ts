/**
 * The contract between the runtime-neutral core and each runtime's
 * transport adapter. Only adapters touch `Deno.*` or `Bun.*`.
 *
 * @module
 */

/** A connected byte stream (tcp or ipc). The engine sets the callbacks. */
export interface Stream {
  /** The peer's address as an endpoint string, e.g. "tcp://127.0.0.1:40000". */
  readonly remoteAddress: string;
  /**
   * Queues bytes for sending; the adapter owns them afterwards. Returns false
   * when the caller should wait for {@link onDrain} before writing more.
   */
  write(bytes: Uint8Array): boolean;
  /** Stops delivering data (the peer then sees TCP back-pressure). */
  pause(): void;
  /** Delivers data again after {@link pause}. */
  resume(): void;
  /** Closes after queued bytes are written. */
  end(): void;
  /** Closes at once, dropping queued bytes. */
  destroy(): void;
  /**
   * Whether this stream keeps the process alive (see src/liveness.ts). The engine asks for it
   * while it has work (a handshake, bytes to deliver); the adapter also keeps it while its own
   * write queue is not empty. A new stream keeps the process alive until told otherwise.
   */
  keepAlive(keep: boolean): void;
  /** Received bytes; each chunk is fresh memory the receiver may keep. */
  onData: (bytes: Uint8Array) => void;
  /** Queued bytes have gone out; writing may continue. */
  onDrain: () => void;
  /** The stream is closed (by either side); called once. */
  onClose: (error?: Error) => void;
}

/** A bound listening endpoint. It does not keep the process alive (src/liveness.ts). */
export interface Listener {
  /** The resolved endpoint, with the port chosen for `:*` / `:0`. */
  readonly address: string;
  /** Stops accepting; resolves once the address is free again. Established streams are unaffected. */
  close(): Promise<void>;
}

/** Address of a listen or connect: tcp host/port or an ipc path. */
export type StreamAddress =
  | { transport: "tcp"; host: string; port: number }
  | { transport: "ipc"; path: string };

/** What each runtime provides. */
export interface StreamTransport {
  /**
   * Listens; `onStream` is called for each accepted stream, `onAcceptError` for each connection the
   * runtime failed to accept (e.g. out of file descriptors; listening goes on). Rejects with a
   * ZmqError (EADDRINUSE...).
   */
  listen(
    addr: StreamAddress,
    onStream: (s: Stream) => void,
    onAcceptError?: (error: Error) => void,
  ): Promise<Listener>;
  /** Connects; rejects when the peer cannot be reached. */
  connect(addr: StreamAddress): Promise<Stream>;
}
