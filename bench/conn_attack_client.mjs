// The attacker of bench/conn_attack.mjs: garbage connections to a ZMTP server, as issue #12 tried
// them. Opens COUNT tcp connections (at most 200 connecting at once), of five kinds in turn:
//   random     1-2 KiB of random bytes
//   huge-cmd   a valid greeting, then a command frame declaring 2 GiB - 1, and nothing more
//   huge-msg   a valid greeting and READY, then a message frame declaring 2 GiB - 1 and 1 KiB of it
//   truncated  the first 10 bytes of a greeting
//   slowloris  a greeting, one byte every 100 ms
// Prints "opened <n> open <still open>" once all are made, then on "close" (stdin) destroys every
// one still open and prints "closed". Run with node; the harness raises its open-files limit.
//   node bench/conn_attack_client.mjs <host> <port> <count>
import { connect } from "node:net";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";

const [host, portArg, countArg] = process.argv.slice(2);
const port = Number(portArg);
const count = Number(countArg);

function greeting() {
  const g = new Uint8Array(64);
  g[0] = 0xff;
  g[8] = 1;
  g[9] = 0x7f;
  g[10] = 3;
  g[11] = 1;
  g.set(new TextEncoder().encode("NULL"), 12);
  return g;
}
/** A frame header with the long flag and a declared size of 2^31 - 1. */
const hugeHeader = (flags) => Uint8Array.of(flags | 0x02, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff);
function ready() {
  const body = new TextEncoder().encode("\x05READY\x0bSocket-Type\x00\x00\x00\x06DEALER");
  return Uint8Array.of(0x04, body.length, ...body);
}

const KINDS = {
  random: () => [randomBytes(1024 + Math.floor(Math.random() * 1024))],
  "huge-cmd": () => [greeting(), hugeHeader(0x04)],
  "huge-msg": () => [greeting(), ready(), hugeHeader(0), randomBytes(1024)],
  truncated: () => [greeting().subarray(0, 10)],
  slowloris: () => [],
};
const kinds = Object.keys(KINDS);

const sockets = [];
const slow = []; // [socket, bytes sent so far]
let open = 0;
let opened = 0;

function openOne(i) {
  return new Promise((resolve) => {
    const kind = kinds[i % kinds.length];
    const s = connect({ host, port }, () => {
      opened++;
      open++;
      for (const part of KINDS[kind]()) s.write(part);
      if (kind === "slowloris") slow.push([s, 0]);
      resolve();
    });
    s.on("error", () => {});
    s.on("close", () => {
      if (s.wasOpen) open--;
      resolve();
    });
    s.once("connect", () => (s.wasOpen = true));
    s.resume(); // read whatever the server says, so its writes never block
    sockets.push(s);
  });
}

const trickle = setInterval(() => {
  const g = greeting();
  for (const entry of slow) {
    const [s, at] = entry;
    if (at < g.length && !s.destroyed) s.write(g.subarray(at, at + 1));
    entry[1] = at + 1;
  }
}, 100);

let next = 0;
await Promise.all(Array.from({ length: 200 }, async () => {
  while (next < count) await openOne(next++);
}));
console.log(`opened ${opened} open ${open}`);

createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() !== "close") return;
  clearInterval(trickle);
  for (const s of sockets) s.destroy();
  console.log("closed");
}).on("close", () => process.exit(0));
