// A REQ that connects to the wss:// endpoint given, asks once and prints the reply. Run by
// tests/spec/wss_test.ts in a process of its own, so the test's certificate authority can be
// trusted from the start (DENO_CERT on Deno, NODE_EXTRA_CA_CERTS on Bun).
import process from "node:process";
import { Request } from "../../mod.ts";

const req = new Request({ linger: 0 });
req.events.on("connect:delay", (e) => console.error(`connect:delay ${e.error?.message}`));
req.connect(process.argv[2]!);
await req.send("over tls?");
const reply = await req.receive();
console.log(`reply: ${reply.map((f) => new TextDecoder().decode(f)).join(" ")}`);
req.close();
