/**
 * psenvsub: pub-sub envelope subscriber (the Guide, chapter 2). It subscribes
 * to key "B" only and prints each message as [key] contents: the "A" messages
 * are filtered out by the publisher and never reach us.
 *
 * Run: `deno run -A examples/psenvsub.ts` or `bun examples/psenvsub.ts`, with
 * psenvpub running.
 * Flags: --endpoint tcp://localhost:5563  --count N (messages to print, then exit; default: forever)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Subscriber } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    endpoint: { type: "string", default: "tcp://localhost:5563" },
    count: { type: "string", default: "Infinity" },
  },
});
const count = Number(values.count);
const text = (frame: Uint8Array | undefined) => new TextDecoder().decode(frame);

const subscriber = new Subscriber();
subscriber.connect(values.endpoint);
subscriber.subscribe("B");

let received = 0;
for await (const [address, contents] of subscriber) {
  console.log(`[${text(address)}] ${text(contents)}`);
  if (++received >= count) break;
}
subscriber.close();
