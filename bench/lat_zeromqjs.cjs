// zeromq.js (npm `zeromq`, libzmq 4.3.5 underneath) latency over tcp or ipc under Node,
// measured as bench/c/lat.c measures libzmq: two processes.
//   lat_zeromqjs.cjs rep <endpoint> <size> <count>   REP, binds, prints "ready", echoes count messages,
//                                                    waits for stdin to close
//   lat_zeromqjs.cjs req <endpoint> <size> <count>   REQ, connects, count round trips (the first
//                                                    untimed); prints one way = round trip / 2
// Usage: node bench/lat_zeromqjs.cjs ...
"use strict";
const zmq = require("zeromq");

const [role, endpoint, sizeArg, countArg] = process.argv.slice(2);
const size = Number(sizeArg);
const count = Number(countArg);

// Senders (and REP) wait for stdin to close before closing: bench/tcp_ipc.mjs closes it once the
// receiver has reported, so no process exits before its peer got everything (see bench/c/thr.c).
const stdinClosed = () =>
  new Promise((resolve) => {
    process.stdin.on("end", resolve).on("close", resolve).resume();
  });

async function main() {
  if (role === "rep") {
    const rep = new zmq.Reply({ linger: -1 });
    await rep.bind(endpoint);
    console.log("ready");
    for (let i = 0; i < count; i++) await rep.send(await rep.receive());
    await stdinClosed();
    rep.close();
  } else if (role === "req") {
    const req = new zmq.Request();
    req.connect(endpoint);
    const payload = Buffer.alloc(size);
    let bad = 0;
    let start = 0;
    for (let i = 0; i < count; i++) {
      if (i === 1) start = performance.now();
      await req.send(payload);
      const [reply] = await req.receive();
      if (reply.length !== size) bad++;
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
  } else {
    console.error("usage: lat_zeromqjs.cjs rep|req <endpoint> <size> <count>");
    process.exit(2);
  }
}
main();
