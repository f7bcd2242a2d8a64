// Heartbeats over ws against libzmq. libzmq's ws engine heartbeats with WebSocket pings, which
// every WebSocket answers, and it ignores ZMTP PING commands. So libzmq's heartbeats keep a zmq-ts
// peer, and a connecting zmq-ts socket's heartbeats (WebSocket pings from its client over tcp)
// keep a live libzmq peer and drop a frozen one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Pull } from "../../mod.ts";
import { LibzmqPeer } from "../helpers/libzmq.ts";
import { nextEvent, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const HEARTBEATS = { heartbeatInterval: 100, heartbeatTimeout: 300, heartbeatTimeToLive: 1000 };
/** How long a connection must survive: five heartbeat timeouts. */
const SURVIVE_MS = 1500;

/** Passes if `events` reports no "disconnect" for `ms`: the deadline is the assertion. */
async function noDisconnectFor(events: Parameters<typeof nextEvent>[0], ms: number): Promise<void> {
  await assert.rejects(
    nextEvent(events, "disconnect", ms),
    /timed out/,
    `disconnected within ${ms} ms`,
  );
}

test("ws: a heartbeating libzmq PUSH stays connected to a bound zmq-ts PULL (the runtime answers its pings)", async () => {
  const pull = new Pull({ linger: 0 });
  await pull.bind("ws://127.0.0.1:*/zmq");
  const peer = await LibzmqPeer.start("PUSH", HEARTBEATS);
  try {
    await peer.watch("handshake", "disconnect");
    const up = nextEvent(pull.events, "handshake", 5000);
    await peer.connect(pull.lastEndpoint!);
    await up;
    await peer.waitEvents("handshake", 1);
    await noDisconnectFor(pull.events, SURVIVE_MS);
    assert.equal((await peer.eventCounts()).disconnect, 0);
    await peer.send(["still here"]);
    assert.equal(text((await within(pull.receive(), 5000, "the message"))[0]!), "still here");
  } finally {
    pull.close();
    await peer.stop();
  }
});

test(
  "ws: a zmq-ts DEALER with heartbeats keeps a live libzmq peer, drops it frozen (SIGSTOP), and gets it back",
  async () => {
    const peer = await LibzmqPeer.start("ROUTER");
    const endpoint = await peer.bind("ws://127.0.0.1:*/zmq");
    const dealer = new Dealer({
      linger: 0,
      ...HEARTBEATS,
      heartbeatTimeToLive: 0,
      reconnectInterval: 50,
    });
    const roundTrip = async (body: string) => {
      const echoed = peer.echo(1);
      await dealer.send(body);
      assert.equal(text((await within(dealer.receive(), 5000, `the echo of ${body}`))[0]!), body);
      await echoed;
    };
    try {
      const up = nextEvent(dealer.events, "handshake", 5000);
      dealer.connect(endpoint);
      await up;
      await noDisconnectFor(dealer.events, SURVIVE_MS);
      await roundTrip("before");
      const lost = nextEvent(dealer.events, "disconnect", 3000);
      peer.signal("SIGSTOP");
      assert.match((await lost).error?.message ?? "", /heartbeat timed out/);
      const back = nextEvent(dealer.events, "handshake", 10000);
      peer.signal("SIGCONT");
      await back;
      await roundTrip("after");
    } finally {
      peer.signal("SIGCONT");
      dealer.close();
      await peer.stop();
    }
  },
);
