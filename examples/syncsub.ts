/**
 * syncsub: node coordination, subscriber side (the Guide, chapter 2). A SUB
 * socket subscribes, then checks in with syncpub over REQ/REP, and counts
 * updates until "END".
 *
 * The check-in must not overtake the subscription: the Guide sleeps a second
 * first; here we wait until the SUB socket's connection is up (its
 * "handshake" event), by when the subscription is on its way to the publisher
 * on that connection, ahead of the check-in on the other.
 *
 * Run: `deno run -A examples/syncsub.ts` or `bun examples/syncsub.ts`, with
 * syncpub running (see syncpub.ts).
 * Flags: --endpoint tcp://localhost:5561 (updates)  --sync-endpoint tcp://localhost:5562
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Request, Subscriber } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    endpoint: { type: "string", default: "tcp://localhost:5561" },
    "sync-endpoint": { type: "string", default: "tcp://localhost:5562" },
  },
});

// First, connect our subscriber socket and wait for its connection.
const subscriber = new Subscriber();
const connected = new Promise((resolve) => subscriber.events.on("handshake", resolve));
subscriber.subscribe("");
subscriber.connect(values.endpoint);
await connected;

// Second, synchronize with the publisher.
const syncclient = new Request();
syncclient.connect(values["sync-endpoint"]);
await syncclient.send("");
await syncclient.receive();
syncclient.close();

// Third, get our updates and report how many we got.
let updates = 0;
for await (const [update] of subscriber) {
  if (new TextDecoder().decode(update) === "END") break;
  updates++;
}
console.log(`Received ${updates} updates`);
subscriber.close();
