/**
 * wuproxy: a weather update proxy (the Guide, chapter 2). It subscribes to
 * the weather server upstream and republishes to its own subscribers;
 * their subscriptions travel up through it.
 *
 * Run: `deno run -A examples/wuproxy.ts` or `bun examples/wuproxy.ts`, with wuserver and wuclient.
 * Flags: --upstream tcp://localhost:5556  --endpoint tcp://*:8100
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { proxy, shutdownOnSignals, XPublisher, XSubscriber } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    upstream: { type: "string", default: "tcp://localhost:5556" },
    endpoint: { type: "string", default: "tcp://*:8100" },
  },
});

shutdownOnSignals();
// This is where the weather server sits
const frontend = new XSubscriber();
frontend.connect(values.upstream);
// This is our public endpoint for subscribers
const backend = new XPublisher();
await backend.bind(values.endpoint);
console.log(`wuproxy: from ${values.upstream} to ${backend.lastEndpoint}`);
await proxy(frontend, backend);
