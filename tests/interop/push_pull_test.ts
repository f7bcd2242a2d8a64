// zmq-ts PUSH/PULL against libzmq 4.3.5, over tcp and ipc, each side binding in turn.
import assert from "node:assert/strict";
import { Pull, Push } from "../../mod.ts";
import { LibzmqPeer, peerTest as test } from "../helpers/libzmq.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";

const N = 10_000;
const text = (b: Uint8Array) => new TextDecoder().decode(b);

for (const transport of ["tcp", "ipc"] as const) {
  for (const weBind of [true, false]) {
    const how = `${transport}, zmq-ts ${weBind ? "binds" : "connects"}`;

    test(`zmq-ts PUSH -> libzmq PULL: ${N} messages in order (${how})`, async () => {
      const peer = await LibzmqPeer.start("PULL");
      const push = new Push({ linger: 0 });
      try {
        if (weBind) {
          await push.bind(freshEndpoint(transport));
          await peer.connect(push.lastEndpoint!);
        } else {
          push.connect(await peer.bind(freshEndpoint(transport)));
        }
        const got = peer.receiveSeq(N);
        for (let i = 0; i < N; i++) await push.send(String(i));
        const r = await got;
        assert.equal(r.count, N);
        assert.equal(r.inOrder, true);
      } finally {
        push.close();
        await peer.stop();
      }
    });

    test(`libzmq PUSH -> zmq-ts PULL: ${N} messages in order (${how})`, async () => {
      const peer = await LibzmqPeer.start("PUSH");
      const pull = new Pull({ linger: 0 });
      try {
        if (weBind) {
          await pull.bind(freshEndpoint(transport));
          await peer.connect(pull.lastEndpoint!);
        } else {
          pull.connect(await peer.bind(freshEndpoint(transport)));
        }
        const sent = peer.sendSeq(N);
        for (let i = 0; i < N; i++) {
          const msg = await within(pull.receive(), 10000, `message ${i}`);
          assert.equal(text(msg[0]!), String(i));
        }
        await sent;
      } finally {
        pull.close();
        await peer.stop();
      }
    });

    test(`multipart with empty frames and a 1 MiB frame arrives whole, both ways (${how})`, async () => {
      const big = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) & 0xff);
      const frames = [new Uint8Array(0), "a", new Uint8Array(0), big, new Uint8Array(0)];
      // libzmq -> zmq-ts
      const peerPush = await LibzmqPeer.start("PUSH");
      const pull = new Pull({ linger: 0 });
      // zmq-ts -> libzmq
      const peerPull = await LibzmqPeer.start("PULL");
      const push = new Push({ linger: 0 });
      try {
        if (weBind) {
          await pull.bind(freshEndpoint(transport));
          await peerPush.connect(pull.lastEndpoint!);
          await push.bind(freshEndpoint(transport));
          await peerPull.connect(push.lastEndpoint!);
        } else {
          pull.connect(await peerPush.bind(freshEndpoint(transport)));
          push.connect(await peerPull.bind(freshEndpoint(transport)));
        }
        await peerPush.send(frames);
        const msg = await within(pull.receive(), 10000, "the multipart message");
        assert.deepEqual(msg.map((f) => f.length), [0, 1, 0, big.length, 0]);
        assert.deepEqual(msg[3], big);

        const got = peerPull.receive(1);
        await push.send(frames);
        const [back] = await got;
        assert.deepEqual(back!.map((f) => f.length), [0, 1, 0, big.length, 0]);
        assert.deepEqual(back![3], big);
      } finally {
        pull.close();
        push.close();
        await peerPush.stop();
        await peerPull.stop();
      }
    });
  }
}
