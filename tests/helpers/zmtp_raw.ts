/**
 * A hand-written ZMTP peer on a raw TCP socket (node:net), for tests that
 * must see or send exact bytes: greetings of either minor version, READY,
 * frames and commands built here by hand, not by our codec, so that an
 * encoding bug in the library cannot hide behind the same bug in the test.
 */
import { createConnection, createServer, type Server, type Socket as NetSocket } from "node:net";
import { within } from "./timeout.ts";

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export const bytes = (s: string): Uint8Array => encoder.encode(s);

/** The parts joined into one array. */
export function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A NULL-mechanism greeting: `minor` 0 is a ZMTP 3.0 peer, 1 a ZMTP 3.1 peer. */
export function greeting(minor: number): Uint8Array {
  const g = new Uint8Array(64);
  g.set([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, minor]);
  g.set(bytes("NULL"), 12);
  return g;
}

/** One frame: flags byte (LONG added when the body needs it), size, body. */
export function frame(body: Uint8Array, flags = 0): Uint8Array {
  if (body.length <= 255) return concat([flags, body.length], body);
  const size = new Uint8Array(8);
  new DataView(size.buffer).setBigUint64(0, BigInt(body.length));
  return concat([flags | 0x02], size, body);
}

/** A command frame: name length, name, data. */
export function command(name: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  return frame(concat([name.length], bytes(name), data), 0x04);
}

/** A READY command with only the Socket-Type property. */
export function ready(socketType: string): Uint8Array {
  const value = bytes(socketType);
  return command("READY", concat([11], bytes("Socket-Type"), [0, 0, 0, value.length], value));
}

/** A frame as read off the wire. */
export interface RawFrame {
  flags: number;
  more: boolean;
  command: boolean;
  body: Uint8Array;
  /** Header and body exactly as received. */
  raw: Uint8Array;
}

/** The Socket-Type property of a READY command body, or undefined. */
export function readySocketType(body: Uint8Array): string | undefined {
  const dec = new TextDecoder();
  if (dec.decode(body.subarray(1, 1 + body[0]!)) !== "READY") return undefined;
  let at = 1 + body[0]!;
  while (at < body.length) {
    const nameLen = body[at]!;
    const name = dec.decode(body.subarray(at + 1, at + 1 + nameLen));
    at += 1 + nameLen;
    const valueLen = new DataView(body.buffer, body.byteOffset + at, 4).getUint32(0);
    const value = body.subarray(at + 4, at + 4 + valueLen);
    at += 4 + valueLen;
    if (name === "Socket-Type") return dec.decode(value);
  }
  return undefined;
}

/**
 * One raw TCP connection speaking ZMTP by hand.
 *
 * @example
 * ```ts
 * const peer = await RawPeer.connect(port);
 * const theirs = await peer.handshake(1, "SUB");
 * peer.write(command("SUBSCRIBE", bytes("A")));
 * const f = await peer.readFrame();
 * ```
 */
export class RawPeer {
  #sock: NetSocket;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #ended = false;
  #wake: (() => void) | undefined;
  /** Resolves when the connection has closed. */
  readonly closed: Promise<void>;

  private constructor(sock: NetSocket) {
    this.#sock = sock;
    sock.on("data", (chunk: Uint8Array) => {
      this.#chunks.push(new Uint8Array(chunk)); // a plain copy, not a Buffer
      this.#buffered += chunk.length;
      this.#wake?.();
    });
    sock.on("error", () => {});
    this.closed = new Promise((resolve) =>
      sock.on("close", () => {
        this.#ended = true;
        this.#wake?.();
        resolve();
      })
    );
  }

  /** Connects to 127.0.0.1:`port`. */
  static connect(port: number): Promise<RawPeer> {
    return within(
      new Promise((resolve, reject) => {
        const sock = createConnection(
          { host: "127.0.0.1", port },
          () => resolve(new RawPeer(sock)),
        );
        sock.once("error", reject);
      }),
      5000,
      `a TCP connection to port ${port}`,
    );
  }

  /** Listens on a free loopback port; `accept()` gives the next connection as a RawPeer. */
  static async listen(): Promise<{ endpoint: string; accept(): Promise<RawPeer>; close(): void }> {
    const server: Server = createServer();
    const waiting: RawPeer[] = [];
    let wake: (() => void) | undefined;
    server.on("connection", (sock: NetSocket) => {
      waiting.push(new RawPeer(sock)); // it buffers what arrives until read
      wake?.();
    });
    await within(
      new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r())),
      5000,
      "the mock server to listen",
    );
    const port = (server.address() as { port: number }).port;
    return {
      endpoint: `tcp://127.0.0.1:${port}`,
      async accept() {
        while (waiting.length === 0) {
          await within(new Promise<void>((r) => (wake = r)), 5000, "a connection to the mock");
        }
        return waiting.shift()!;
      },
      close: () => void server.close(),
    };
  }

  /** Writes the parts as one chunk. */
  write(...parts: Uint8Array[]): void {
    this.#sock.write(concat(...parts));
  }

  /** Exactly `n` bytes; fails after `ms` or if the connection closes first. */
  async read(n: number, ms = 5000): Promise<Uint8Array> {
    const deadline = Date.now() + ms;
    while (this.#buffered < n) {
      if (this.#ended) throw new Error(`connection closed after ${this.#buffered} of ${n} bytes`);
      const wait = new Promise<void>((r) => (this.#wake = r));
      await within(wait, Math.max(1, deadline - Date.now()), `${n} bytes from zmq-ts`);
    }
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const c = this.#chunks[0]!;
      const take = Math.min(c.length, n - at);
      out.set(c.subarray(0, take), at);
      at += take;
      if (take === c.length) this.#chunks.shift();
      else this.#chunks[0] = c.subarray(take);
    }
    this.#buffered -= n;
    return out;
  }

  /** The next frame. */
  async readFrame(ms = 5000): Promise<RawFrame> {
    const head = await this.read(2, ms);
    const flags = head[0]!;
    let size: number;
    let header: Uint8Array;
    if (flags & 0x02) {
      const rest = await this.read(7, ms);
      header = concat(head, rest);
      size = Number(new DataView(header.buffer, 1, 8).getBigUint64(0));
    } else {
      header = head;
      size = head[1]!;
    }
    const body = await this.read(size, ms);
    return {
      flags,
      more: (flags & 1) !== 0,
      command: (flags & 4) !== 0,
      body,
      raw: concat(header, body),
    };
  }

  /**
   * Sends our greeting (ZMTP 3.`minor`) and READY as `socketType`, reads
   * theirs, and returns their greeting and the Socket-Type they declared.
   */
  async handshake(
    minor: number,
    socketType: string,
  ): Promise<{ greeting: Uint8Array; socketType: string | undefined }> {
    this.write(greeting(minor), ready(socketType));
    const theirs = await this.read(64);
    const f = await this.readFrame();
    if (!f.command) throw new Error("expected READY, got a message frame");
    return { greeting: theirs, socketType: readySocketType(f.body) };
  }

  /** Closes the connection. */
  close(): void {
    this.#sock.destroy();
  }
}
