// Pub-sub with libzmq: PUB-SUB and XPUB-XSUB each way, each side binding in turn;
// subscriptions resent after a reconnect; a zmq-ts XSUB/XPUB proxy between libzmq peers.
import assert from "node:assert/strict";
import { type Message, Publisher, Subscriber, XPublisher, XSubscriber } from "../../mod.ts";
import { join, LibzmqPeer, peerTest as test } from "../helpers/libzmq.ts";
import { nextEvent, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const N = 2000;
const seq = (r: { count: number; inOrder: boolean; sizes: number[] }) => ({
  count: r.count,
  inOrder: r.inOrder,
  sizes: r.sizes,
});
const pause = () => new Promise((r) => setTimeout(r, 10));

/** Publishes `topic` from `send` until `arrived` settles: the slow-joiner wait, bounded. */
async function publishUntil(
  send: () => Promise<unknown>,
  arrived: Promise<unknown>,
  what: string,
): Promise<void> {
  let done = false;
  const settled = arrived.finally(() => (done = true));
  const start = Date.now();
  while (!done) {
    if (Date.now() - start > 10000) throw new Error(`timed out waiting for ${what}`);
    await send();
    await pause();
  }
  await settled;
}

for (const weBind of [true, false]) {
  const how = `zmq-ts ${weBind ? "binds" : "connects"}`;

  test(`zmq-ts PUB -> libzmq SUB: only the subscribed topic, ${N} in order (${how})`, async () => {
    const peer = await LibzmqPeer.start("SUB");
    const pub = new Publisher({ linger: 0, sendHighWaterMark: 0 }); // PUB drops at its mark; not the point here
    try {
      await peer.subscribe("A", "sync");
      await join(pub, peer, weBind);
      await publishUntil(() => pub.send("sync"), peer.receive(1), "the SUB to join");
      await peer.unsubscribe("sync"); // in-flight sync messages are now filtered by the SUB itself
      const got = peer.receiveSeq(N);
      for (let i = 0; i < N; i++) {
        await pub.send(["B", "not for you"]);
        await pub.send(["A", String(i)]);
      }
      assert.deepEqual(seq(await got), { count: N, inOrder: true, sizes: [1, 1] });
    } finally {
      pub.close();
      await peer.stop();
    }
  });

  test(`libzmq PUB -> zmq-ts SUB: only the subscribed topic, ${N} in order (${how})`, async () => {
    // Unlimited queues at the libzmq PUB, which would otherwise drop while we fall behind.
    const peer = await LibzmqPeer.start("PUB", { sendHighWaterMark: 0 });
    const sub = new Subscriber({ linger: 0 });
    try {
      sub.subscribe("A", "sync");
      await join(sub, peer, weBind);
      await publishUntil(() => peer.send(["sync"]), sub.receive(), "the SUB to join");
      sub.unsubscribe("sync");
      await peer.send(["B", "not for you"], 100);
      const sent = peer.sendSeq(N, ["A"]);
      for (let i = 0; i < N; i++) {
        const m = await within(sub.receive(), 5000, `message ${i}`);
        assert.deepEqual(m.map(text), ["A", String(i)]);
      }
      await sent;
    } finally {
      sub.close();
      await peer.stop();
    }
  });

  test(`zmq-ts XPUB <-> libzmq XSUB: subscriptions up, data down, upstream messages (${how})`, async () => {
    const peer = await LibzmqPeer.start("XSUB");
    const xpub = new XPublisher({ linger: 0, sendHighWaterMark: 0 });
    try {
      await join(xpub, peer, weBind);
      await peer.send([new Uint8Array([1, 65])]);
      // libzmq attaches a new connection only when its thread next uses the socket: this receive.
      const got = peer.receiveSeq(N);
      assert.deepEqual([...(await within(xpub.receive(), 5000, "the subscription"))[0]!], [1, 65]);
      for (let i = 0; i < N; i++) {
        await xpub.send(["B", "x"]);
        await xpub.send(["A", String(i)]);
      }
      assert.deepEqual(seq(await got), { count: N, inOrder: true, sizes: [1, String(0).length] });
      await peer.send(["up", "stream"]);
      assert.deepEqual((await within(xpub.receive(), 5000, "the upstream message")).map(text), [
        "up",
        "stream",
      ]);
      await peer.send([new Uint8Array([0, 65])]);
      assert.deepEqual([...(await within(xpub.receive(), 5000, "the cancel"))[0]!], [0, 65]);
    } finally {
      xpub.close();
      await peer.stop();
    }
  });

  test(`zmq-ts XSUB <-> libzmq XPUB: our SUBSCRIBE/CANCEL are understood (${how})`, async () => {
    const peer = await LibzmqPeer.start("XPUB", { sendHighWaterMark: 0 });
    const xsub = new XSubscriber({ linger: 0 });
    try {
      await join(xsub, peer, weBind);
      await xsub.send(new Uint8Array([1, 65]));
      const sub = (await peer.receive(1))[0]![0];
      assert.deepEqual([...sub!], [1, 65]);
      await peer.send(["B", "x"], 10);
      const sent = peer.sendSeq(N, ["A"]);
      for (let i = 0; i < N; i++) {
        assert.deepEqual((await within(xsub.receive(), 5000, `message ${i}`)).map(text), [
          "A",
          String(i),
        ]);
      }
      await sent;
      await xsub.send(["up", "stream"]);
      assert.deepEqual((await peer.receive(1))[0]!.map(text), ["up", "stream"]);
      await xsub.send(new Uint8Array([0, 65]));
      assert.deepEqual([...(await peer.receive(1))[0]![0]!], [0, 65]);
    } finally {
      xsub.close();
      await peer.stop();
    }
  });
}

test("a zmq-ts SUB resubscribes after its libzmq PUB is killed and restarted", async () => {
  let peer = await LibzmqPeer.start("PUB");
  const endpoint = await peer.bind("tcp://127.0.0.1:*");
  const sub = new Subscriber({ linger: 0, reconnectInterval: 50 });
  try {
    sub.subscribe("A");
    sub.connect(endpoint);
    await publishUntil(() => peer.send(["A", "first"]), sub.receive(), "the first life");
    const lost = nextEvent(sub.events, "disconnect", 10000);
    await peer.kill();
    await lost;
    peer = await LibzmqPeer.start("PUB");
    await peer.bind(endpoint);
    const second = sub.receive();
    await publishUntil(() => peer.send(["A", "second"]), second, "the second life");
    assert.deepEqual((await second).map(text), ["A", "second"]);
  } finally {
    sub.close();
    await peer.stop();
  }
});

test("a zmq-ts XSUB/XPUB proxy forwards subscriptions between libzmq publishers and subscribers", async () => {
  const xsub = new XSubscriber({ linger: 0 });
  const xpub = new XPublisher({ linger: 0, sendHighWaterMark: 0 });
  const pubs = [
    await LibzmqPeer.start("PUB", { sendHighWaterMark: 0 }),
    await LibzmqPeer.start("PUB", { sendHighWaterMark: 0 }),
  ];
  const subs = [await LibzmqPeer.start("SUB"), await LibzmqPeer.start("SUB")];
  try {
    await xsub.bind("tcp://127.0.0.1:*");
    await xpub.bind("tcp://127.0.0.1:*");
    // The proxy: subscriptions go up, data comes down. We watch both directions.
    const forwarded: string[] = [];
    const seenUp: Message[] = [];
    const up = (async () => {
      for await (const msg of xpub) {
        forwarded.push(`${msg[0]![0]}${text(msg[0]!.subarray(1))}`);
        await xsub.send(msg);
      }
    })();
    const down = (async () => {
      for await (const msg of xsub) {
        seenUp.push(msg);
        await xpub.send(msg);
      }
    })();
    for (const p of pubs) await p.connect(xsub.lastEndpoint!);
    for (const s of subs) await s.connect(xpub.lastEndpoint!);
    await subs[0]!.subscribe("A");
    await subs[1]!.subscribe("B");
    const until = async (cond: () => boolean, what: string) => {
      const start = Date.now();
      while (!cond()) {
        if (Date.now() - start > 10000) throw new Error(`timed out waiting for ${what}`);
        await pause();
      }
    };
    await until(
      () => forwarded.includes("1A") && forwarded.includes("1B"),
      "both subscriptions to be forwarded",
    );
    // Now make sure each publisher has taken them: a sync topic sent after them comes back from each.
    await xsub.send(new Uint8Array([1, ...new TextEncoder().encode("sync")]));
    const synced = (tag: string) =>
      seenUp.some((m) => text(m[0]!) === "sync" && text(m[1]!) === tag);
    for (const [i, p] of pubs.entries()) {
      await publishUntil(
        () => p.send(["sync", String(i)]),
        until(() => synced(String(i)), `sync ${i}`),
        `publisher ${i}`,
      );
    }
    const gotA = subs[0]!.receiveSeq(N);
    const gotB = subs[1]!.receiveSeq(N);
    await pubs[0]!.send(["C", "nobody wants this"], 50);
    await pubs[0]!.sendSeq(N, ["A"]);
    await pubs[1]!.sendSeq(N, ["B"]);
    assert.deepEqual(seq(await gotA), { count: N, inOrder: true, sizes: [1, 1] });
    assert.deepEqual(seq(await gotB), { count: N, inOrder: true, sizes: [1, 1] });
    // Publishers filter at the source: nothing for "C" ever reached the proxy.
    assert.equal(seenUp.filter((m) => text(m[0]!) === "C").length, 0);

    // An unsubscription travels the same way and stops the flow at the publisher.
    await subs[1]!.unsubscribe("B");
    await until(() => forwarded.includes("0B"), "the unsubscription to be forwarded");
    const before = seenUp.length;
    await publishUntil(
      () => pubs[1]!.send(["sync", "after"]),
      until(() => synced("after"), "sync after"),
      "publisher 1",
    );
    await pubs[1]!.send(["B", "late"], 10);
    await pubs[1]!.send(["sync", "end"]);
    await until(() => synced("end"), "the end marker");
    assert.equal(seenUp.slice(before).filter((m) => text(m[0]!) === "B").length, 0);
    xsub.close();
    xpub.close();
    await within(Promise.all([up, down]), 5000, "the proxy loops to end");
  } finally {
    xsub.close();
    xpub.close();
    for (const p of [...pubs, ...subs]) await p.stop();
  }
});
