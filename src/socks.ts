/**
 * Connecting through a SOCKS5 proxy (RFC 1928), as libzmq's ZMQ_SOCKS_PROXY does: no
 * authentication, a CONNECT request carrying an IP address as it is or a host name unresolved
 * (the proxy resolves it), then the connection carries ZMTP as if made directly.
 *
 * @module
 */

import { parseEndpoint } from "./endpoint.ts";
import type { Stream, StreamAddress, StreamTransport } from "./transports/stream.ts";
import { backgroundTimeout, type BackgroundTimer, clearBackground } from "./liveness.ts";

const VERSION = 5;
const NO_AUTH = 0;
const CONNECT = 1;
const IPV4 = 1;
const DOMAIN = 3;
const IPV6 = 4;

/** The proxy's address, "host:port" or "[v6]:port" (libzmq's form), as a tcp address. */
export function socksAddress(proxy: string): { host: string; port: number } {
  let ep;
  try {
    ep = parseEndpoint(`tcp://${proxy}`);
  } catch {
    ep = undefined;
  }
  if (ep?.transport !== "tcp" || ep.port === 0) {
    throw new TypeError(`socksProxy must be "host:port", got "${proxy}"`);
  }
  return { host: ep.host, port: ep.port };
}

/** The CONNECT request for `host:port`: an IPv4 or IPv6 literal as bytes, anything else by name. */
export function connectRequest(host: string, port: number): Uint8Array {
  let atyp: number;
  let addr: number[];
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
    atyp = IPV4;
    addr = host.split(".").map(Number);
  } else if (host.includes(":")) {
    atyp = IPV6;
    addr = ipv6Bytes(host);
  } else {
    const name = new TextEncoder().encode(host);
    if (name.length > 255) throw new TypeError(`host name too long for SOCKS5: ${host}`);
    atyp = DOMAIN;
    addr = [name.length, ...name];
  }
  return new Uint8Array([VERSION, CONNECT, 0, atyp, ...addr, port >> 8, port & 0xff]);
}

function ipv6Bytes(host: string): number[] {
  const [head, tail] = host.includes("::") ? host.split("::") : [host, undefined];
  const groups = (s: string | undefined) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const t = groups(tail);
  const all = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** Bytes of the proxy's reply to CONNECT, once its address type is known; undefined if not yet. */
function replyLength(reply: Uint8Array): number | undefined {
  if (reply.length < 5) return undefined;
  switch (reply[3]) {
    case IPV4:
      return 10;
    case IPV6:
      return 22;
    case DOMAIN:
      return 7 + reply[4]!;
    default:
      return -1;
  }
}

const REPLIES: Record<number, string> = {
  1: "general SOCKS server failure",
  2: "connection not allowed by ruleset",
  3: "network unreachable",
  4: "host unreachable",
  5: "connection refused",
  6: "TTL expired",
  7: "command not supported",
  8: "address type not supported",
};

/**
 * Connects to `target` through the SOCKS5 proxy at `proxy`; resolves with the stream once the
 * proxy has connected it, ready for the engine. Rejects (and closes) if the proxy refuses, or if
 * it has not answered within `timeoutMs` (0: no limit) once connected to: the engine's handshake
 * timer starts only afterwards, and a silent proxy held the connect forever (libzmq's does too).
 *
 * @example
 * ```ts
 * const stream = await socksConnect(transport, "127.0.0.1:1080", { transport: "tcp", host: "example.org", port: 5555 });
 * ```
 */
export async function socksConnect(
  transport: StreamTransport,
  proxy: string,
  target: Extract<StreamAddress, { transport: "tcp" }>,
  timeoutMs = 0,
): Promise<Stream> {
  const { host, port } = socksAddress(proxy);
  const stream = await transport.connect({ transport: "tcp", host, port });
  let timer: BackgroundTimer | undefined;
  const leftover = await new Promise<Uint8Array>((resolve, reject) => {
    let buf = new Uint8Array(0);
    let chosen = false;
    const fail = (why: string) => {
      // Rejected first: destroying reports a close, whose plainer error would otherwise win.
      reject(new Error(`SOCKS5 proxy ${proxy}: ${why}`));
      stream.destroy();
    };
    if (timeoutMs > 0) {
      timer = backgroundTimeout(() => fail(`no answer in ${timeoutMs} ms`), timeoutMs);
    }
    stream.onClose = (e) => reject(e ?? new Error(`SOCKS5 proxy ${proxy} closed the connection`));
    stream.onData = (bytes) => {
      const next = new Uint8Array(buf.length + bytes.length);
      next.set(buf);
      next.set(bytes, buf.length);
      buf = next;
      if (!chosen) {
        if (buf.length < 2) return;
        if (buf[0] !== VERSION || buf[1] !== NO_AUTH) return fail("no acceptable method");
        chosen = true;
        buf = buf.subarray(2);
        stream.write(connectRequest(target.host, target.port));
      }
      const n = replyLength(buf);
      if (n === undefined || buf.length < n) return;
      if (n < 0 || buf[0] !== VERSION) return fail("malformed reply");
      if (buf[1] !== 0) return fail(REPLIES[buf[1]!] ?? `error ${buf[1]}`);
      resolve(buf.subarray(n));
    };
    stream.write(new Uint8Array([VERSION, 1, NO_AUTH]));
  }).finally(() => clearBackground(timer));
  return withPrefix(stream, leftover);
}

/** The stream, with bytes that came with the proxy's reply delivered first to its next reader. */
function withPrefix(stream: Stream, prefix: Uint8Array): Stream {
  stream.onData = () => {};
  stream.onClose = () => {};
  if (prefix.length === 0) return stream;
  let reader: (b: Uint8Array) => void = () => {};
  let pending: Uint8Array | undefined = prefix;
  Object.defineProperty(stream, "onData", {
    get: () => reader,
    set(fn: (b: Uint8Array) => void) {
      reader = fn;
      if (pending === undefined) return;
      const first = pending;
      pending = undefined;
      queueMicrotask(() => reader(first));
    },
    configurable: true,
  });
  return stream;
}
