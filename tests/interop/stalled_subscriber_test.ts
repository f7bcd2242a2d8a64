// A publisher with one stalled subscriber (a libzmq SUB frozen with SIGSTOP) keeps its memory
// bounded and never blocks, while a fast subscriber on the same socket keeps receiving.
import assert from "node:assert/strict";
import process from "node:process";
import { Publisher, Subscriber } from "../../mod.ts";
import { LibzmqPeer, peerTest as test } from "../helpers/libzmq.ts";
import { until, within } from "../helpers/timeout.ts";
import { publishUntil } from "../helpers/pubsub.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const BATCH = 500; // below the fast subscriber's high-water mark, so it loses nothing
const BATCHES = 200;
const PAYLOAD = new Uint8Array(2048); // 200 MB offered to the stalled subscriber in all

test("a stalled subscriber costs bounded memory and never blocks the publisher; a fast one keeps receiving", async () => {
  // sendTimeout 0: a send that would have to wait fails with EAGAIN instead, so the test sees any blocking.
  const pub = new Publisher({ linger: 0, sendTimeout: 0 });
  const fast = new Subscriber({ linger: 0 });
  const stalled = await LibzmqPeer.start("SUB");
  let frozen = false;
  try {
    let lost = 0;
    pub.events.on("disconnect", () => lost++);
    await pub.bind("tcp://127.0.0.1:*");
    await stalled.watch("disconnect");
    await stalled.subscribe("");
    await stalled.connect(pub.lastEndpoint!);
    fast.subscribe("");
    fast.connect(pub.lastEndpoint!);

    // Both have joined once each has received a sync message.
    const stalledJoined = stalled.receive(1, 10000);
    let stalledIn = false;
    void stalledJoined.then(() => (stalledIn = true), () => {});
    let syncs = 0;
    await until(
      () => {
        void pub.send("sync");
        syncs++;
        return stalledIn && fast.readable;
      },
      10000,
      "both subscribers to join",
    );

    stalled.signal("SIGSTOP");
    frozen = true;

    let received = 0;
    const reader = (async () => {
      for await (const [kind] of fast) if (text(kind!) === "data") received++;
    })();

    const rss0 = process.memoryUsage().rss;
    let peakGrowth = 0;
    for (let b = 0; b < BATCHES; b++) {
      // Each send rejects with EAGAIN if it would block.
      for (let i = 0; i < BATCH; i++) await pub.send(["data", String(b * BATCH + i), PAYLOAD]);
      await until(
        () => received === (b + 1) * BATCH,
        10000,
        `the fast subscriber to take batch ${b}`,
      );
      peakGrowth = Math.max(peakGrowth, process.memoryUsage().rss - rss0);
    }
    const offered = BATCHES * BATCH * PAYLOAD.length;
    console.log(
      `stalled subscriber: ${offered / 2 ** 20} MiB offered; peak RSS growth ${
        (peakGrowth / 2 ** 20).toFixed(1)
      } MiB`,
    );
    assert.equal(received, BATCHES * BATCH);
    // Bounded: the stalled pipe holds at most its high-water mark (1000 x 2 KiB) plus transport
    // buffers; had it kept what it was offered, RSS would have grown by more than `offered`. The
    // rest of the measured growth is garbage not yet collected (measured: 26-45 MiB).
    assert.ok(
      peakGrowth < offered / 2,
      `RSS grew ${peakGrowth} bytes while ${offered} were offered`,
    );

    // The frozen subscriber is still connected: thawed, it reads what was queued for it: the syncs
    // it had not read, then the first messages sent, in order and whole, at least a high-water
    // mark's worth (its pipe was full), and no more (the rest was dropped); then what comes next.
    stalled.signal("SIGCONT");
    frozen = false;
    const drained = await publishUntil(
      () => pub.send("thawed"), // dropped for it while its queue is still full
      stalled.receiveUntil("thawed", 20000),
      "the thawed subscriber to drain its queue and get a new message",
      20000,
    );
    const data = drained.filter(([kind]) => text(kind!) !== "sync");
    assert.ok(drained.length - data.length < syncs, "only syncs before the data");
    assert.ok(data.length >= 1000, `${data.length} messages kept for the stalled subscriber`);
    assert.ok(data.length < BATCHES * BATCH, "the stalled subscriber's queue was bounded");
    data.forEach(([kind, n, payload], i) => {
      assert.deepEqual([text(kind!), text(n!)], ["data", String(i)]);
      assert.deepEqual(payload, PAYLOAD);
    });
    assert.equal(lost, 0, "the publisher never dropped a connection");
    assert.equal((await stalled.eventCounts()).disconnect, 0, "the subscriber never lost one");
    pub.close();
    fast.close();
    await within(reader, 5000, "the reader to end");
  } finally {
    if (frozen) stalled.signal("SIGCONT");
    pub.close();
    fast.close();
    await stalled.stop();
  }
});
