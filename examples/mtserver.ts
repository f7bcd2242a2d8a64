/**
 * mtserver: multithreaded Hello World server (the Guide, chapter 2).
 * Clients connect to a ROUTER on tcp; a proxy passes requests to a DEALER
 * on inproc, which spreads them over REP workers, each in its own Worker
 * thread; replies come back the same way.
 *
 * Run: `deno run -A examples/mtserver.ts` or `bun examples/mtserver.ts`,
 * then a Hello World client (e.g. hwclient) against tcp://localhost:5555.
 * Flags: --endpoint tcp://*:5555  --workers 5  --work-ms 1000 (the pretend work per request).
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Dealer, type Message, Router, type Socket } from "../mod.ts";
import { startWorker } from "../workers/mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    endpoint: { type: "string", default: "tcp://*:5555" },
    workers: { type: "string", default: "5" },
    "work-ms": { type: "string", default: "1000" },
  },
});

const clients = new Router();
await clients.bind(values.endpoint);
const workers = new Dealer();
await workers.bind("inproc://workers");

for (let i = 0; i < Number(values.workers); i++) {
  startWorker(new URL("./mtserver_worker.ts", import.meta.url), {
    data: { workMs: Number(values["work-ms"]) },
  });
}
console.log(`mtserver: ${values.workers} workers, listening on ${clients.lastEndpoint}`);

// The proxy: each direction forwards whole messages, envelopes included.
async function relay(from: Socket & AsyncIterable<Message>, to: Socket): Promise<void> {
  for await (const msg of from) await to.send(msg);
}
await Promise.all([relay(clients, workers), relay(workers, clients)]);
