/**
 * A hand-driven WebSocket server over node:net, for sending a ws client what no WebSocket server
 * would: oversized or fragmented control frames, endless fragments, an upgrade that never comes.
 * Frames are built here by hand (unmasked, as a server's are), not by the library's codec.
 */
import { createServer, type Server, type Socket as NetSocket } from "node:net";
import { createHash } from "node:crypto";
import { within } from "./timeout.ts";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** One server frame: FIN (or not), opcode, length in its shortest form, unmasked payload. */
export function serverFrame(opcode: number, payload: Uint8Array, fin = true): Uint8Array {
  const n = payload.length;
  const len = n < 126 ? 1 : n < 65536 ? 3 : 9;
  const out = new Uint8Array(1 + len + n);
  out[0] = (fin ? 0x80 : 0) | opcode;
  if (n < 126) out[1] = n;
  else if (n < 65536) {
    out[1] = 126;
    out[2] = n >> 8;
    out[3] = n & 0xff;
  } else {
    out[1] = 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
  }
  out.set(payload, 1 + len);
  return out;
}

/** A connection to the fake server, once its upgrade is answered (or left unanswered). */
export interface FakeWsConnection {
  socket: NetSocket;
  /** Resolves when the client has closed (or reset) the connection. */
  closed: Promise<void>;
}

/**
 * Listens on a loopback port. Each connection's upgrade is answered with 101 and `protocol`
 * (unless `answer` is false), then handed to `onConnection`.
 */
export async function fakeWsServer(
  onConnection: (c: FakeWsConnection) => void,
  { protocol = "ZWS2.0/NULL", answer = true, afterHead = new Uint8Array(0) }: {
    protocol?: string;
    answer?: boolean;
    /** Sent in the same write as the 101 answer. */
    afterHead?: Uint8Array;
  } = {},
): Promise<{ port: number; connections: () => number; close(): void }> {
  let count = 0;
  const sockets = new Set<NetSocket>();
  const server: Server = createServer((socket: NetSocket) => {
    count++;
    sockets.add(socket);
    socket.on("error", () => {});
    const closed = new Promise<void>((r) => socket.on("close", () => r()));
    closed.then(() => sockets.delete(socket));
    if (!answer) return onConnection({ socket, closed });
    let head = "";
    const onData = (d: Uint8Array) => {
      head += new TextDecoder().decode(d);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? "";
      const accept = createHash("sha1").update(key + GUID).digest("base64");
      const answer = new TextEncoder().encode(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
      );
      const out = new Uint8Array(answer.length + afterHead.length);
      out.set(answer);
      out.set(afterHead, answer.length);
      socket.write(out);
      onConnection({ socket, closed });
    };
    socket.on("data", onData);
  });
  await within(
    new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r())),
    5000,
    "the fake ws server to listen",
  );
  return {
    port: (server.address() as { port: number }).port,
    connections: () => count,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
