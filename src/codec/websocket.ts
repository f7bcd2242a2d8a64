/**
 * The client side of RFC 6455 over a byte stream: the HTTP upgrade request and the check of its
 * answer, and frames (masked going out, as a client must; read in any split coming in). Pure
 * functions over bytes, for the ZWS client that runs over the runtime's tcp stream (where the
 * runtime's own WebSocket client falls short: Deno's leaves Nagle on and cannot ping).
 *
 * @module
 */

/** Frame opcodes. */
export const OP_CONTINUATION = 0x0;
export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const encoder = new TextEncoder();

/** A random Sec-WebSocket-Key: 16 random bytes in base64. */
export function newKey(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/** The Sec-WebSocket-Accept a server must answer `key` with. */
export async function acceptFor(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", encoder.encode(key + GUID));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/**
 * The upgrade request.
 *
 * @example
 * ```ts
 * const head = upgradeRequest("127.0.0.1:5555", "/zmq", newKey(), ["ZWS2.0/NULL", "ZWS2.0"]);
 * ```
 */
export function upgradeRequest(
  host: string,
  path: string,
  key: string,
  protocols: readonly string[],
): Uint8Array {
  return encoder.encode(
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
      `Sec-WebSocket-Protocol: ${protocols.join(", ")}\r\n\r\n`,
  );
}

/** A refused or malformed upgrade answer. */
export class UpgradeError extends Error {
  override name = "UpgradeError";
}

/** The answer's head: its status and headers (names in lower case). */
export interface UpgradeAnswer {
  status: number;
  headers: Map<string, string>;
}

/** Heads longer than this are refused. */
export const MAX_HEAD = 16 * 1024;

/**
 * Finds the end of the HTTP head in `bytes` and parses it; `undefined` while it is incomplete.
 * Returns the answer and where the bytes after the head begin.
 */
export function parseAnswer(
  bytes: Uint8Array,
): { answer: UpgradeAnswer; rest: number } | undefined {
  let end = -1;
  for (let i = 3; i < bytes.length; i++) {
    if (bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13) {
      end = i + 1;
      break;
    }
  }
  if (end < 0) {
    if (bytes.length > MAX_HEAD) throw new UpgradeError("the answer's head is too long");
    return undefined;
  }
  const [status, ...lines] = new TextDecoder().decode(bytes.subarray(0, end - 4)).split("\r\n");
  const m = /^HTTP\/1\.1 (\d{3})/.exec(status ?? "");
  if (!m) throw new UpgradeError(`not an HTTP/1.1 answer: ${(status ?? "").slice(0, 60)}`);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  return { answer: { status: Number(m[1]), headers }, rest: end };
}

/**
 * Checks a server's answer to our upgrade: 101, the upgrade headers, the accept key for ours, and
 * a subprotocol among those offered. Returns the subprotocol.
 */
export async function checkAnswer(
  answer: UpgradeAnswer,
  key: string,
  offered: readonly string[],
): Promise<string> {
  const h = answer.headers;
  if (answer.status !== 101) throw new UpgradeError(`the server answered ${answer.status}`);
  const tokens = (v: string | undefined) => (v ?? "").toLowerCase().split(",").map((t) => t.trim());
  if (
    !tokens(h.get("upgrade")).includes("websocket") ||
    !tokens(h.get("connection")).includes("upgrade")
  ) {
    throw new UpgradeError("the answer does not upgrade to websocket");
  }
  if (h.get("sec-websocket-accept") !== await acceptFor(key)) {
    throw new UpgradeError("the answer's Sec-WebSocket-Accept does not match our key");
  }
  const protocol = h.get("sec-websocket-protocol") ?? "";
  if (!offered.includes(protocol)) {
    throw new UpgradeError(`the server chose no subprotocol we offered ("${protocol}")`);
  }
  return protocol;
}

/**
 * One masked client frame (FIN set): header, mask key and the payload XORed with it, in one new
 * buffer, so the caller's bytes are read once and never changed.
 *
 * @example
 * ```ts
 * const frame = clientFrame(OP_BINARY, new Uint8Array([0, 104, 105]));
 * console.assert(frame[0] === 0x82 && frame[1] === (0x80 | 3) && frame.length === 2 + 4 + 3);
 * ```
 */
export function clientFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 0x10000 ? 4 : 10;
  const out = frameBuffer(head + 4 + n);
  out[0] = 0x80 | opcode;
  if (n < 126) out[1] = 0x80 | n;
  else if (n < 0x10000) {
    out[1] = 0x80 | 126;
    out[2] = n >>> 8;
    out[3] = n & 0xff;
  } else {
    out[1] = 0x80 | 127;
    const view = new DataView(out.buffer);
    view.setUint32(2, Math.floor(n / 0x1_0000_0000));
    view.setUint32(6, n >>> 0);
  }
  const mask = out.subarray(head, head + 4);
  randomMask(mask);
  mask_(payload, mask, out, head + 4);
  return out;
}

/**
 * Small frames are carved from shared slabs (a fresh typed array per message costs more than the
 * copy on Deno); a slice is never written again, as the stream may still hold it.
 */
const SLAB = 256 * 1024;
let slab = new Uint8Array(0);
let slabAt = 0;

function frameBuffer(n: number): Uint8Array {
  if (n > SLAB / 16) return new Uint8Array(n);
  if (slabAt + n > slab.length) {
    slab = new Uint8Array(SLAB);
    slabAt = 0;
  }
  const out = slab.subarray(slabAt, slabAt + n);
  slabAt += n;
  return out;
}

/** Mask keys from a pool of random bytes refilled 4 KiB at a time, rather than a call per frame. */
const pool = new Uint8Array(4096);
let poolAt = pool.length;

function randomMask(into: Uint8Array): void {
  if (poolAt + 4 > pool.length) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  into.set(pool.subarray(poolAt, poolAt + 4));
  poolAt += 4;
}

/**
 * Copies `src` into `dst` at `at` and XORs it with the 4-byte `mask`: byte by byte up to a word
 * boundary of `dst`, then four bytes at a time with the mask turned to match.
 */
function mask_(src: Uint8Array, mask: Uint8Array, dst: Uint8Array, at: number): void {
  const n = src.length;
  dst.set(src, at);
  let i = 0;
  if (n >= 64) {
    while ((dst.byteOffset + at + i) % 4 !== 0) {
      dst[at + i] = dst[at + i]! ^ mask[i & 3]!;
      i++;
    }
    const words = (n - i) >>> 2;
    const turned = new Uint8Array(4);
    for (let k = 0; k < 4; k++) turned[k] = mask[(i + k) & 3]!;
    const m = new Uint32Array(turned.buffer)[0]!;
    const w = new Uint32Array(dst.buffer, dst.byteOffset + at + i, words);
    for (let k = 0; k < words; k++) w[k] = w[k]! ^ m;
    i += words * 4;
  }
  for (; i < n; i++) dst[at + i] = dst[at + i]! ^ mask[i & 3]!;
}

/** One frame from the server. `payload` may be a view into the input. */
export interface WsFrame {
  fin: boolean;
  opcode: number;
  payload: Uint8Array;
}

/** A frame the decoder refuses (a masked server frame, reserved bits, an oversized length). */
export class WsFrameError extends Error {
  override name = "WsFrameError";
}

/**
 * Reads server frames from a byte stream in any split. Payloads lying in one chunk are views;
 * others are copied once.
 *
 * @example
 * ```ts
 * const d = new WsFrameDecoder();
 * d.push(new Uint8Array([0x82, 0x02, 0x00]));
 * console.assert(d.next() === undefined);
 * d.push(new Uint8Array([0x41]));
 * console.assert(d.next()?.payload[1] === 0x41);
 * ```
 */
export class WsFrameDecoder {
  #chunks: Uint8Array[] = [];
  #available = 0;
  readonly #limit: number;

  /** Frames with a longer payload are refused (`maxPayload`, below 2^31). */
  constructor(maxPayload = 0x7fff_ffff) {
    this.#limit = maxPayload;
  }

  /** Bytes received and not yet returned. */
  get buffered(): number {
    return this.#available;
  }

  /** Adds received bytes (kept by reference). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#available += chunk.length;
  }

  /** The next complete frame, or `undefined` until more bytes arrive. */
  next(): WsFrame | undefined {
    if (this.#available < 2) return undefined;
    const head = this.#peek(Math.min(this.#available, 10));
    const b0 = head[0]!;
    const b1 = head[1]!;
    if ((b0 & 0x70) !== 0) throw new WsFrameError("reserved bits set (no extension was agreed)");
    if ((b1 & 0x80) !== 0) throw new WsFrameError("a server frame is masked");
    let n = b1 & 0x7f;
    let size = 2;
    if (n === 126) {
      if (head.length < 4) return undefined;
      n = (head[2]! << 8) | head[3]!;
      size = 4;
    } else if (n === 127) {
      if (head.length < 10) return undefined;
      const hi = head[2]! * 0x100_0000 + (head[3]! << 16) + (head[4]! << 8) + head[5]!;
      const lo = head[6]! * 0x100_0000 + (head[7]! << 16) + (head[8]! << 8) + head[9]!;
      if (hi !== 0 || lo > this.#limit) {
        throw new WsFrameError(`a frame of ${hi * 2 ** 32 + lo} bytes is over the limit`);
      }
      n = lo;
      size = 10;
    }
    if (n > this.#limit) throw new WsFrameError(`a frame of ${n} bytes is over the limit`);
    if (this.#available < size + n) return undefined;
    this.#take(size);
    return { fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload: this.#take(n) };
  }

  /** The first `n` bytes, without consuming them. */
  #peek(n: number): Uint8Array {
    const first = this.#chunks[0]!;
    if (first.length >= n) return first;
    const out = new Uint8Array(n);
    let at = 0;
    for (const c of this.#chunks) {
      const part = c.subarray(0, n - at);
      out.set(part, at);
      at += part.length;
      if (at === n) break;
    }
    return out;
  }

  #take(n: number): Uint8Array {
    this.#available -= n;
    const first = this.#chunks[0];
    if (n === 0) return new Uint8Array(0);
    if (first!.length >= n) {
      const view = first!.subarray(0, n);
      if (first!.length === n) this.#chunks.shift();
      else this.#chunks[0] = first!.subarray(n);
      return view;
    }
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const c = this.#chunks[0]!;
      const k = Math.min(c.length, n - at);
      out.set(c.subarray(0, k), at);
      at += k;
      if (k === c.length) this.#chunks.shift();
      else this.#chunks[0] = c.subarray(k);
    }
    return out;
  }
}
