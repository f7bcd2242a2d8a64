// What the ws adapter's translation costs per message, for the choice between translating in the
// transport (what zmq-ts does: the engine keeps speaking ZMTP bytes) and a framing seam in the
// engine (it would speak ZWS directly and skip this): ZMTP -> ZWS on the way out (cutting the
// engine's batches into messages, flags rewritten in place) and ZWS -> ZMTP on the way in (a
// header made for each message, small ones copied). Compare with a WebSocket send or receive per
// message (bench/ws.mjs, "WebSocket alone").
// Usage: deno run -A bench/zws_codec.ts   or   bun bench/zws_codec.ts
import { messageSize, writeMessage } from "../src/codec/frame.ts";
import { encodeGreeting } from "../src/codec/greeting.ts";
import { ZmtpToZws, ZwsToZmtp } from "../src/codec/zws.ts";
import { FrameDecoder } from "../src/codec/frame.ts";

const runtime = (globalThis as { Bun?: unknown }).Bun !== undefined ? "Bun" : "Deno";

function best(run: () => number, rounds = 7): number {
  let min = Infinity;
  for (let i = 0; i < rounds; i++) min = Math.min(min, run());
  return min;
}

for (const size of [1, 64, 1024, 65536]) {
  const perBatch = Math.max(1, Math.floor(64 * 1024 / (size + 9)));
  const batches = Math.max(4, Math.floor(2_000_000 / perBatch / Math.max(1, size / 64)));
  const frames = Array.from({ length: perBatch }, () => [new Uint8Array(size)]);
  const batch = new Uint8Array(frames.reduce((n, f) => n + messageSize(f), 0));
  let at = 0;
  for (const f of frames) at = writeMessage(batch, at, f);
  let sink = 0;
  const emit = (m: Uint8Array) => (sink += m.length);

  const out = best(() => {
    const cut = new ZmtpToZws();
    cut.push(encodeGreeting("NULL"), emit);
    const t0 = performance.now();
    for (let b = 0; b < batches; b++) cut.push(batch, emit);
    return (performance.now() - t0) * 1e6 / (batches * perBatch);
  });

  const messages = Array.from({ length: 1024 }, () => new Uint8Array(1 + size));
  const n = Math.max(4096, Math.floor(2_000_000 / Math.max(1, size / 64)));
  const inbound = best(() => {
    const t = new ZwsToZmtp();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink += t.frame(messages[i & 1023]!).length;
    return (performance.now() - t0) * 1e6 / n;
  });
  // For scale: the decoder the engine runs on every frame anyway.
  const decode = best(() => {
    const t = new ZwsToZmtp();
    const chunks = messages.map((m) => t.frame(m));
    const d = new FrameDecoder();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      for (const c of chunks[i & 1023]!) d.push(c);
      sink += d.next()!.body.length;
    }
    return (performance.now() - t0) * 1e6 / n;
  });
  console.log(
    `${runtime} ${String(size).padStart(5)} B: ZMTP->ZWS ${out.toFixed(0)} ns/msg, ` +
      `ZWS->ZMTP ${inbound.toFixed(0)} ns/msg (the engine's own decode of it: ${
        decode.toFixed(0)
      } ns)${sink < 0 ? "" : ""}`,
  );
}
