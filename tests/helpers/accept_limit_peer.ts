// A child process for the accept:error test: a PULL bound on tcp, run under a low file descriptor
// limit by the test. It prints one JSON line per fact: its endpoint, each accept and accept:error
// event, each message received. It ends when its stdin closes.
import process from "node:process";
import { Pull } from "../../mod.ts";

const say = (o: unknown) => process.stdout.write(JSON.stringify(o) + "\n");
const pull = new Pull({ linger: 0 });
pull.events.on("accept", () => say({ event: "accept" }));
pull.events.on("accept:error", (e) => say({ event: "accept:error", error: e.error?.message }));
await pull.bind("tcp://127.0.0.1:*");
say({ endpoint: pull.lastEndpoint });
process.stdin.on("end", () => pull.close());
process.stdin.resume();
for await (const [m] of pull) say({ message: new TextDecoder().decode(m) });
process.exit(0);
