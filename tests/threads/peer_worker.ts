// A Worker for the cross-thread tests: joins the shared context and plays one role,
// reporting what it saw with postMessage. Roles are small so each test reads on its own.
import { Dealer, Pair, Pull, Push, Reply, Subscriber } from "../../mod.ts";
import { joinContext } from "../../workers/mod.ts";
import { localPeer, type PeerType } from "../helpers/blocked_send.ts";

interface Job {
  role:
    | "pair-echo"
    | "push"
    | "rep-echo"
    | "sub"
    | "dealer"
    | "pull-bind"
    | "wait-receive"
    | "hold"
    | "drain";
  endpoint: string;
  /** For "hold": the socket type that connects and never reads. */
  type?: PeerType;
  /** For "hold": Int32 [frozen, open], for a peer that freezes its thread and closes when opened. */
  gate?: SharedArrayBuffer;
  count?: number;
  size?: number;
}

const { context, data: job } = await joinContext<Job>();
const post = (m: unknown) =>
  (globalThis as unknown as { postMessage(m: unknown): void }).postMessage(m);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

try {
  switch (job.role) {
    case "pair-echo": { // echo `count` messages back, whole
      const pair = new Pair();
      pair.connect(job.endpoint);
      for (let i = 0; i < job.count!; i++) await pair.send(await pair.receive());
      post({ done: true });
      break;
    }
    case "push": { // send `count` messages [i, payload of `size`] (connecting before or after the bind)
      const push = new Push();
      push.connect(job.endpoint);
      const payload = new Uint8Array(job.size ?? 0).fill(7);
      for (let i = 0; i < job.count!; i++) await push.send([String(i), payload]);
      post({ done: true });
      break;
    }
    case "rep-echo": {
      const rep = new Reply();
      rep.connect(job.endpoint);
      for (let i = 0; i < job.count!; i++) {
        await rep.send((await rep.receive()).map((f) => text(f).toUpperCase()));
      }
      post({ done: true });
      break;
    }
    case "sub": { // subscribe to "A"; report the first message, then what came until ["A", "end"]
      const sub = new Subscriber();
      sub.connect(job.endpoint);
      sub.subscribe("A");
      let first = true;
      let foreign = 0;
      /** The numbered bodies (sent once the first message was seen), in the order they came. */
      const numbered: number[] = [];
      for (;;) {
        const [topic, body] = await sub.receive();
        if (text(topic!) !== "A") foreign++;
        if (first) post({ first: true });
        first = false;
        if (text(body!) === "end") break;
        if (/^\d+$/.test(text(body!))) numbered.push(Number(text(body!)));
      }
      const inOrder = numbered.every((n, i) => n === i);
      post({ done: true, numbered: numbered.length, inOrder, foreign });
      break;
    }
    case "dealer": { // named DEALER: say hello, then echo `count` messages
      const dealer = new Dealer({ routingId: "worker-dealer" });
      dealer.connect(job.endpoint);
      await dealer.send("hello");
      for (let i = 0; i < job.count!; i++) await dealer.send(await dealer.receive());
      post({ done: true });
      break;
    }
    case "pull-bind": { // bind in the worker; report what arrives
      const pull = new Pull();
      try {
        await pull.bind(job.endpoint);
      } catch (e) {
        post({ bindError: (e as { code?: string }).code });
        break;
      }
      post({ bound: true });
      for (let i = 0; i < job.count!; i++) {
        const [n] = await pull.receive();
        if (text(n!) !== String(i)) throw new Error(`out of order at ${i}`);
      }
      post({ done: true });
      break;
    }
    case "hold": { // connect with a receive mark of 1 and never read (DEALER: say hi first)
      const sock = localPeer(context, job.type!, job.endpoint, "held");
      if (sock instanceof Dealer) await sock.send("hi"); // so that a ROUTER knows this peer
      if (job.gate !== undefined) {
        // Told {freeze}: block this thread (so nothing here reads), then close the socket the
        // moment the gate opens, before this thread's event loop handles anything else; say so
        // (gate[2]) a turn later, once what was waiting here (a doorbell) has been handled.
        globalThis.addEventListener("message", (e) => {
          if ((e as MessageEvent).data?.freeze !== true) return;
          const gate = new Int32Array(job.gate!);
          Atomics.store(gate, 0, 1);
          Atomics.wait(gate, 1, 0);
          sock.close();
          setTimeout(() => {
            Atomics.store(gate, 2, 1);
            Atomics.notify(gate, 2);
            post({ closed: true });
          }, 0);
        });
      }
      post({ holding: true });
      break;
    }
    case "drain": { // a PULL that holds until told {drainUntil}, then reads up to it and reports
      const pull = new Pull({ receiveHighWaterMark: 1 });
      const until = new Promise<string>((resolve) =>
        globalThis.addEventListener("message", (e) => {
          const last = (e as MessageEvent).data?.drainUntil;
          if (typeof last === "string") resolve(last);
        })
      );
      pull.connect(job.endpoint);
      post({ holding: true });
      const last = await until;
      const got: string[] = [];
      while (got[got.length - 1] !== last) got.push(text((await pull.receive())[0]!));
      post({ got });
      break;
    }
    case "wait-receive": { // a receive that only the context's termination can end
      const pull = new Pull();
      await pull.bind(job.endpoint);
      post({ waiting: true });
      try {
        await pull.receive();
        post({ error: "received" });
      } catch (e) {
        post({ ended: (e as { code?: string }).code });
      }
      break;
    }
  }
} catch (e) {
  post({ error: String(e) });
}
