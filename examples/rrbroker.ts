/**
 * rrbroker: a request-reply broker written with a Poller (the Guide, chapter
 * 2): whichever side has a message, forward it whole to the other. Clients
 * (REQ) connect to the frontend, workers (REP) to the backend.
 *
 * Run: `deno run -A examples/rrbroker.ts` or `bun examples/rrbroker.ts`, with rrclient and rrworker.
 * Flags: --frontend tcp://*:5559  --backend tcp://*:5560
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Dealer, Poller, Router, shutdownOnSignals } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    frontend: { type: "string", default: "tcp://*:5559" },
    backend: { type: "string", default: "tcp://*:5560" },
  },
});

shutdownOnSignals();
const frontend = new Router();
const backend = new Dealer();
await frontend.bind(values.frontend);
await backend.bind(values.backend);
console.log(`rrbroker: frontend ${frontend.lastEndpoint}, backend ${backend.lastEndpoint}`);

const poller = new Poller().add(frontend).add(backend);
try {
  for (;;) {
    for (const { socket } of await poller.poll()) {
      const message = await socket.receive();
      await (socket === frontend ? backend : frontend).send(message);
    }
  }
} catch (e) {
  if (!frontend.closed) throw e; // Ctrl-C closes the sockets, which ends the loop
}
