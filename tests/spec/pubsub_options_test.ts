// Pub-sub options and subscription bookkeeping (zmtp.md §4.6, §5.4; libzmq's
// test_xpub_verbose, test_xsub_verbose, test_xpub_manual, test_xpub_nodrop,
// test_hwm_pubsub, test_xpub_welcome_msg, test_xpub_topic, test_conflate,
// test_sub_forward), over tcp, ipc and inproc.
//
// "Nothing else was reported" is shown without waiting for silence: after the
// action under test, the same subscriber makes a fresh subscription (a marker),
// which travels on the same pipe behind anything the action caused; so the
// reports before the marker's own report are exactly the action's.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Context,
  type Message,
  Publisher,
  Subscriber,
  XPublisher,
  type XPublisherVerbosity,
  XSubscriber,
} from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { nextEvent, until, within } from "../helpers/timeout.ts";
import { joined, publishUntil } from "../helpers/pubsub.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);
const transports = ["tcp", "ipc", "inproc", "ws"] as const;

/** The next message of an XPUB, as "1topic" / "0topic". */
async function report(xpub: XPublisher): Promise<string> {
  const [f, ...more] = await within(xpub.receive(), 5000, "a subscription report");
  assert.equal(more.length, 0, "a report is one frame");
  assert.ok(f![0] === 0 || f![0] === 1, `a report starts with 0 or 1, got ${f![0]}`);
  return `${f![0]}${text(f!.subarray(1))}`;
}

/** `sub` subscribes to `marker`; returns every report the XPUB gives before the marker's. */
async function reportsBefore(
  xpub: XPublisher,
  sub: Subscriber | XSubscriber,
  marker: string,
): Promise<string[]> {
  if (sub instanceof Subscriber) sub.subscribe(marker);
  else await sub.send(bytes(`\x01${marker}`));
  const seen: string[] = [];
  for (let r = await report(xpub); r !== `1${marker}`; r = await report(xpub)) seen.push(r);
  return seen;
}

/** The next message of `sock`, as strings. */
async function next(sock: Subscriber | XSubscriber, what = "a message"): Promise<string[]> {
  return (await within(sock.receive(), 5000, what)).map(text);
}

/** Forwards subscriptions up (xpub -> xsub) and messages down (xsub -> xpub) until the sockets close. */
function proxy(
  xsub: XSubscriber,
  xpub: XPublisher,
  up: string[] = [],
  down: Message[] = [],
): Promise<void> {
  const loop = async (
    from: XSubscriber | XPublisher,
    to: XSubscriber | XPublisher,
    seen: (m: Message) => void,
  ) => {
    try {
      for await (const m of from) {
        seen(m);
        await to.send(m);
      }
    } catch (e) {
      if (!from.closed && !to.closed) throw e;
    }
  };
  return Promise.all([
    loop(xpub, xsub, (m) => up.push(`${m[0]![0]}${text(m[0]!.subarray(1))}`)),
    loop(xsub, xpub, (m) => down.push(m)),
  ]).then(() => {});
}

for (const transport of transports) {
  for (const verbosity of [null, "allSubs", "allSubsUnsubs"] as XPublisherVerbosity[]) {
    test(`XPUB verbosity ${verbosity}: duplicate subscriptions from two subscribers (${transport})`, async () => {
      const all = verbosity !== null;
      const unsubs = verbosity === "allSubsUnsubs";
      const ctx = new Context();
      const xpub = new XPublisher({ context: ctx, verbosity });
      await xpub.bind(freshEndpoint(transport));
      const s0 = new Subscriber({ context: ctx });
      const s1 = new Subscriber({ context: ctx });
      s0.connect(xpub.lastEndpoint!);
      s1.connect(xpub.lastEndpoint!);
      try {
        s0.subscribe("A");
        assert.deepEqual(await reportsBefore(xpub, s0, "m0"), ["1A"], "the first subscriber of A");
        s1.subscribe("A");
        assert.deepEqual(
          await reportsBefore(xpub, s1, "m1"),
          all ? ["1A"] : [],
          "a second subscriber of A",
        );
        s0.subscribe("A"); // the SUB counts it and passes it on; for the XPUB it changes nothing
        assert.deepEqual(
          await reportsBefore(xpub, s0, "m2"),
          all ? ["1A"] : [],
          "the same subscriber again",
        );

        // Both get A once each (s0's double subscription is one at the XPUB).
        await xpub.send(["A", "x"]);
        await xpub.send(["m0", "end"]);
        await xpub.send(["m1", "end"]);
        assert.deepEqual(await next(s0), ["A", "x"]);
        assert.deepEqual(await next(s0), ["m0", "end"]);
        assert.deepEqual(await next(s1), ["A", "x"]);
        assert.deepEqual(await next(s1), ["m1", "end"]);

        s0.unsubscribe("A"); // 2 -> 1 at the SUB: nothing goes out
        assert.deepEqual(await reportsBefore(xpub, s0, "m3"), [], "an unsubscribe the SUB keeps");
        s0.unsubscribe("A"); // goes out, but s1 still holds A
        assert.deepEqual(
          await reportsBefore(xpub, s0, "m4"),
          unsubs ? ["0A"] : [],
          "s0 leaves A to s1",
        );

        s0.subscribe("B");
        assert.deepEqual(await reportsBefore(xpub, s0, "m5"), ["1B"]);
        s1.subscribe("B");
        assert.deepEqual(await reportsBefore(xpub, s1, "m6"), all ? ["1B"] : []);

        // s1 leaves holding A (alone), B (with s0), m1 and m6 (alone). A leaving
        // subscriber's reports are all queued at once, so nothing more may follow.
        s1.close();
        const expected = ["0A", "0m1", "0m6", ...(unsubs ? ["0B"] : [])].sort();
        const got: string[] = [];
        while (got.length < expected.length) got.push(await report(xpub));
        assert.deepEqual(got.sort(), expected);
        assert.equal(xpub.readable, false, "no other report for the subscriber that left");

        s0.unsubscribe("B"); // now the last one
        assert.deepEqual(await reportsBefore(xpub, s0, "m7"), ["0B"]);
      } finally {
        ctx.terminate();
      }
    });
  }

  test(`XSUB passes every subscription upstream but only the last unsubscription; resends each topic once (${transport})`, async () => {
    const ctx = new Context();
    // Reports every (un)subscription it receives, so whatever the XSUB sends shows.
    const xpub = new XPublisher({ context: ctx, verbosity: "allSubsUnsubs" });
    await xpub.bind(freshEndpoint(transport));
    const xsub = new XSubscriber({ context: ctx });
    xsub.connect(xpub.lastEndpoint!);
    try {
      await xsub.send(bytes("\x01A"));
      assert.equal(await report(xpub), "1A");
      await xsub.send(bytes("\x01A"));
      assert.equal(await report(xpub), "1A", "the duplicate is passed on");
      await xsub.send(bytes("\x00A"));
      assert.deepEqual(
        await reportsBefore(xpub, xsub, "m1"),
        [],
        "the first unsubscribe stays at the XSUB",
      );
      await xsub.send(bytes("\x00A"));
      assert.equal(await report(xpub), "0A", "the last unsubscribe is passed on");
      await xsub.send(bytes("\x00A"));
      assert.deepEqual(
        await reportsBefore(xpub, xsub, "m2"),
        [],
        "an unsubscribe of nothing stays at the XSUB",
      );

      // A publisher met later hears each held topic once: m1, m2 and B (twice held), not A.
      await xsub.send(bytes("\x01B"));
      await xsub.send(bytes("\x01B"));
      assert.deepEqual([await report(xpub), await report(xpub)], ["1B", "1B"]);
      const late = new XPublisher({ context: ctx, verbosity: "allSubsUnsubs" });
      await late.bind(freshEndpoint(transport));
      xsub.connect(late.lastEndpoint!);
      const resent = [await report(late), await report(late), await report(late)];
      assert.deepEqual(resent.sort(), ["1B", "1m1", "1m2"]);
      assert.deepEqual(await reportsBefore(late, xsub, "m3"), [], "nothing resent twice");
      assert.deepEqual(
        await reportsBefore(xpub, xsub, "m4"),
        ["1m3"],
        "the first publisher hears only new ones",
      );
    } finally {
      ctx.terminate();
    }
  });

  test(`XPUB manual: a subscription is reported and takes effect only when the application applies it (${transport})`, async () => {
    const ctx = new Context();
    const xpub = new XPublisher({ context: ctx, manual: true });
    await xpub.bind(freshEndpoint(transport));
    const sub = new Subscriber({ context: ctx });
    const xsub = new XSubscriber({ context: ctx });
    sub.connect(xpub.lastEndpoint!);
    xsub.connect(xpub.lastEndpoint!);
    try {
      sub.subscribe("A");
      assert.equal(await report(xpub), "1A");
      await xpub.send("A-early"); // not applied yet: goes nowhere
      xpub.subscribe("A"); // applies to the subscriber whose subscription was received last
      await xpub.send("A-late");
      assert.deepEqual(
        await next(sub),
        ["A-late"],
        "nothing sent before the subscription was applied",
      );

      // The application may apply something else than what was asked (libzmq's test_xpub_manual).
      await xsub.send(bytes("\x01A"));
      assert.equal(await report(xpub), "1A", "a duplicate topic is reported in manual mode");
      xpub.subscribe("XA");
      await xpub.send("A1");
      await xpub.send("XA1");
      assert.deepEqual(await next(xsub), ["XA1"], "the XSUB has XA, not A");
      assert.deepEqual(await next(sub), ["A1"], "the SUB has A, not XA");

      await xsub.send(bytes("\x00A"));
      assert.equal(await report(xpub), "0A");
      xpub.unsubscribe("XA");
      await xsub.send(bytes("\x01Z"));
      assert.equal(await report(xpub), "1Z");
      xpub.subscribe("Z");
      await xpub.send("XA2");
      await xpub.send("Z2");
      assert.deepEqual(await next(xsub), ["Z2"], "XA was unsubscribed by the application");
    } finally {
      ctx.terminate();
    }
  });

  test(`XPUB manual: a leaving subscriber's requests are all reported, and mirroring them touches no one else (${transport})`, async () => {
    const ctx = new Context();
    const xpub = new XPublisher({ context: ctx, manual: true });
    await xpub.bind(freshEndpoint(transport));
    const s0 = new Subscriber({ context: ctx });
    const s1 = new Subscriber({ context: ctx });
    s0.connect(xpub.lastEndpoint!);
    s1.connect(xpub.lastEndpoint!);
    // A proxy's way: apply each report as it is.
    const mirror = async () => {
      const r = await report(xpub);
      if (r[0] === "1") xpub.subscribe(r.slice(1));
      else xpub.unsubscribe(r.slice(1));
      return r;
    };
    try {
      s0.subscribe("T");
      assert.equal(await mirror(), "1T");
      s0.subscribe("U");
      assert.equal(await report(xpub), "1U"); // asked for, never applied
      s1.subscribe("T");
      assert.equal(await mirror(), "1T"); // s1 is now the last subscriber heard from

      s0.close();
      const left = [await mirror(), await mirror()];
      assert.deepEqual(left.sort(), ["0T", "0U"], "every topic s0 asked for, applied or not");
      assert.equal(xpub.readable, false);
      // Unsubscribing after a leaving subscriber's report must not have hit s1.
      await xpub.send("T1");
      assert.deepEqual(await next(s1, "T1 at the subscriber that stayed"), ["T1"]);

      s1.close();
      assert.equal(
        await mirror(),
        "0T",
        "each subscriber's leaving is reported, even for the same topic",
      );
    } finally {
      ctx.terminate();
    }
  });

  test(`XPUB noDrop: EAGAIN at the high-water mark, a waiting send completes once the subscriber drains, nothing lost (${transport})`, async () => {
    const hwm = 4;
    const ctx = new Context();
    const xpub = new XPublisher({
      context: ctx,
      noDrop: true,
      sendHighWaterMark: hwm,
      sendTimeout: 0,
    });
    await xpub.bind(freshEndpoint(transport));
    const sub = new Subscriber({ context: ctx, receiveHighWaterMark: hwm });
    sub.connect(xpub.lastEndpoint!);
    try {
      sub.subscribe("");
      assert.equal(await report(xpub), "1");
      const body = new Uint8Array(1024);
      let sent = 0;
      for (;;) {
        try {
          await xpub.send([String(sent), body]);
        } catch (e) {
          assert.equal((e as { code?: string }).code, "EAGAIN");
          break;
        }
        if (++sent > 100_000) assert.fail("sends never stopped at the high-water mark");
      }
      // Over tcp/ipc the engine may move the queue into the connection as soon as we yield, so only
      // inproc (where nothing moves until the SUB reads) is still full here.
      if (transport === "inproc") assert.equal(xpub.writable, false);
      // inproc: one pipe holding both marks (libzmq); otherwise the connection buffers some too.
      if (transport === "inproc") assert.equal(sent, 2 * hwm);
      else assert.ok(sent >= hwm, `${sent} sent before EAGAIN`);

      xpub.sendTimeout = -1;
      let done = false;
      const waiting = xpub.send(["last", body]).then(() => (done = true));
      if (transport === "inproc") {
        await new Promise((r) => setTimeout(r, 0)); // nothing on inproc moves until the SUB reads
        assert.equal(done, false, "the send waits while the subscriber is full");
      }
      for (let i = 0; i < sent; i++) assert.equal((await next(sub, `message ${i}`))[0], String(i));
      assert.equal((await next(sub, "the waiting message"))[0], "last");
      await within(waiting, 5000, "the waiting send");
    } finally {
      ctx.terminate();
    }
  });

  test(`PUB drops at the high-water mark and never blocks (${transport})`, async () => {
    const hwm = 5;
    const ctx = new Context();
    const pub = new Publisher({ context: ctx, sendHighWaterMark: hwm, sendTimeout: 0 });
    await pub.bind(freshEndpoint(transport));
    const sub = new Subscriber({ context: ctx, receiveHighWaterMark: hwm });
    sub.connect(pub.lastEndpoint!);
    try {
      sub.subscribe("d", "end");
      await joined(pub, [sub]);
      // The SUB reads nothing meanwhile; with sendTimeout 0 a send that had to wait would fail.
      const n = transport === "inproc" ? 100 : 1000;
      const body = new Uint8Array(transport === "inproc" ? 1 : 64 * 1024);
      for (let i = 0; i < n; i++) await pub.send(["d", String(i), body]);
      assert.equal(pub.writable, true);

      const got: number[] = [];
      const reader = (async () => {
        for (;;) {
          const m = await next(sub);
          if (m[0] === "end") return;
          got.push(Number(m[1]));
        }
      })();
      // "end" too is dropped while the queue is full: repeat it until one gets through.
      await publishUntil(() => pub.send("end"), reader, "the end marker");
      const first = Array.from({ length: 2 * hwm }, (_, i) => i);
      if (transport === "inproc") {
        assert.deepEqual(got, first, "exactly both marks' worth (one inproc pipe)");
      } else {
        assert.deepEqual(
          got.slice(0, hwm),
          first.slice(0, hwm),
          "the first ones are never dropped",
        );
        assert.ok(got.length < n, `${got.length} of ${n} delivered: some must have been dropped`);
        for (let i = 1; i < got.length; i++) {
          assert.ok(got[i]! > got[i - 1]!, "in order, no duplicates");
        }
      }
    } finally {
      ctx.terminate();
    }
  });

  test(`welcomeMessage goes first to each new subscriber, past the publisher's filter (${transport})`, async () => {
    const ctx = new Context();
    const xpub = new XPublisher({ context: ctx, welcomeMessage: "W" });
    await xpub.bind(freshEndpoint(transport));
    const wants = new Subscriber({ context: ctx });
    const other = new Subscriber({ context: ctx });
    const raw = new XSubscriber({ context: ctx });
    try {
      wants.subscribe("W");
      wants.connect(xpub.lastEndpoint!);
      assert.equal(await report(xpub), "1W");
      assert.deepEqual(await next(wants, "the welcome"), ["W"]);

      other.subscribe("data");
      other.connect(xpub.lastEndpoint!);
      assert.equal(await report(xpub), "1data");
      await xpub.send("data1");
      await xpub.send("Wend");
      assert.deepEqual(
        await next(other),
        ["data1"],
        "a SUB not subscribed to it filters the welcome out itself",
      );
      assert.deepEqual(await next(wants), ["Wend"], "the welcome came once");

      raw.connect(xpub.lastEndpoint!); // subscribes to nothing, filters nothing
      assert.deepEqual(await next(raw, "the welcome at an XSUB"), ["W"]);
    } finally {
      ctx.terminate();
    }
  });

  test(`long topics (245, 246, 1000, 70000 bytes) subscribe, match and cancel (${transport})`, async () => {
    const ctx = new Context();
    const xpub = new XPublisher({ context: ctx, verbosity: "allSubsUnsubs" });
    await xpub.bind(freshEndpoint(transport));
    const sub = new Subscriber({ context: ctx });
    const xsub = new XSubscriber({ context: ctx }); // no filter of its own: shows the publisher's
    sub.connect(xpub.lastEndpoint!);
    xsub.connect(xpub.lastEndpoint!);
    const reported = async (subscribe: boolean, topic: Uint8Array, what: string) => {
      const [r] = await within(xpub.receive(), 5000, what);
      assert.equal(r!.length, topic.length + 1);
      assert.equal(r![0], subscribe ? 1 : 0);
      assert.deepEqual(Array.from(r!.subarray(1)), Array.from(topic));
    };
    try {
      // 245 and 246: the SUBSCRIBE command is 255 and 256 bytes, either side of a LONG frame.
      for (const size of [245, 246, 1000, 70000]) {
        const topic = Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff);
        sub.subscribe(topic);
        await reported(true, topic, `the SUB's ${size}-byte subscription`);
        await xsub.send(new Uint8Array([1, ...topic]));
        await reported(true, topic, `the XSUB's ${size}-byte subscription`);
        const nearMiss = topic.slice();
        nearMiss[size - 1] = nearMiss[size - 1]! ^ 0xff;
        await xpub.send([nearMiss, "no"]);
        await xpub.send([new Uint8Array([...topic, 0x21]), "yes"]);
        for (const s of [sub, xsub]) {
          const m = await within(s.receive(), 5000, `the ${size}-byte topic message`);
          assert.equal(text(m[1]!), "yes", "a topic differing in its last byte does not match");
          assert.deepEqual(Array.from(m[0]!.subarray(0, size)), Array.from(topic));
        }
        sub.unsubscribe(topic);
        await reported(false, topic, `the SUB's ${size}-byte cancel`);
        await xsub.send(new Uint8Array([0, ...topic]));
        await reported(false, topic, `the XSUB's ${size}-byte cancel`);
      }
    } finally {
      ctx.terminate();
    }
  });

  for (const Type of [Publisher, XPublisher]) {
    const name = Type === Publisher ? "PUB" : "XPUB";
    test(`invertMatching on ${name} and SUB: everything but the subscribed topics (${transport})`, async () => {
      const ctx = new Context();
      const pub = new Type({ context: ctx, invertMatching: true });
      await pub.bind(freshEndpoint(transport));
      const sub = new Subscriber({ context: ctx, invertMatching: true });
      const xsub = new XSubscriber({ context: ctx }); // no filter of its own: shows the publisher's
      try {
        sub.subscribe("A");
        sub.connect(pub.lastEndpoint!);
        xsub.connect(pub.lastEndpoint!);
        await xsub.send(bytes("\x01A"));
        // Until A reaches the publisher the XSUB gets pairs (A n, B n); once it has, only B n.
        // A B n arriving without its A n is therefore proof that the filter holds from then on.
        const xsubSaw: string[][] = [];
        let synced = false;
        let lastA = -1;
        const xsubReader = (async () => {
          for (;;) {
            const m = await next(xsub);
            if (synced) xsubSaw.push(m);
            else if (m[0] === "A") lastA = Number(m[1]);
            else if (m[0] === "B" && Number(m[1]) !== lastA) synced = true;
            if (m[0] === "end") return;
          }
        })();
        let n = 0;
        const subReady = sub.receive();
        // Both of a pair are queued in one synchronous step: nothing can come between them.
        const pair = () => Promise.all([pub.send(["A", String(n)]), pub.send(["B", String(n++)])]);
        const sawB = until(() => synced, 10000, "the XSUB to see a B without its A");
        await publishUntil(
          pair,
          Promise.all([subReady, sawB]),
          "the publisher to take the XSUB's subscription",
        );
        for (const t of ["A", "B", "AB", "C", "end"]) await pub.send([t, "t"]);
        const subSaw: string[] = [];
        for (let m = await next(sub); m[0] !== "end"; m = await next(sub)) {
          if (m[1] === "t") subSaw.push(m[0]!);
        }
        assert.deepEqual(subSaw, ["B", "C"]);
        await within(xsubReader, 5000, "the XSUB to see the end");
        assert.deepEqual(
          xsubSaw.filter((m) => m[0]!.startsWith("A")),
          [],
          "the publisher sent no A after the sync",
        );
        assert.deepEqual(xsubSaw.filter((m) => m[1] === "t").map((m) => m[0]), ["B", "C", "end"]);
      } finally {
        ctx.terminate();
      }
    });
  }

  // Over ws each message arrives in a task of its own, so the subscriber keeps up and nothing is
  // replaced; the premise of this test holds for byte streams only.
  if (transport !== "ws") {
    test(`SUB conflate keeps only the newest message (${transport})`, async () => {
      const ctx = new Context();
      const pub = new Publisher({ context: ctx });
      await pub.bind(freshEndpoint(transport));
      // One subscription only: a conflating SUB's outgoing queue conflates too (as in libzmq).
      const sub = new Subscriber({ context: ctx, conflate: true });
      sub.subscribe("");
      sub.connect(pub.lastEndpoint!);
      try {
        await publishUntil(() => pub.send("sync"), sub.receive(), "the SUB to join");
        const n = 1000;
        for (let i = 0; i < n; i++) await pub.send(["d", String(i)]);
        const got: number[] = [];
        while (got.at(-1) !== n - 1) {
          const m = await next(sub, `message ${n - 1}`);
          if (m[0] === "d") got.push(Number(m[1]));
        }
        if (transport === "inproc") assert.deepEqual(got, [n - 1], "only the newest was kept");
        else {
          assert.ok(
            got.length < n / 2,
            `${got.length} of ${n} received: older ones should have been replaced`,
          );
          for (let i = 1; i < got.length; i++) assert.ok(got[i]! > got[i - 1]!, "in order");
        }
        assert.equal(sub.readable, false, "nothing older is kept behind the newest");
      } finally {
        ctx.terminate();
      }
    });
  }

  test(`PUB conflate keeps only the newest message for each subscriber (${transport})`, async () => {
    const ctx = new Context();
    const pub = new Publisher({ context: ctx, conflate: true });
    await pub.bind(freshEndpoint(transport));
    const subs = [new Subscriber({ context: ctx }), new Subscriber({ context: ctx })];
    try {
      for (const s of subs) {
        s.subscribe("");
        s.connect(pub.lastEndpoint!);
      }
      await publishUntil(
        () => pub.send("sync"),
        Promise.all(subs.map((s) => s.receive())),
        "the SUBs to join",
      );
      // Queued in one go, before the connection (or the inproc peer) can take any of them.
      const n = 100;
      const sends: Promise<void>[] = [];
      for (let i = 0; i < n; i++) sends.push(pub.send(["d", String(i)]));
      await Promise.all(sends);
      for (const [k, s] of subs.entries()) {
        let m = await next(s, `the newest message at subscriber ${k}`);
        while (m[0] === "sync") m = await next(s, `the newest message at subscriber ${k}`);
        assert.deepEqual(m, ["d", String(n - 1)]);
      }
      await pub.send("end");
      for (const s of subs) assert.deepEqual(await next(s), ["end"], "nothing older was queued");
    } finally {
      ctx.terminate();
    }
  });

  test(`subscriptions travel through two zmq-ts XSUB/XPUB proxies, and so do their cancels (${transport})`, async () => {
    const ctx = new Context();
    const pub = new Publisher({ context: ctx });
    await pub.bind(freshEndpoint(transport));
    const [xsub1, xpub1] = [new XSubscriber({ context: ctx }), new XPublisher({ context: ctx })];
    const [xsub2, xpub2] = [new XSubscriber({ context: ctx }), new XPublisher({ context: ctx })];
    await xpub1.bind(freshEndpoint(transport));
    await xpub2.bind(freshEndpoint(transport));
    xsub1.connect(pub.lastEndpoint!);
    xsub2.connect(xpub1.lastEndpoint!);
    const up1: string[] = [];
    const up2: string[] = [];
    const down1: Message[] = [];
    const proxies = [proxy(xsub1, xpub1, up1, down1), proxy(xsub2, xpub2, up2)];
    const [a1, a2, b] = [
      new Subscriber({ context: ctx }),
      new Subscriber({ context: ctx }),
      new Subscriber({ context: ctx }),
    ];
    try {
      a1.subscribe("A");
      a2.subscribe("A");
      b.subscribe("B");
      for (const s of [a1, a2, b]) s.connect(xpub2.lastEndpoint!);
      const all = Promise.all([a1.receive(), a2.receive(), b.receive()]);
      await publishUntil(
        async () => {
          await pub.send(["A", "sync"]);
          await pub.send(["B", "sync"]);
        },
        all,
        "data to flow through both proxies",
      );
      for (const [t, v] of [["A", "1"], ["B", "2"], ["C", "3"], ["A", "end"], ["B", "end"]]) {
        await pub.send([t!, v!]);
      }
      const data = async (s: Subscriber) => {
        const out: string[] = [];
        for (let m = await next(s); m[1] !== "end"; m = await next(s)) {
          if (m[1] !== "sync") out.push(m.join(" "));
        }
        return out;
      };
      assert.deepEqual(await data(a1), ["A 1"]);
      assert.deepEqual(await data(a2), ["A 1"]);
      assert.deepEqual(await data(b), ["B 2"]);
      assert.equal(
        down1.filter((m) => text(m[0]!) === "C").length,
        0,
        "C is filtered at the publisher itself",
      );
      // XPUB reports A once (the second is a duplicate) and each XSUB passes on what it gets.
      assert.deepEqual(up2.slice().sort(), ["1A", "1B"]);
      assert.deepEqual(up1.slice().sort(), ["1A", "1B"]);

      // a1 leaving A changes nothing upstream while a2 holds it: the next thing forwarded is a1's M.
      a1.unsubscribe("A");
      a1.subscribe("M");
      await until(() => up1.length === 3, 10000, "M to reach the first proxy");
      assert.deepEqual(up2.slice(2), ["1M"]);
      assert.deepEqual(up1.slice(2), ["1M"]);

      // a2 leaving takes A away: the cancel goes through both proxies to the publisher.
      a2.close();
      await until(() => up1.length === 4, 10000, "the cancel to reach the first proxy");
      assert.deepEqual(up2.slice(3), ["0A"]);
      assert.deepEqual(up1.slice(3), ["0A"]);
      // Once a B n comes down without its A n, the publisher has applied the cancel.
      const from = down1.length;
      const cancelled = () => {
        const seen = down1.slice(from).map((m) => m.map(text).join(" "));
        return seen.some((s) => s.startsWith("B p") && !seen.includes(`A ${s.slice(2)}`));
      };
      let k = 0;
      const pair = () => Promise.all([pub.send(["A", `p${k}`]), pub.send(["B", `p${k++}`])]);
      await publishUntil(
        pair,
        until(cancelled, 10000, "the publisher to apply the cancel"),
        "the cancel",
      );
      await pub.send(["A", "late"]);
      await pub.send(["B", "final"]);
      for (let m = await next(b); m[1] !== "final"; m = await next(b)) assert.equal(m[0], "B");
      const after = down1.slice(from).map((m) => m.map(text).join(" "));
      const firstB = after.findIndex((s) =>
        s.startsWith("B p") && !after.includes(`A ${s.slice(2)}`)
      );
      assert.deepEqual(
        after.slice(firstB).filter((s) => s.startsWith("A")),
        [],
        "no A leaves the publisher any more",
      );
    } finally {
      ctx.terminate();
      await within(Promise.all(proxies), 5000, "the proxy loops to end");
    }
  });
}

test("a conflating SUB still sends every subscription (they are never conflated away)", async () => {
  const ctx = new Context();
  try {
    const xpub = new XPublisher({ context: ctx, verbosity: "allSubs" });
    await xpub.bind(freshEndpoint("inproc"));
    const sub = new Subscriber({ context: ctx, conflate: true });
    sub.subscribe("A", "B", "C");
    sub.connect(xpub.lastEndpoint!);
    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      got.push(new TextDecoder().decode((await within(xpub.receive(), 5000, `report ${i}`))[0]!));
    }
    assert.deepEqual(got, ["\x01A", "\x01B", "\x01C"]);
  } finally {
    ctx.terminate();
  }
});

for (const transport of ["tcp", "ipc"] as const) {
  test(`XSUB resubscribes after a reconnect: the new publisher hears each held topic once (${transport})`, async () => {
    const ctx = new Context();
    try {
      const first = new XPublisher({ context: ctx, verbosity: "allSubsUnsubs" });
      await first.bind(freshEndpoint(transport));
      const endpoint = first.lastEndpoint!;
      const xsub = new XSubscriber({ context: ctx, reconnectInterval: 20 });
      xsub.connect(endpoint);
      for (const t of ["A", "B", "C"]) await xsub.send(bytes(`\x01${t}`));
      assert.deepEqual([await report(first), await report(first), await report(first)], [
        "1A",
        "1B",
        "1C",
      ]);
      await xsub.send(bytes("\x00C"));
      assert.equal(await report(first), "0C");

      // The publisher goes; the XSUB keeps its topics, and adds one while disconnected.
      const lost = nextEvent(xsub.events, "disconnect");
      await first.unbind(endpoint); // the port or path is free once this resolves
      first.close();
      await lost;
      await xsub.send(bytes("\x01D"));

      const second = new XPublisher({ context: ctx, verbosity: "allSubsUnsubs" });
      await second.bind(endpoint);
      const resent = [await report(second), await report(second), await report(second)];
      assert.deepEqual(resent.sort(), ["1A", "1B", "1D"], "held topics, not the cancelled one");
      assert.deepEqual(await reportsBefore(second, xsub, "m"), [], "each topic once");
      await second.send(["A", "after the reconnect"]);
      assert.deepEqual(await next(xsub), ["A", "after the reconnect"]);
    } finally {
      ctx.terminate();
    }
  });
}
