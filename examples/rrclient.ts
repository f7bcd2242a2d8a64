/**
 * rrclient: request-reply client (the Guide, chapter 2). Like hwclient, but it
 * connects to a broker's frontend instead of to a server: the broker (a
 * ROUTER facing clients, a DEALER facing workers) spreads the requests over
 * every rrworker, so clients and workers can come and go independently.
 *
 * Run: `deno run -A examples/rrclient.ts` or `bun examples/rrclient.ts`, with
 * a broker on ports 5559/5560 (the Guide's rrbroker) and rrworker(s) behind
 * it. tests/examples_test.ts runs a minimal ROUTER/DEALER relay as the broker.
 * Flags: --endpoint tcp://localhost:5559 (the broker's frontend)  --count 10 (requests)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Request } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    endpoint: { type: "string", default: "tcp://localhost:5559" },
    count: { type: "string", default: "10" },
  },
});

const requester = new Request();
requester.connect(values.endpoint);

for (let i = 0; i < Number(values.count); i++) {
  await requester.send("Hello");
  const [reply] = await requester.receive();
  console.log(`Received reply ${i} [${new TextDecoder().decode(reply)}]`);
}
requester.close();
