// zmq-ts against libzmq's ws transport (ZWS 2.0, RFC 45), each side binding in turn: libzmq 4.3.5
// (npm zeromq under Node) and Debian's libzmq5 4.3.4 (pyzmq). Both sides offer "ZWS2.0/NULL"
// first (zmq-ts's client runs over tcp), so both run the NULL handshake with socket types.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { Dealer, Publisher, Pull, Push, Reply, Request, Router, Subscriber } from "../../mod.ts";
import type { Socket } from "../../mod.ts";
import { LibzmqPeer, type LibzmqVia } from "../helpers/libzmq.ts";
import { within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const N = 1000;

const pyzmq = spawnSync("/usr/bin/python3", ["-c", "import zmq"]).status === 0;
const skipPy = pyzmq
  ? false
  : "pyzmq for /usr/bin/python3 is not installed (apt-get install python3-zmq)";

/** Joins `ours` and `peer` over ws, the side named by `weBind` binding. */
async function join(ours: Socket, peer: LibzmqPeer, weBind: boolean): Promise<void> {
  if (weBind) {
    await ours.bind("ws://127.0.0.1:*/zmq");
    await peer.connect(ours.lastEndpoint!);
  } else {
    ours.connect(await peer.bind("ws://127.0.0.1:*/zmq"));
  }
}

/** Runs `body` with a libzmq peer of `type` and a zmq-ts socket, joined over ws; closes both. */
async function withPeer<S extends Socket>(
  via: LibzmqVia,
  type: string,
  ours: S,
  weBind: boolean,
  body: (ours: S, peer: LibzmqPeer) => Promise<void>,
  before?: (peer: LibzmqPeer) => Promise<void>,
): Promise<void> {
  const peer = await LibzmqPeer.start(type, {}, via);
  try {
    await before?.(peer);
    await join(ours, peer, weBind);
    await body(ours, peer);
  } finally {
    ours.close();
    await peer.stop();
  }
}

for (const via of ["zeromq.js", "pyzmq"] as const) {
  const skip = via === "pyzmq" ? skipPy : false;
  for (const weBind of [true, false]) {
    const how = `libzmq via ${via}, zmq-ts ${weBind ? "binds" : "connects"}`;

    test(
      `ws: zmq-ts PUSH -> libzmq PULL, ${N} in order (${how})`,
      { skip },
      () =>
        withPeer(via, "PULL", new Push({ linger: 0 }), weBind, async (push, peer) => {
          const got = peer.receiveSeq(N);
          for (let i = 0; i < N; i++) await push.send(String(i));
          const r = await got;
          assert.deepEqual([r.count, r.inOrder], [N, true]);
        }),
    );

    test(
      `ws: libzmq PUSH -> zmq-ts PULL, ${N} in order (${how})`,
      { skip },
      () =>
        withPeer(via, "PUSH", new Pull({ linger: 0 }), weBind, async (pull, peer) => {
          const sent = peer.sendSeq(N);
          for (let i = 0; i < N; i++) {
            assert.equal(
              text((await within(pull.receive(), 10000, `message ${i}`))[0]!),
              String(i),
            );
          }
          await sent;
        }),
    );

    test(
      `ws: zmq-ts REQ -> libzmq REP and back (${how})`,
      { skip },
      () =>
        withPeer(via, "REP", new Request({ linger: 0 }), weBind, async (req, peer) => {
          const echoed = peer.echo(3);
          for (const q of ["one", "two", "three"]) {
            await req.send(["hdr", q]);
            assert.deepEqual((await within(req.receive(), 10000, "the reply")).map(text), [
              "hdr",
              q,
            ]);
          }
          await echoed;
        }),
    );

    test(
      `ws: libzmq REQ -> zmq-ts REP and back (${how})`,
      { skip },
      () =>
        withPeer(via, "REQ", new Reply({ linger: 0 }), weBind, async (rep, peer) => {
          const answer = (async () => {
            const q = await within(rep.receive(), 10000, "the request");
            await rep.send(["re", ...q]);
          })();
          assert.deepEqual((await peer.request(["ask"])).map(text), ["re", "ask"]);
          await answer;
        }),
    );

    test(
      `ws: zmq-ts PUB -> libzmq SUB, filtered by prefix (${how})`,
      { skip },
      () =>
        withPeer(via, "SUB", new Publisher({ linger: 0 }), weBind, async (pub, peer) => {
          // The subscription is made before joining, so it travels at the handshake: publish until
          // the first "A" arrives, then check that nothing else ever did.
          const got = peer.receive(3);
          let stop = false;
          const pump = (async () => {
            for (let i = 0; !stop; i++) {
              await pub.send(["B", String(i)]);
              await pub.send(["AB", String(i)]);
              await pub.send(["C", String(i)]);
              await new Promise((r) => setTimeout(r, 5));
            }
          })();
          const msgs = await within(got, 10000, "three messages on A");
          stop = true;
          await pump;
          for (const m of msgs) assert.equal(text(m[0]!), "AB");
        }, (peer) => peer.subscribe("A")),
    );

    test(
      `ws: libzmq PUB -> zmq-ts SUB, filtered by prefix, then unsubscribed (${how})`,
      { skip },
      () =>
        withPeer(via, "PUB", new Subscriber({ linger: 0 }), weBind, async (sub, peer) => {
          sub.subscribe("A");
          sub.subscribe("Z");
          let stop = false;
          const pump = (async () => {
            while (!stop) {
              await peer.send(["B"]).then(() => peer.send(["AB"])).then(() => peer.send(["Z"]));
            }
          })();
          const seen = new Set<string>();
          while (!seen.has("Z") || !seen.has("AB")) {
            seen.add(text((await within(sub.receive(), 10000, "a subscribed message"))[0]!));
          }
          sub.unsubscribe("Z");
          // After the CANCEL reaches libzmq, only "AB" comes; wait for a run of them.
          let run = 0;
          while (run < 50) {
            const t = text((await within(sub.receive(), 10000, "a message"))[0]!);
            run = t === "AB" ? run + 1 : 0;
          }
          stop = true;
          await pump;
          assert.deepEqual([...seen].sort(), ["AB", "Z"], "never B");
        }),
    );

    test(
      `ws: zmq-ts DEALER with a routing id -> libzmq ROUTER echo (${how})`,
      { skip },
      () =>
        withPeer(
          via,
          "ROUTER",
          new Dealer({ linger: 0, routingId: "dealer-1" }),
          weBind,
          async (dealer, peer) => {
            const echoed = peer.echo(1);
            await dealer.send(["x", "y"]);
            assert.deepEqual((await within(dealer.receive(), 10000, "the echo")).map(text), [
              "x",
              "y",
            ]);
            await echoed;
          },
        ),
    );

    test(
      `ws: libzmq DEALER -> zmq-ts ROUTER: ids, replies routed back (${how})`,
      { skip },
      () =>
        withPeer(via, "DEALER", new Router({ linger: 0 }), weBind, async (router, peer) => {
          const answer = (async () => {
            const [id, ...body] = await within(router.receive(), 10000, "the request");
            assert.ok(id!.length > 0);
            await router.send([id!, "back", ...body]);
          })();
          assert.deepEqual((await peer.request(["hi"])).map(text), ["back", "hi"]);
          await answer;
        }),
    );

    test(
      `ws: multipart with empty frames and 1 MiB frames, both ways (${how})`,
      { skip },
      async () => {
        const big = Uint8Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7) & 0xff);
        const frames = [new Uint8Array(0), "a", big, new Uint8Array(0), big];
        const sizes = [0, 1, big.length, 0, big.length];
        await withPeer(via, "PUSH", new Pull({ linger: 0 }), weBind, async (pull, peer) => {
          await peer.send(frames, 3);
          for (let i = 0; i < 3; i++) {
            const msg = await within(pull.receive(), 20000, "a multipart message");
            assert.deepEqual(msg.map((f) => f.length), sizes);
            assert.deepEqual(msg[2], big);
            assert.deepEqual(msg[4], big);
          }
        });
        await withPeer(via, "PULL", new Push({ linger: 0 }), weBind, async (push, peer) => {
          const got = peer.receive(3, 30000);
          for (let i = 0; i < 3; i++) await push.send(frames);
          for (const msg of await got) {
            assert.deepEqual(msg.map((f) => f.length), sizes);
            assert.deepEqual(msg[2], big);
          }
        });
      },
    );
  }
}
