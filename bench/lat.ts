// zmq-ts latency over tcp or ipc, measured as bench/c/lat.c measures libzmq: two processes.
//   lat.ts rep <endpoint> <size> <count>   REP, binds, prints "ready", echoes count messages, waits
//                                          for stdin to close
//   lat.ts req <endpoint> <size> <count>   REQ, connects, count round trips (the first untimed);
//                                          prints one way = round trip / 2
// Usage: deno run -A bench/lat.ts ...   or   bun bench/lat.ts ...
import process from "node:process";
import { Context, Reply, Request } from "../mod.ts";

// ZMQ_TS_BACKEND=libzmq runs the same program on the libzmq backend (FFI) instead of the core.
const context = process.env.ZMQ_TS_BACKEND === "libzmq"
  ? new Context({ backend: await (await import("../libzmq.ts")).libzmq() })
  : undefined;

const [role, endpoint, sizeArg, countArg] = process.argv.slice(2) as [string, string, string, string];
const size = Number(sizeArg);
const count = Number(countArg);

// Senders (and REP) wait for stdin to close before closing: bench/tcp_ipc.mjs closes it once the
// receiver has reported, so no process exits before its peer got everything (see bench/c/thr.c).
const stdinClosed = () => new Promise<void>((resolve) => {
  process.stdin.on("end", resolve).on("close", resolve).resume();
});

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
    kind: "latency", size, count, bad, one_way_us: +(elapsed * 1000 / (count - 1) / 2).toFixed(2),
  }));
  req.close();
  process.exit(0);
} else {
  console.error("usage: lat.ts rep|req <endpoint> <size> <count>");
  process.exit(2);
}
