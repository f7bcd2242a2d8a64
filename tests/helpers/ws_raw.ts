/**
 * A hand-driven WebSocket client over node:net, for sending what no WebSocket API would: any
 * subprotocol header, text frames, oversized frames, garbage after the upgrade.
 */
import { createConnection, type Socket as NetSocket } from "node:net";
import { within } from "./timeout.ts";

const enc = new TextEncoder();

/** A client frame (masked, as RFC 6455 requires of clients). */
export function clientFrame(opcode: number, payload: Uint8Array, fin = true): Uint8Array {
  const n = payload.length;
  const len = n < 126 ? 1 : n < 65536 ? 3 : 9;
  const out = new Uint8Array(1 + len + 4 + n);
  out[0] = (fin ? 0x80 : 0) | opcode;
  if (n < 126) out[1] = 0x80 | n;
  else if (n < 65536) {
    out[1] = 0x80 | 126;
    out[2] = n >> 8;
    out[3] = n & 0xff;
  } else {
    out[1] = 0x80 | 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
  }
  const mask = [0x12, 0x34, 0x56, 0x78];
  out.set(mask, 1 + len);
  for (let i = 0; i < n; i++) out[1 + len + 4 + i] = payload[i]! ^ mask[i % 4]!;
  return out;
}

/** What the server sent back: the HTTP status, headers, and after an upgrade its frames. */
export class RawWs {
  status = 0;
  headers = new Map<string, string>();
  /** Close frames received: their codes. */
  closeCodes: number[] = [];
  /** Binary and text messages received (payloads). */
  messages: Uint8Array[] = [];
  readonly closed: Promise<void>;
  #sock: NetSocket;
  #buf = new Uint8Array(0);
  #headDone = false;
  #head: Promise<void>;
  #headResolve!: () => void;

  private constructor(sock: NetSocket) {
    this.#sock = sock;
    this.#head = new Promise((r) => (this.#headResolve = r));
    this.closed = new Promise((r) => sock.on("close", () => r()));
    sock.on("error", () => {});
    sock.on("data", (d: Uint8Array) => this.#onData(d));
  }

  /**
   * Opens a tcp connection and sends `request` (an HTTP head, built by {@link upgradeRequest}
   * or by hand); resolves once the response head has arrived.
   */
  static async open(port: number, request: string): Promise<RawWs> {
    const sock = createConnection({ host: "127.0.0.1", port });
    const ws = new RawWs(sock);
    await within(new Promise((r) => sock.once("connect", r)), 5000, "the tcp connection");
    sock.write(enc.encode(request));
    await within(ws.#head, 5000, "the HTTP response");
    return ws;
  }

  /** Sends raw bytes. */
  send(bytes: Uint8Array): void {
    this.#sock.write(bytes);
  }

  /** Closes the tcp connection. */
  destroy(): void {
    this.#sock.destroy();
  }

  #onData(d: Uint8Array): void {
    const all = new Uint8Array(this.#buf.length + d.length);
    all.set(this.#buf);
    all.set(d, this.#buf.length);
    this.#buf = all;
    if (!this.#headDone) {
      const text = new TextDecoder().decode(this.#buf);
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return;
      const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
      this.status = Number(statusLine!.split(" ")[1]);
      for (const l of lines) {
        const c = l.indexOf(":");
        this.headers.set(l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim());
      }
      this.#headDone = true;
      this.#buf = this.#buf.subarray(enc.encode(text.slice(0, end + 4)).length);
      this.#headResolve();
      if (this.status !== 101) return;
    }
    this.#frames();
  }

  /** Server frames are unmasked. */
  #frames(): void {
    for (;;) {
      const b = this.#buf;
      if (b.length < 2) return;
      let n = b[1]! & 0x7f;
      let at = 2;
      if (n === 126) {
        if (b.length < 4) return;
        n = (b[2]! << 8) | b[3]!;
        at = 4;
      } else if (n === 127) {
        if (b.length < 10) return;
        n = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(2));
        at = 10;
      }
      if (b.length < at + n) return;
      const opcode = b[0]! & 0x0f;
      const payload = b.slice(at, at + n);
      if (opcode === 0x8) {
        this.closeCodes.push(n >= 2 ? (payload[0]! << 8) | payload[1]! : 1005);
        this.#sock.write(clientFrame(0x8, payload.subarray(0, 2))); // the closing handshake
      } else if (opcode === 0x1 || opcode === 0x2) this.messages.push(payload);
      this.#buf = b.subarray(at + n);
    }
  }
}

/** An HTTP upgrade request for `path`, offering `protocols` (omitted when empty) as written. */
export function upgradeRequest(path: string, protocols: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n` +
    (protocols.length > 0 ? `Sec-WebSocket-Protocol: ${protocols}\r\n` : "") + "\r\n";
}

/** The READY command of a NULL PUSH, as a ZWS message (flags 0x02). */
export function zwsReady(socketType: string): Uint8Array {
  const name = enc.encode("READY");
  const key = enc.encode("Socket-Type");
  const value = enc.encode(socketType);
  return new Uint8Array([
    0x02,
    name.length,
    ...name,
    key.length,
    ...key,
    0,
    0,
    0,
    value.length,
    ...value,
  ]);
}
