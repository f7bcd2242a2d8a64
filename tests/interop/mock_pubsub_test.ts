// Pub-sub on the wire, against a hand-written peer on a raw TCP socket (libzmq's
// test_mock_pub_sub, zmtp.md §1.10). A mock SUB of either ZMTP minor version may
// subscribe with 0x01/0x00-led data frames or with SUBSCRIBE/CANCEL commands, and
// our PUB and XPUB take both. Our SUB subscribes with commands to a 3.1 peer and
// with 0x01/0x00-led data frames to a 3.0 peer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Publisher, Subscriber, XPublisher } from "../../mod.ts";
import { within } from "../helpers/timeout.ts";
import { publishUntil } from "../helpers/pubsub.ts";
import { bytes, command, concat, frame, type RawFrame, RawPeer } from "../helpers/zmtp_raw.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const port = (endpoint: string) => Number(endpoint.split(":").pop());

/** Reads message frames until one whose body is `last`; returns the bodies before it. */
async function framesUntil(peer: RawPeer, last: string): Promise<string[]> {
  const seen: string[] = [];
  for (;;) {
    const f = await peer.readFrame();
    assert.equal(f.command, false, "a message frame");
    assert.equal(f.more, false, "a single-frame message");
    if (text(f.body) === last) return seen;
    seen.push(text(f.body));
  }
}

const long = Uint8Array.from({ length: 1000 }, (_, i) => 0x41 + (i % 26));

for (const Type of [XPublisher, Publisher]) {
  for (const minor of [0, 1]) {
    for (const form of ["data frames", "commands"] as const) {
      const name = Type === XPublisher ? "XPUB" : "PUB";
      test(`mock SUB (ZMTP 3.${minor}, subscribing with ${form}) -> zmq-ts ${name}: subscribe and cancel take effect`, async () => {
        const pub = new Type({ linger: 0 });
        await pub.bind("tcp://127.0.0.1:*");
        const peer = await RawPeer.connect(port(pub.lastEndpoint!));
        const sub = (
          t: Uint8Array,
        ) => (form === "commands" ? command("SUBSCRIBE", t) : frame(concat([1], t)));
        const cancel = (
          t: Uint8Array,
        ) => (form === "commands" ? command("CANCEL", t) : frame(concat([0], t)));
        // XPUB hands each subscription to the application as a message led by 1 or 0, whatever its form.
        const reported = async (expected: Uint8Array) => {
          if (!(pub instanceof XPublisher)) return;
          const [m, ...more] = await within(pub.receive(), 5000, "the subscription report");
          assert.deepEqual([...m!], [...expected]);
          assert.equal(more.length, 0);
        };
        try {
          const theirs = await peer.handshake(minor, "SUB");
          const g = theirs.greeting; // signature, version 3.1 whatever ours was, NULL
          assert.deepEqual([g[0], g[9], g[10], g[11]], [0xff, 0x7f, 3, 1]);
          assert.equal(text(g.subarray(12, 16)), "NULL");
          assert.equal(theirs.socketType, name);

          peer.write(sub(bytes("A")));
          await reported(bytes("\x01A"));
          // Until a frame arrives the subscription may still be on its way; after it, it holds.
          await publishUntil(() => pub.send("A-sync"), peer.readFrame(), "the first A message");
          await pub.send("B-not-wanted");
          await pub.send("A-end");
          for (const body of await framesUntil(peer, "A-end")) assert.equal(body, "A-sync");

          // Cancel A and subscribe C in one write: C arriving shows the cancel was applied before it.
          peer.write(cancel(bytes("A")), sub(bytes("C")));
          await reported(bytes("\x00A"));
          await reported(bytes("\x01C"));
          const first = await publishUntil(
            () => pub.send("C-sync"),
            peer.readFrame(),
            "the first C message",
          );
          assert.equal(text(first.body), "C-sync");
          await pub.send("A-cancelled");
          await pub.send("C-end");
          for (const body of await framesUntil(peer, "C-end")) assert.equal(body, "C-sync");

          // A 1000-byte topic: a LONG frame (8-byte size) either way.
          peer.write(sub(long));
          await reported(concat([1], long));
          const body = concat(long, bytes("!"));
          const got: RawFrame = await publishUntil(
            () => pub.send(body),
            peer.readFrame(),
            "the long-topic message",
          );
          assert.equal(got.flags, 0x02, "a LONG message frame");
          assert.deepEqual([...got.body], [...body]);
        } finally {
          peer.close();
          pub.close();
        }
      });
    }
  }
}

for (const minor of [0, 1]) {
  for (const weBind of [true, false]) {
    const how = weBind ? "our SUB binds" : "our SUB connects";
    const form = minor === 1 ? "SUBSCRIBE/CANCEL commands" : "0x01/0x00-led data frames";
    test(`zmq-ts SUB -> mock PUB (ZMTP 3.${minor}): subscriptions go as ${form} (${how})`, async () => {
      const sub = new Subscriber({ linger: 0 });
      const server = weBind ? undefined : await RawPeer.listen();
      let peer: RawPeer | undefined;
      // What the mock must read, built by hand.
      const subscribe = (
        t: Uint8Array,
      ) => (minor === 1 ? command("SUBSCRIBE", t) : frame(concat([1], t)));
      const cancel = (
        t: Uint8Array,
      ) => (minor === 1 ? command("CANCEL", t) : frame(concat([0], t)));
      const next = async () => [...(await peer!.readFrame()).raw];
      try {
        sub.subscribe("A"); // before the connection: sent when the peer arrives
        if (weBind) {
          await sub.bind("tcp://127.0.0.1:*");
          peer = await RawPeer.connect(port(sub.lastEndpoint!));
        } else {
          sub.connect(server!.endpoint);
          peer = await server!.accept();
        }
        const theirs = await peer.handshake(minor, "PUB");
        assert.equal(theirs.socketType, "SUB");

        const literal = minor === 1
          ? [0x04, 0x0b, 0x09, ...bytes("SUBSCRIBE"), 0x41]
          : [0x00, 0x02, 0x01, 0x41];
        assert.deepEqual(await next(), literal);
        assert.deepEqual([...subscribe(bytes("A"))], literal); // the helper agrees with the spec's bytes

        const topic300 = Uint8Array.from({ length: 300 }, (_, i) => 0x61 + (i % 26));
        sub.subscribe(topic300);
        const longFrame = await next();
        assert.equal(longFrame[0], minor === 1 ? 0x06 : 0x02, "a LONG frame");
        assert.deepEqual(longFrame, [...subscribe(topic300)]);

        // Every subscribe goes out; an unsubscribe only when the count reaches zero.
        sub.subscribe("A");
        assert.deepEqual(await next(), literal);
        sub.unsubscribe("A");
        sub.unsubscribe("A");
        sub.subscribe("M");
        assert.deepEqual(
          await next(),
          minor === 1 ? [0x04, 0x08, 0x06, ...bytes("CANCEL"), 0x41] : [0x00, 0x02, 0x00, 0x41],
        );
        assert.deepEqual(
          await next(),
          [...subscribe(bytes("M"))],
          "one cancel, then the next subscription",
        );
        assert.deepEqual(
          [...cancel(bytes("A"))],
          minor === 1 ? [4, 8, 6, ...bytes("CANCEL"), 0x41] : [0, 2, 0, 0x41],
        );

        // Data from the mock: A is no longer wanted, so our SUB drops it itself.
        peer.write(
          frame(bytes("A-dropped")),
          frame(bytes("M1")),
          frame(bytes("M2"), 0x01),
          frame(bytes("body")),
        );
        assert.deepEqual((await within(sub.receive(), 5000, "M1")).map(text), ["M1"]);
        assert.deepEqual((await within(sub.receive(), 5000, "M2")).map(text), ["M2", "body"]);
      } finally {
        peer?.close();
        server?.close();
        sub.close();
      }
    });
  }
}
