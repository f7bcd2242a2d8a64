// zmq-ts latency over tcp or ipc, measured as bench/c/lat.c measures libzmq: two processes.
//   lat.ts rep <endpoint> <size> <count>   REP, binds, prints "ready", echoes count messages, waits
//                                          for stdin to close
//   lat.ts req <endpoint> <size> <count>   REQ, connects, count round trips (the first untimed);
//                                          prints one way = round trip / 2
// Usage: deno run -A bench/lat.ts ...   or   bun bench/lat.ts ...
import process from "node:process";
import { Reply, Request } from "../mod.ts";
import { args, context, stdinClosed } from "./common.ts";

const { role, endpoint, size, count } = args;

if (role === "rep") {
  const rep = new Reply({ context });
  await rep.bind(endpoint);
  console.log("ready");
  for (let i = 0; i < count; i++) await rep.send(await rep.receive());
  await stdinClosed();
  rep.close(); // linger -1: the last reply is delivered before the process exits
} else if (role === "req") {
  const req = new Request({ context });
  req.connect(endpoint);
  const payload = new Uint8Array(size);
  let bad = 0;
  let start = 0;
  for (let i = 0; i < count; i++) {
    if (i === 1) start = performance.now();
    await req.send(payload);
    const [reply] = await req.receive();
    if (reply!.length !== size) bad++;
  }
  const elapsed = performance.now() - start;
  console.log(JSON.stringify({
    kind: "latency",
    size,
    count,
    bad,
    one_way_us: +(elapsed * 1000 / (count - 1) / 2).toFixed(2),
  }));
  req.close();
  process.exit(0);
} else {
  console.error("usage: lat.ts rep|req <endpoint> <size> <count>");
  process.exit(2);
}
