// zeromq.js (npm `zeromq`, libzmq 4.3.5 underneath) throughput over tcp or ipc under Node,
// measured as bench/c/thr.c measures libzmq: two processes.
//   thr_zeromqjs.cjs recv <endpoint> <size> <count>   PULL, binds, prints "ready", times first to last
//   thr_zeromqjs.cjs send <endpoint> <size> <count>   PUSH, connects, sends, waits for stdin to
//                                                     close, closes with linger -1
// Usage: node bench/thr_zeromqjs.cjs ...
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
  if (role === "recv") {
    const pull = new zmq.Pull();
    await pull.bind(endpoint);
    console.log("ready");
    let bad = 0;
    let [first] = await pull.receive();
    if (first.length !== size) bad++;
    const start = performance.now();
    for (let i = 1; i < count; i++) {
      [first] = await pull.receive();
      if (first.length !== size) bad++;
    }
    const elapsed = performance.now() - start;
    const rate = (count - 1) / (elapsed / 1000);
    console.log(JSON.stringify({
      kind: "throughput",
      size,
      count,
      bad,
      msgs_per_s: Math.round(rate),
      mb_per_s: +(rate * size / 1e6).toFixed(2),
    }));
    pull.close();
  } else if (role === "send") {
    const push = new zmq.Push({ linger: -1 });
    push.connect(endpoint);
    const payload = Buffer.alloc(size);
    for (let i = 0; i < count; i++) await push.send(payload);
    await stdinClosed();
    push.close();
  } else {
    console.error("usage: thr_zeromqjs.cjs recv|send <endpoint> <size> <count>");
    process.exit(2);
  }
}
main();
