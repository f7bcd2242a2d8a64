/**
 * hwclient: Hello World client (the Guide, chapter 1). A REQ socket sends
 * "Hello" and waits for each "World" before sending the next: REQ enforces the
 * strict send/receive/send/receive rhythm.
 *
 * Run: `deno run -A examples/hwclient.ts` or `bun examples/hwclient.ts`, with
 * hwserver running. Start them in either order: connect() retries until the
 * server is there.
 * Flags: --endpoint tcp://localhost:5555  --count 10 (requests to send)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Request } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    endpoint: { type: "string", default: "tcp://localhost:5555" },
    count: { type: "string", default: "10" },
  },
});

console.log("Connecting to hello world server...");
const requester = new Request();
requester.connect(values.endpoint);

for (let i = 0; i < Number(values.count); i++) {
  console.log(`Sending Hello ${i}...`);
  await requester.send("Hello");
  const [reply] = await requester.receive();
  console.log(`Received ${new TextDecoder().decode(reply)} ${i}`);
}
requester.close();
