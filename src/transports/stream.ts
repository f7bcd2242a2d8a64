/**
 * The contract between the runtime-neutral core and each runtime's
 * transport adapter. Only adapters touch `Deno.*` or `Bun.*`.
 *
 * @module
 */

/**
 * A connected byte stream (tcp, ipc, or a ws connection presenting the ZMTP bytes the engine
 * expects). The engine sets the callbacks.
 */
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
  /**
   * How many received bytes the receiver holds undecoded: 0 at a message boundary. An adapter
   * whose pending read must hold a buffer (Deno's) gives a small one at a boundary, where the
   * next bytes may be hours away.
   */
  undecoded?: () => number;
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

/** What a ws endpoint is told of its socket. */
export interface WsSettings {
  /** The socket's security mechanism ("NULL"): it decides the subprotocols offered or accepted. */
  readonly mechanism: string;
  /**
   * Whether a receiver past its bound drops whole messages (SUB, XSUB: their senders drop for a
   * slow peer anyway) rather than closing the connection.
   */
  readonly dropWhenFull: boolean;
  /**
   * The socket's handshakeInterval (ms, 0 = none) when read: it also bounds a client's wait for
   * the answer to its upgrade, which comes before the engine's own handshake timer.
   */
  readonly handshakeInterval?: number;
  /**
   * The socket's maxMessageSize (bytes, -1 = none) when read: a server that can refuse a large
   * WebSocket message before buffering it (Bun.serve) is given a limit from it.
   */
  readonly maxMessageSize?: number;
  /** A client refused before any stream existed (not an upgrade, no subprotocol we speak...). */
  refused?(error: Error): void;
}

/** Address of a listen or connect: tcp host/port, an ipc path, or a ws(s) URL. */
export type StreamAddress =
  | { transport: "tcp"; host: string; port: number }
  | { transport: "ipc"; path: string }
  | {
    transport: "ws";
    secure: boolean;
    host: string;
    port: number;
    path: string;
    settings: WsSettings;
  };

/**
 * A transport ends a stream with this when the peer broke the transport's own framing (a text
 * frame on a ZWS connection); the engine reports it as a protocol error, not a lost connection.
 */
export class FramingError extends Error {
  override name = "FramingError";
}

/** What each runtime provides (for the addresses `A` it serves). */
export interface StreamTransport<A extends StreamAddress = StreamAddress> {
  /**
   * Listens; `onStream` is called for each accepted stream, `onAcceptError` for each connection the
   * runtime failed to accept (e.g. out of file descriptors; listening goes on). Rejects with a
   * ZmqError (EADDRINUSE...).
   */
  listen(
    addr: A,
    onStream: (s: Stream) => void,
    onAcceptError?: (error: Error) => void,
  ): Promise<Listener>;
  /** Connects; rejects when the peer cannot be reached. */
  connect(addr: A): Promise<Stream>;
}
