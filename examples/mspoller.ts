/**
 * mspoller: reading from multiple sockets with a Poller (the Guide, chapter
 * 1): tasks from the ventilator and weather updates from the weather server,
 * each served as soon as it arrives.
 *
 * Run: `deno run -A examples/mspoller.ts` or `bun examples/mspoller.ts`, with taskvent and wuserver.
 * Flags: --tasks tcp://localhost:5557  --weather tcp://localhost:5556  --count N (stop after N messages)
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Poller, Pull, Subscriber } from "../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    tasks: { type: "string", default: "tcp://localhost:5557" },
    weather: { type: "string", default: "tcp://localhost:5556" },
    count: { type: "string", default: "Infinity" },
  },
});

// Connect to task ventilator
const receiver = new Pull();
receiver.connect(values.tasks);
// Connect to weather server
const subscriber = new Subscriber();
subscriber.connect(values.weather);
subscriber.subscribe("10001 ");

const poller = new Poller().add(receiver).add(subscriber);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
for (let served = 0; served < Number(values.count);) {
  for (const { socket } of await poller.poll()) {
    const [msg] = await socket.receive();
    console.log(socket === receiver ? `task: ${text(msg!)}` : `weather: ${text(msg!)}`);
    served++;
  }
}
receiver.close();
subscriber.close();
