/**
 * msreader: reading from multiple sockets (the Guide, chapter 2), the naive
 * way: a PULL socket gets tasks from taskvent and a SUB socket gets weather
 * updates from wuserver, and we check each in turn without waiting
 * (receiveTimeout 0 makes receive() fail at once with EAGAIN when nothing is
 * there), tasks first, pausing 1 ms when both are empty. That pause costs
 * latency and the polling costs CPU: the Guide's mspoller does it properly.
 * (In TypeScript, two `for await` loops running side by side also do it.)
 *
 * Run: `deno run -A examples/msreader.ts` or `bun examples/msreader.ts`, with
 * wuserver and taskvent running (and tasksink, so that taskvent can finish).
 * Flags: --ventilator tcp://localhost:5557  --weather tcp://localhost:5556  --zip 10001
 *        --count N (stop after N messages from either; default: forever)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { type Message, Pull, type Socket, Subscriber, ZmqError } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    ventilator: { type: "string", default: "tcp://localhost:5557" },
    weather: { type: "string", default: "tcp://localhost:5556" },
    zip: { type: "string", default: "10001" },
    count: { type: "string", default: "Infinity" },
  },
});
const count = Number(values.count);
const text = (frame: Uint8Array | undefined) => new TextDecoder().decode(frame);

// Connect to the task ventilator and to the weather server.
const receiver = new Pull({ receiveTimeout: 0 });
receiver.connect(values.ventilator);
const subscriber = new Subscriber({ receiveTimeout: 0 });
subscriber.connect(values.weather);
subscriber.subscribe(`${values.zip} `);

/** The next message if one is waiting, else undefined. */
async function receiveNow(socket: Socket): Promise<Message | undefined> {
  try {
    return await socket.receive();
  } catch (e) {
    if (e instanceof ZmqError && e.code === "EAGAIN") return undefined;
    throw e;
  }
}

let seen = 0;
while (seen < count) {
  // Process any waiting tasks, then any waiting weather updates.
  for (let msg; seen < count && (msg = await receiveNow(receiver)); seen++) {
    console.log(`task: ${text(msg[0])} ms`);
  }
  for (let msg; seen < count && (msg = await receiveNow(subscriber)); seen++) {
    console.log(`weather update: ${text(msg[0])}`);
  }
  await new Promise((r) => setTimeout(r, 1)); // nothing waiting: pause
}
receiver.close();
subscriber.close();
