// A libzmq peer for interop tests: the npm `zeromq` package (libzmq 4.3.5)
// under Node, driven by one JSON command per stdin line; one JSON reply per
// command on stdout. Frames travel base64-encoded.
"use strict";
const zmq = require("zeromq");
const readline = require("node:readline");

const TYPES = {
  PAIR: zmq.Pair,
  PUSH: zmq.Push,
  PULL: zmq.Pull,
  REQ: zmq.Request,
  REP: zmq.Reply,
  DEALER: zmq.Dealer,
  ROUTER: zmq.Router,
  PUB: zmq.Publisher,
  SUB: zmq.Subscriber,
  XPUB: zmq.XPublisher,
  XSUB: zmq.XSubscriber,
  STREAM: zmq.Stream,
};
let sock;
let zapAsked = [];
// Z85 of a 32-byte key (RFC 32), for the ZAP handler's log.
const Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
function zmq_z85(buf) {
  let out = "";
  for (let i = 0; i < buf.length; i += 4) {
    let v = buf.readUInt32BE(i);
    const group = [];
    for (let j = 0; j < 5; j++) {
      group.unshift(Z85[v % 85]);
      v = Math.floor(v / 85);
    }
    out += group.join("");
  }
  return out;
}
const counts = {}; // monitor events seen, by type, for the types given to "watch"
const codes = {}; // the error codes of those events (zeromq.js's error.code), by type, in order
const countWaiters = []; // [type, atLeast, resolve]
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const b64 = (frames) => frames.map((f) => Buffer.from(f).toString("base64"));
const unb64 = (frames) => frames.map((f) => Buffer.from(f, "base64"));

async function run(cmd) {
  switch (cmd.op) {
    case "socket":
      sock = new TYPES[cmd.type](cmd.options || {});
      return {};
    case "bind":
      await sock.bind(cmd.endpoint);
      return { endpoint: sock.lastEndpoint };
    case "connect":
      sock.connect(cmd.endpoint);
      return {};
    case "send":
      for (let i = 0; i < (cmd.repeat || 1); i++) await sock.send(unb64(cmd.frames));
      return {};
    case "sendSeq": // frames: [prefix..., String(i)] for i in [0, count)
      for (let i = 0; i < cmd.count; i++) await sock.send([...unb64(cmd.prefix || []), String(i)]);
      return {};
    case "recv": {
      const msgs = [];
      for (let i = 0; i < (cmd.count || 1); i++) msgs.push(b64(await sock.receive()));
      return { msgs };
    }
    case "recvUntil": { // receives until a message whose first frame is `until`; returns those before it
      const msgs = [];
      for (;;) {
        const msg = await sock.receive();
        if (msg[0].toString() === cmd.until) return { msgs };
        msgs.push(b64(msg));
      }
    }
    case "recvSeq": { // expects the last frame of message i to be String(i)
      let inOrder = true;
      let sizes = [];
      for (let i = 0; i < cmd.count; i++) {
        const msg = await sock.receive();
        const last = msg[msg.length - 1].toString();
        if (last !== String(i)) inOrder = false;
        if (i === 0) sizes = msg.map((f) => f.length);
      }
      return { count: cmd.count, inOrder, sizes };
    }
    case "request": // send one message, wait for one reply (REQ, DEALER)
      await sock.send(unb64(cmd.frames));
      return { msgs: [b64(await sock.receive())] };
    case "echo": // receive count messages and send each back unchanged
      for (let i = 0; i < cmd.count; i++) await sock.send(await sock.receive());
      return {};
    case "subscribe": // SUB: each topic base64; none means everything
      sock.subscribe(...unb64(cmd.topics || []));
      return {};
    case "unsubscribe":
      sock.unsubscribe(...unb64(cmd.topics || []));
      return {};
    case "watch": // counts the socket's monitor events (sock.events) of these types from now on
      for (const t of cmd.types) {
        if (t in counts) continue;
        counts[t] = 0;
        codes[t] = [];
        sock.events.on(t, (e) => {
          counts[t]++;
          if (e.error?.code !== undefined) codes[t].push(e.error.code);
          for (const w of countWaiters.splice(0)) {
            if ((counts[w[0]] || 0) >= w[1]) w[2]();
            else countWaiters.push(w);
          }
        });
      }
      return {};
    case "events": // the counts so far; with `type`, first waits (up to `ms`) until it reaches `atLeast`
      if (cmd.type !== undefined && (counts[cmd.type] || 0) < cmd.atLeast) {
        await new Promise((resolve, reject) => {
          const w = [cmd.type, cmd.atLeast, () => {
            clearTimeout(timer);
            resolve();
          }];
          const timer = setTimeout(() => {
            countWaiters.splice(countWaiters.indexOf(w), 1);
            reject(new Error(`${cmd.atLeast} "${cmd.type}" event(s) not seen within ${cmd.ms} ms`));
          }, cmd.ms);
          countWaiters.push(w);
        });
      }
      return { counts: { ...counts }, codes: { ...codes } };
    case "recvWithin": { // one message if one comes within `ms`, else none
      const before = sock.receiveTimeout;
      sock.receiveTimeout = cmd.ms;
      try {
        return { msgs: [b64(await sock.receive())] };
      } catch (e) {
        if (e.code === "EAGAIN") return { msgs: [] };
        throw e;
      } finally {
        sock.receiveTimeout = before;
      }
    }
    case "keypair": // libzmq's own CURVE key pair (Z85)
      return zmq.curveKeyPair();
    case "zap": { // a ZAP handler (REP at inproc://zeromq.zap.01) letting in the listed keys/users
      const handler = new zmq.Reply();
      await handler.bind("inproc://zeromq.zap.01");
      zapAsked = [];
      (async () => {
        for await (const req of handler) {
          const [version, id, domain, address, , mechanism, ...creds] = req;
          const m = mechanism.toString();
          const who = m === "CURVE" ? zmq_z85(creds[0]) : m === "PLAIN" ? creds[0].toString() : "";
          zapAsked.push({
            mechanism: m,
            who,
            domain: domain.toString(),
            address: address.toString(),
          });
          const ok = m === "CURVE"
            ? (cmd.keys || []).includes(who)
            : m === "PLAIN"
            ? (cmd.users || {})[who] === creds[1].toString()
            : !!cmd.allowNull;
          await handler.send([
            version,
            id,
            ok ? "200" : cmd.refuse || "400",
            ok ? "OK" : "no",
            ok ? `user:${who}` : "",
            "",
          ]);
        }
      })().catch(() => {});
      return {};
    }
    case "zapAsked":
      return { asked: zapAsked };
    case "close":
      sock.close();
      return {};
    default:
      throw new Error(`unknown op ${cmd.op}`);
  }
}

const rl = readline.createInterface({ input: process.stdin });
let chain = Promise.resolve();
rl.on("line", (line) => {
  const cmd = JSON.parse(line);
  chain = chain.then(() => run(cmd)).then(
    (r) => out({ id: cmd.id, ok: true, ...r }),
    (e) => out({ id: cmd.id, ok: false, error: String(e && e.message), code: e && e.code }),
  );
});
rl.on("close", () => process.exit(0));
out({ ready: true, version: zmq.version });
