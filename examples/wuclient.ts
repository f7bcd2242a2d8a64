/**
 * wuclient: weather update client (the Guide, chapter 1). A SUB socket
 * subscribes to one zip code (a prefix match on the message) and averages the
 * temperature over a number of updates.
 *
 * Run: `deno run -A examples/wuclient.ts` or `bun examples/wuclient.ts`, with
 * wuserver running.
 * Flags: --endpoint tcp://localhost:5556  --zip 10001  --updates 100 (updates to average)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Subscriber } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    endpoint: { type: "string", default: "tcp://localhost:5556" },
    zip: { type: "string", default: "10001" },
    updates: { type: "string", default: "100" },
  },
});
const updates = Number(values.updates);

console.log("Collecting updates from weather server...");
const subscriber = new Subscriber();
subscriber.connect(values.endpoint);
subscriber.subscribe(`${values.zip} `); // the space keeps 10001 from matching 100010

let total = 0;
for (let n = 0; n < updates; n++) {
  const [update] = await subscriber.receive();
  const [, temperature] = new TextDecoder().decode(update).split(" ");
  total += Number(temperature);
}
console.log(`Average temperature for zipcode '${values.zip}' was ${Math.round(total / updates)}F`);
subscriber.close();
