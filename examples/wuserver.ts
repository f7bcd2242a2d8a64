/**
 * wuserver: weather update server (the Guide, chapter 1). A PUB socket sends
 * "zipcode temperature humidity" updates as fast as it can to whoever is
 * subscribed. A publisher never waits: a subscriber that is not there, or too
 * slow, simply misses updates.
 *
 * Run: `deno run -A examples/wuserver.ts` or `bun examples/wuserver.ts`, then
 * wuclient (one or many) in other terminals.
 * Flags: --endpoint tcp://*:5556  --zips 100000 (zip codes drawn from 0..zips-1)
 *        --count N (send N updates, then exit; default: forever)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Publisher } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    endpoint: { type: "string", default: "tcp://*:5556" },
    zips: { type: "string", default: "100000" },
    count: { type: "string", default: "Infinity" },
  },
});
const zips = Number(values.zips);
const count = Number(values.count);
const randomInt = (n: number) => Math.floor(Math.random() * n);

const publisher = new Publisher();
await publisher.bind(values.endpoint);
console.log(`wuserver: publishing on ${publisher.lastEndpoint}`);

for (let sent = 0; sent < count; sent++) {
  const zipcode = String(randomInt(zips)).padStart(5, "0");
  const temperature = randomInt(215) - 80;
  const relhumidity = randomInt(50) + 10;
  await publisher.send(`${zipcode} ${temperature} ${relhumidity}`);
}
publisher.close();
