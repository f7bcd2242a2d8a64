/**
 * A two-minute tour of zmq-ts, self-contained in one process:
 *
 * 1. Pipeline (PUSH/PULL over tcp): a ventilator hands out tasks to three
 *    workers, which send results to a sink. Work is load-balanced, results
 *    are fair-queued.
 * 2. Exclusive pair (PAIR over ipc): two sockets play ping-pong.
 * 3. Same-thread inproc: no network at all, the same API.
 * 4. Request-reply through a broker (REQ -> ROUTER | proxy | DEALER -> REP).
 * 5. Publish-subscribe (XPUB -> SUB): only the subscribed topics arrive.
 *
 * Run: `npm run demo` (Deno), or `node_modules/.bin/bun examples/demo.ts` (Bun).
 */
import {
  Dealer,
  Pair,
  proxy,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  Subscriber,
  XPublisher,
} from "../mod.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const runtime = "Bun" in globalThis ? "Bun" : "Deno";
console.log(`zmq-ts demo on ${runtime}\n`);

// --- 1. Pipeline ----------------------------------------------------------
console.log("1. Pipeline: ventilator -> 3 workers -> sink, over tcp");
const ventilator = new Push();
await ventilator.bind("tcp://127.0.0.1:*");
const sink = new Pull();
await sink.bind("tcp://127.0.0.1:*");
console.log(`   ventilator bound at ${ventilator.lastEndpoint}, sink at ${sink.lastEndpoint}`);

const workers = ["ant", "bee", "cat"].map((name) => {
  const tasks = new Pull();
  tasks.connect(ventilator.lastEndpoint!);
  const results = new Push();
  results.connect(sink.lastEndpoint!);
  const done = (async () => {
    for await (const [task] of tasks) {
      if (text(task!) === "stop") break;
      await results.send([name, task!]);
    }
    tasks.close();
    results.close();
  })();
  return { name, done };
});

// Wait until every worker is connected, so the round-robin is visible.
await new Promise<void>((resolve) => {
  let n = 0;
  ventilator.events.on("handshake", () => ++n === workers.length && resolve());
});
const TASKS = 12;
for (let i = 1; i <= TASKS; i++) await ventilator.send(`task ${i}`);
const perWorker = new Map<string, string[]>();
for (let i = 0; i < TASKS; i++) {
  const [who, task] = await sink.receive();
  const list = perWorker.get(text(who!)) ?? [];
  list.push(text(task!));
  perWorker.set(text(who!), list);
}
for (const [who, tasks] of perWorker) console.log(`   ${who} did ${tasks.join(", ")}`);
for (let i = 0; i < workers.length; i++) await ventilator.send("stop");
await Promise.all(workers.map((w) => w.done));
ventilator.close();
sink.close();

// --- 2. Pair --------------------------------------------------------------
const path = `/tmp/zmq-ts-demo-${Date.now()}.sock`;
console.log(`\n2. Pair: ping-pong over ipc://${path}`);
const left = new Pair();
await left.bind(`ipc://${path}`);
const right = new Pair();
right.connect(`ipc://${path}`);
for (let round = 1; round <= 3; round++) {
  await left.send(`ping ${round}`);
  const [ping] = await right.receive();
  await right.send(text(ping!).replace("ping", "pong"));
  const [pong] = await left.receive();
  console.log(`   left sent "ping ${round}", right answered "${text(pong!)}"`);
}
left.close();
right.close();

// --- 3. inproc ------------------------------------------------------------
console.log("\n3. inproc: a multipart message between two sockets in this thread");
const receiver = new Pull();
await receiver.bind("inproc://demo");
const sender = new Push();
sender.connect("inproc://demo");
await sender.send(["header", "", new Uint8Array([1, 2, 3])]);
const parts = await receiver.receive();
console.log(
  `   received ${parts.length} frames: ${parts.map((p) => `${p.length} bytes`).join(", ")}`,
);
sender.close();
receiver.close();
// --- 4. Request-reply through a broker -------------------------------------
console.log("\n4. Request-reply: 2 clients -> ROUTER | proxy | DEALER -> 2 services, over tcp");
const frontend = new Router();
const backend = new Dealer();
await frontend.bind("tcp://127.0.0.1:*");
await backend.bind("tcp://127.0.0.1:*");
const broker = proxy(frontend, backend);
const services = ["alpha", "beta"].map((name) => {
  const service = new Reply();
  service.connect(backend.lastEndpoint!);
  void (async () => {
    for await (const [question] of service) {
      await service.send(`${name} says ${text(question!).toUpperCase()}`);
    }
  })();
  return service;
});
for (const who of ["ana", "bob"]) {
  const client = new Request();
  client.connect(frontend.lastEndpoint!);
  for (let i = 1; i <= 2; i++) {
    await client.send(`hi from ${who} #${i}`);
    const [answer] = await client.receive();
    console.log(`   ${who} asked, ${text(answer!)}`);
  }
  client.close();
}

// --- 5. Publish-subscribe -------------------------------------------------
console.log("\n5. Publish-subscribe: a SUB gets only the topics it asked for");
const publisher = new XPublisher();
await publisher.bind("inproc://news");
const reader = new Subscriber();
reader.connect("inproc://news");
reader.subscribe("sport.");
const [subscription] = await publisher.receive(); // XPUB shows us the subscription arriving
console.log(`   the publisher saw a subscription to "${text(subscription!.subarray(1))}"`);
for (const topic of ["weather.paris", "sport.tennis", "politics", "sport.chess"]) {
  await publisher.send([topic, "..."]);
}
for (let i = 0; i < 2; i++) {
  console.log(`   the subscriber got ${text((await reader.receive())[0]!)}`);
}
reader.close();
publisher.close();
frontend.close(); // the proxy stops and closes the backend too
await broker;
for (const service of services) service.close();
console.log("\ndone.");
