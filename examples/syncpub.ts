/**
 * syncpub: node coordination, publisher side (the Guide, chapter 2). A PUB
 * socket would send into the void before its subscribers have joined, so the
 * publisher first waits for a known number of subscribers to check in on a
 * REP socket, then broadcasts its updates and a final "END".
 *
 * Unlike the Guide, the publisher sets `noDrop`: a PUB drops messages for a
 * subscriber whose queue is full (1000 messages by default), and a million
 * updates fill any queue; with noDrop, send() waits for the slowest subscriber
 * instead, so every subscriber gets every update.
 *
 * Run: `deno run -A examples/syncpub.ts` or `bun examples/syncpub.ts`, then
 * as many syncsub as --subscribers says.
 * Flags: --endpoint tcp://*:5561 (updates)  --sync-endpoint tcp://*:5562
 *        --subscribers 10  --updates 1000000
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Publisher, Reply } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    endpoint: { type: "string", default: "tcp://*:5561" },
    "sync-endpoint": { type: "string", default: "tcp://*:5562" },
    subscribers: { type: "string", default: "10" },
    updates: { type: "string", default: "1000000" },
  },
});
const subscribers = Number(values.subscribers);
const updates = Number(values.updates);

const publisher = new Publisher({ noDrop: true });
await publisher.bind(values.endpoint);
const syncservice = new Reply();
await syncservice.bind(values["sync-endpoint"]);
console.log(`syncpub: publishing on ${publisher.lastEndpoint}`);
console.log(`syncpub: sync on ${syncservice.lastEndpoint}`);

console.log("Waiting for subscribers");
for (let n = 1; n <= subscribers; n++) {
  await syncservice.receive();
  await syncservice.send("");
  console.log(`Subscriber ${n} of ${subscribers} is ready`);
}

console.log(`Broadcasting ${updates} updates`);
for (let n = 0; n < updates; n++) await publisher.send("Rhubarb");
await publisher.send("END");
publisher.close();
syncservice.close();
