/**
 * interrupt: shutting down cleanly on Ctrl-C (the Guide, chapter 2).
 * A REP server waits for requests; on SIGINT or SIGTERM the blocked receive
 * ends, the loop unwinds, and the process exits with status 0.
 *
 * Run: `deno run -A examples/interrupt.ts` or `bun examples/interrupt.ts`, then press Ctrl-C.
 * Flags: --endpoint tcp://*:5555
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Reply, shutdownOnSignals } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { endpoint: { type: "string", default: "tcp://*:5555" } },
});

shutdownOnSignals({ onSignal: () => console.log("W: interrupt received, killing server...") });
const responder = new Reply();
await responder.bind(values.endpoint);
console.log(`I: listening on ${responder.lastEndpoint}`);
try {
  for await (const [request] of responder) {
    console.log(`Received: ${new TextDecoder().decode(request)}`);
    await responder.send("World");
  }
} catch (e) {
  if ((e as { code?: string }).code !== "ETERM") throw e;
}
console.log("I: clean exit");
