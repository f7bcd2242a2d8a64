/**
 * hwserver: Hello World server (the Guide, chapter 1). A REP socket binds and
 * answers every request with "World", after pretending to work for a while.
 * REP hands us one request at a time and routes our reply back to its sender.
 *
 * Run: `deno run -A examples/hwserver.ts` or `bun examples/hwserver.ts`, then
 * hwclient in another terminal.
 * Flags: --endpoint tcp://*:5555  --work-ms 1000 (the pretend work per request)
 *        --count N (answer N requests, then exit; default: forever)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Reply } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    endpoint: { type: "string", default: "tcp://*:5555" },
    "work-ms": { type: "string", default: "1000" },
    count: { type: "string", default: "Infinity" },
  },
});
const workMs = Number(values["work-ms"]);
const count = Number(values.count);

const responder = new Reply();
await responder.bind(values.endpoint);
console.log(`hwserver: listening on ${responder.lastEndpoint}`);

let answered = 0;
for await (const [request] of responder) {
  console.log(`Received ${new TextDecoder().decode(request)}`);
  await new Promise((r) => setTimeout(r, workMs)); // do some 'work'
  await responder.send("World");
  if (++answered >= count) break;
}
responder.close(); // the default linger delivers the last reply before the process ends
