/**
 * msgqueue: a shared queue (the Guide, chapter 2). Clients (REQ) connect to
 * the frontend ROUTER, services (REP) to the backend DEALER; the built-in
 * proxy passes requests and replies between them.
 *
 * Run: `deno run -A examples/msgqueue.ts` or `bun examples/msgqueue.ts`, with rrclient and rrworker.
 * Flags: --frontend tcp://*:5559  --backend tcp://*:5560
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Dealer, proxy, Router, shutdownOnSignals } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    frontend: { type: "string", default: "tcp://*:5559" },
    backend: { type: "string", default: "tcp://*:5560" },
  },
});

shutdownOnSignals();
const frontend = new Router();
await frontend.bind(values.frontend);
const backend = new Dealer();
await backend.bind(values.backend);
console.log(`msgqueue: frontend ${frontend.lastEndpoint}, backend ${backend.lastEndpoint}`);
await proxy(frontend, backend);
