// zmq-ts PAIR against libzmq PAIR, both ways, over tcp and ipc, each side binding in turn.
import assert from "node:assert/strict";
import { Pair } from "../../mod.ts";
import { LibzmqPeer, peerTest as test } from "../helpers/libzmq.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";

const N = 10_000;
const text = (b: Uint8Array) => new TextDecoder().decode(b);

for (const transport of ["tcp", "ipc"] as const) {
  for (const weBind of [true, false]) {
    const how = `${transport}, zmq-ts ${weBind ? "binds" : "connects"}`;

    test(`PAIR with libzmq: ${N} messages each way in order, multipart echoed whole (${how})`, async () => {
      const peer = await LibzmqPeer.start("PAIR");
      const pair = new Pair({ linger: 0 });
      try {
        if (weBind) {
          await pair.bind(freshEndpoint(transport));
          await peer.connect(pair.lastEndpoint!);
        } else {
          pair.connect(await peer.bind(freshEndpoint(transport)));
        }
        // libzmq -> zmq-ts
        const sent = peer.sendSeq(N, ["seq"]);
        for (let i = 0; i < N; i++) {
          const msg = await within(pair.receive(), 10000, `message ${i}`);
          assert.equal(msg.length, 2);
          assert.equal(text(msg[1]!), String(i));
        }
        await sent;
        // zmq-ts -> libzmq
        const got = peer.receiveSeq(N);
        for (let i = 0; i < N; i++) await pair.send(["seq", String(i)]);
        const r = await got;
        assert.equal(r.inOrder, true);
        assert.deepEqual(r.sizes, [3, 1]);
        // a round trip of a multipart message with empty frames
        const echoed = peer.echo(1);
        await pair.send(["", "x", new Uint8Array(300), ""]);
        const back = await within(pair.receive(), 10000, "the echo");
        await echoed;
        assert.deepEqual(back.map((f) => f.length), [0, 1, 300, 0]);
      } finally {
        pair.close();
        await peer.stop();
      }
    });
  }
}
