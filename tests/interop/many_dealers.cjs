// Many libzmq DEALERs (npm `zeromq` under Node), one connection each, to one endpoint: each sends
// one message and waits for its echo. Prints one JSON line, {"answered": N, "ms": ...}, once every
// one has its echo, then keeps all connections open until stdin closes.
//   node many_dealers.cjs <endpoint> <count>
"use strict";
const zmq = require("zeromq");

const [endpoint, countArg] = process.argv.slice(2);
const count = Number(countArg);

async function main() {
  const context = new zmq.Context({ maxSockets: count + 100 });
  const dealers = Array.from({ length: count }, () => new zmq.Dealer({ context, linger: 0 }));
  const start = Date.now();
  for (const d of dealers) d.connect(endpoint);
  let answered = 0;
  await Promise.all(dealers.map(async (d, i) => {
    await d.send(`hello ${i}`);
    const [echo] = await d.receive();
    if (echo.toString() !== `hello ${i}`) throw new Error(`dealer ${i} got "${echo}"`);
    answered++;
  }));
  process.stdout.write(JSON.stringify({ answered, ms: Date.now() - start }) + "\n");
  process.stdin.on("end", () => {
    for (const d of dealers) d.close();
    process.exit(0);
  }).resume();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
