// A zmq-ts proxy() between libzmq peers: libzmq REQ clients -> ROUTER | DEALER -> libzmq REP workers
// (the Guide's msgqueue), and a PULL/PUSH streamer between a libzmq PUSH and a libzmq PULL.
import assert from "node:assert/strict";
import { Dealer, proxy, Pull, Push, Router } from "../../mod.ts";
import { LibzmqPeer, peerTest as test } from "../helpers/libzmq.ts";
import { eventCount, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

test("proxy(ROUTER, DEALER) carries requests and replies between libzmq REQs and libzmq REPs", async () => {
  const front = new Router({ linger: 0 });
  const back = new Dealer({ linger: 0 });
  const peers: LibzmqPeer[] = [];
  try {
    await front.bind("tcp://127.0.0.1:*");
    await back.bind("tcp://127.0.0.1:*");
    const running = proxy(front, back);
    const reps = [await LibzmqPeer.start("REP"), await LibzmqPeer.start("REP")];
    const reqs = [await LibzmqPeer.start("REQ"), await LibzmqPeer.start("REQ")];
    peers.push(...reps, ...reqs);
    // Both workers must be connected before the first request: the DEALER round-robins only over
    // the workers it has, and a worker that joined late would leave the other more than its 10.
    const workersIn = eventCount(back.events, "handshake", 2, 10000);
    for (const r of reps) await r.connect(back.lastEndpoint!);
    await workersIn;
    for (const r of reqs) await r.connect(front.lastEndpoint!);
    const echoed = reps.map((r) => r.echo(10));
    // 2 clients x 10 requests, spread over the 2 workers (10 each, by round robin).
    await Promise.all(reqs.map(async (req, c) => {
      for (let i = 0; i < 10; i++) {
        const reply = await req.request([`client ${c} request ${i}`]);
        assert.deepEqual(reply.map(text), [`client ${c} request ${i}`]);
      }
    }));
    await within(Promise.all(echoed), 10000, "each worker to serve 10");
    front.close();
    await within(running, 5000, "the proxy to stop");
  } finally {
    front.close();
    back.close();
    for (const p of peers) await p.stop();
  }
});

test("proxy(PULL, PUSH) streams from a libzmq PUSH to a libzmq PULL, in order", async () => {
  const front = new Pull({ linger: 0 });
  const back = new Push({ linger: 0 });
  const source = await LibzmqPeer.start("PUSH");
  const sink = await LibzmqPeer.start("PULL");
  try {
    await front.bind("tcp://127.0.0.1:*");
    await back.bind("tcp://127.0.0.1:*");
    const running = proxy(front, back);
    await sink.connect(back.lastEndpoint!);
    await source.connect(front.lastEndpoint!);
    const got = sink.receiveSeq(5000);
    await source.sendSeq(5000);
    const r = await got;
    assert.deepEqual({ count: r.count, inOrder: r.inOrder }, { count: 5000, inOrder: true });
    back.close();
    await within(running, 5000, "the proxy to stop");
  } finally {
    front.close();
    back.close();
    await source.stop();
    await sink.stop();
  }
});
