/** mtserver's worker thread: a REP socket answering "World" on inproc. See mtserver.ts. */
import { Reply } from "../mod.ts";
import { joinContext } from "../workers/mod.ts";

const { data } = await joinContext<{ workMs: number }>();
const receiver = new Reply();
receiver.connect("inproc://workers");
for await (const [request] of receiver) {
  console.log(`Received request: [${new TextDecoder().decode(request)}]`);
  await new Promise((r) => setTimeout(r, data.workMs)); // do some 'work'
  await receiver.send("World");
}
