// The ceiling for any ZeroMQ-over-WebSocket built on the runtime's own WebSocket: the runtime
// alone moving the same messages (one binary message per frame, a flags byte and the body), with
// no ZeroMQ at all. bench/ws.mjs runs it beside zmq-ts over ws, so the gap is what zmq-ts costs.
//   ws_raw.ts recv <ws endpoint> <size> <count>   server: counts messages, times first to last
//   ws_raw.ts send <ws endpoint> <size> <count>   client: sends, holding at 1 MiB unsent (as zmq-ts)
//   ws_raw.ts rep  <ws endpoint> <size> <count>   server: echoes
//   ws_raw.ts req  <ws endpoint> <size> <count>   client: round trips, prints one way
// Usage: deno run -A bench/ws_raw.ts ...   or   bun bench/ws_raw.ts ...
import process from "node:process";
import { args, stdinClosed } from "./common.ts";
import { latencyResult, throughputResult } from "../src/cli/bench.ts";

const { role, endpoint, size, count } = args;
const url = new URL(endpoint);
const g = globalThis as any;

/** A server on the endpoint's port whose sockets call `onMessage`; resolves once listening. */
function serve(onMessage: (data: Uint8Array, reply: (b: Uint8Array) => void) => void): void {
  const port = Number(url.port);
  if (g.Bun !== undefined) {
    g.Bun.serve({
      hostname: url.hostname,
      port,
      fetch: (req: Request, s: any) =>
        s.upgrade(req) ? undefined : new Response("no", { status: 400 }),
      websocket: {
        perMessageDeflate: false,
        message: (ws: any, m: Uint8Array) => onMessage(m, (b) => ws.send(b)),
      },
    });
  } else {
    g.Deno.serve({ hostname: url.hostname, port, onListen() {} }, (req: Request) => {
      const { socket, response } = g.Deno.upgradeWebSocket(req, { idleTimeout: 0 });
      socket.binaryType = "arraybuffer";
      socket.onmessage = (e: MessageEvent) =>
        onMessage(new Uint8Array(e.data), (b) => socket.send(b));
      return response;
    });
  }
  console.log("ready");
}

function connect(): Promise<WebSocket> {
  const ws = new WebSocket(endpoint);
  ws.binaryType = "arraybuffer";
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error(`cannot connect to ${endpoint}`));
  });
}

const message = new Uint8Array(1 + size); // the flags byte, then the body

if (role === "recv") {
  let n = 0;
  let start = 0;
  let bad = 0;
  serve((m) => {
    if (m.length !== 1 + size) bad++;
    if (n++ === 0) start = performance.now();
    if (n < count) return;
    console.log(JSON.stringify(throughputResult(size, count, bad, performance.now() - start)));
    process.exit(0);
  });
} else if (role === "send") {
  const ws = await connect();
  for (let i = 0; i < count; i++) {
    ws.send(message);
    if (ws.bufferedAmount >= 1024 * 1024) {
      while (ws.bufferedAmount > 256 * 1024) await new Promise((r) => setTimeout(r, 1));
    }
  }
  await stdinClosed();
  ws.close();
} else if (role === "rep") {
  let n = 0;
  serve((m, reply) => {
    reply(m);
    if (++n === count) stdinClosed().then(() => process.exit(0));
  });
} else if (role === "req") {
  const ws = await connect();
  let next: (() => void) | undefined;
  let bad = 0;
  ws.onmessage = (e: MessageEvent) => {
    if ((e.data as ArrayBuffer).byteLength !== 1 + size) bad++;
    next?.();
  };
  let start = 0;
  for (let i = 0; i < count; i++) {
    if (i === 1) start = performance.now();
    const back = new Promise<void>((r) => (next = r));
    ws.send(message);
    await back;
  }
  console.log(JSON.stringify(latencyResult(size, count, bad, performance.now() - start)));
  ws.close();
  process.exit(0);
} else {
  console.error("usage: ws_raw.ts recv|send|rep|req <ws endpoint> <size> <count>");
  process.exit(2);
}
