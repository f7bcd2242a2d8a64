/**
 * rrworker: request-reply worker (the Guide, chapter 2). Like hwserver, but it
 * connects to a broker's backend instead of binding: run as many as you like
 * behind one broker and the requests of every rrclient are shared among them.
 *
 * Run: `deno run -A examples/rrworker.ts` or `bun examples/rrworker.ts`, with
 * a broker on ports 5559/5560 (see rrclient.ts).
 * Flags: --endpoint tcp://localhost:5560 (the broker's backend)
 *        --work-ms 1000 (the pretend work per request)
 *        --count N (answer N requests, then exit; default: forever)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Reply } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    endpoint: { type: "string", default: "tcp://localhost:5560" },
    "work-ms": { type: "string", default: "1000" },
    count: { type: "string", default: "Infinity" },
  },
});
const workMs = Number(values["work-ms"]);
const count = Number(values.count);

const responder = new Reply();
responder.connect(values.endpoint);

let answered = 0;
for await (const [request] of responder) {
  console.log(`Received request: [${new TextDecoder().decode(request)}]`);
  await new Promise((r) => setTimeout(r, workMs)); // do some 'work'
  await responder.send("World");
  if (++answered >= count) break;
}
responder.close();
