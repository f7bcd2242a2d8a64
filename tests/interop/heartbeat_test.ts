// ZMTP heartbeats (PING/PONG) against libzmq: a heartbeating libzmq peer keeps a zmq-ts
// connection that only answers its PINGs, and a heartbeating zmq-ts socket drops a libzmq peer
// that has frozen (SIGSTOP) and gets it back once it thaws (SIGCONT).
import assert from "node:assert/strict";
import { createConnection } from "node:net";
import { Dealer, Pull, Push } from "../../mod.ts";
import { LibzmqPeer, peerTest as test } from "../helpers/libzmq.ts";
import { nextEvent, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/**
 * libzmq options: PING every 100 ms, drop the connection 1 s after a PING with no traffic back. The
 * timeout is long next to the interval so that a loaded machine stalling a process for a few
 * hundred milliseconds does not drop a healthy connection; the tests' verdicts rest on whether
 * the connection is dropped, never on how soon.
 */
const HEARTBEAT_TIMEOUT = 1000;
const HEARTBEATS = {
  heartbeatInterval: 100,
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  heartbeatTimeToLive: 3000,
};
/** How long a connection must survive: three heartbeat timeouts (thirty PINGs). */
const SURVIVE_MS = 3 * HEARTBEAT_TIMEOUT;

/**
 * Passes if `events` reports no "disconnect" for `ms`. Waiting out the deadline is the
 * assertion itself: a dropped connection shows up here at once and fails the test.
 */
async function noDisconnectFor(events: Parameters<typeof nextEvent>[0], ms: number): Promise<void> {
  await assert.rejects(
    nextEvent(events, "disconnect", ms),
    /timed out/,
    `disconnected within ${ms} ms`,
  );
}

test("control: a heartbeating libzmq peer drops a connection that never answers its PINGs", async () => {
  // Shows that the options below really make libzmq time peers out, so the tests after it,
  // where the connection survives, say something about our PONGs.
  const peer = await LibzmqPeer.start("PULL", HEARTBEATS);
  try {
    await peer.watch("handshake", "disconnect");
    const endpoint = await peer.bind("tcp://127.0.0.1:*");
    const port = Number(endpoint.split(":").pop());
    const greeting = new Uint8Array(64);
    greeting.set([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1]);
    greeting.set(new TextEncoder().encode("NULL"), 12);
    const enc = (s: string) => [...new TextEncoder().encode(s)];
    const ready = [
      4,
      26,
      5,
      ...enc("READY"),
      11,
      ...enc("Socket-Type"),
      0,
      0,
      0,
      4,
      ...enc("PUSH"),
    ];

    let received = "";
    let readyAt = 0;
    const sock = createConnection({ host: "127.0.0.1", port }, () => {
      readyAt = Date.now(); // before the write: a stall after it could only make `elapsed` longer
      sock.write(new Uint8Array([...greeting, ...ready]));
    });
    sock.on("data", (b: Uint8Array) => (received += String.fromCharCode(...b)));
    sock.on("error", () => {});
    const closed = new Promise<number>((r) => sock.on("close", () => r(Date.now())));
    const closedAt = await within(closed, 10000, "libzmq to drop the silent connection");
    const elapsed = closedAt - readyAt;

    assert.ok(received.includes("\x04PING"), "libzmq sent PING commands");
    // First PING 100 ms after the handshake, dropped a timeout later.
    assert.ok(
      elapsed >= HEARTBEAT_TIMEOUT,
      `dropped after ${elapsed} ms, before a heartbeat timeout could pass`,
    );
    const counts = await peer.waitEvents("disconnect", 1);
    assert.deepEqual(counts, { handshake: 1, disconnect: 1 });
  } finally {
    await peer.stop();
  }
});

test("a heartbeating libzmq PULL keeps a connected zmq-ts PUSH: our PONGs answer its PINGs", async () => {
  const peer = await LibzmqPeer.start("PULL", HEARTBEATS);
  const push = new Push({ linger: 0 });
  try {
    await peer.watch("handshake", "disconnect");
    const endpoint = await peer.bind("tcp://127.0.0.1:*");
    const up = nextEvent(push.events, "handshake", 5000);
    push.connect(endpoint);
    await up;
    await peer.waitEvents("handshake", 1);

    await noDisconnectFor(push.events, SURVIVE_MS);
    assert.deepEqual(await peer.eventCounts(), { handshake: 1, disconnect: 0 });

    const got = peer.receive(1);
    await push.send("still here");
    assert.equal(text((await got)[0]![0]!), "still here");
  } finally {
    push.close();
    await peer.stop();
  }
});

test("a heartbeating libzmq PUSH stays connected to a bound zmq-ts PULL: our PONGs answer its PINGs", async () => {
  const pull = new Pull({ linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const peer = await LibzmqPeer.start("PUSH", HEARTBEATS);
  try {
    await peer.watch("handshake", "disconnect");
    const up = nextEvent(pull.events, "handshake", 5000);
    await peer.connect(pull.lastEndpoint!);
    await up;
    await peer.waitEvents("handshake", 1);

    await noDisconnectFor(pull.events, SURVIVE_MS);
    assert.deepEqual(await peer.eventCounts(), { handshake: 1, disconnect: 0 });

    await peer.send(["still here"]);
    const [m] = await within(pull.receive(), 5000, "the message after the wait");
    assert.equal(text(m!), "still here");
  } finally {
    pull.close();
    await peer.stop();
  }
});

test("a zmq-ts DEALER with heartbeats drops a frozen (SIGSTOP) libzmq peer, and reconnects when it thaws", async () => {
  // libzmq without heartbeats: only our PINGs can notice. A ROUTER replies on the connection a
  // message came in on, so the echo after the reconnect cannot go to the dead connection.
  const peer = await LibzmqPeer.start("ROUTER");
  const endpoint = await peer.bind("tcp://127.0.0.1:*");
  const dealer = new Dealer({
    linger: 0,
    heartbeatInterval: 100,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    reconnectInterval: 50,
  });
  const roundTrip = async (body: string) => {
    const echoed = peer.echo(1);
    await dealer.send(body);
    const [m] = await within(dealer.receive(), 5000, `the echo of "${body}"`);
    assert.equal(text(m!), body);
    await echoed;
  };
  try {
    const up = nextEvent(dealer.events, "handshake", 5000);
    dealer.connect(endpoint);
    await up;
    // Alive, the peer answers our PINGs, and that keeps the connection.
    await noDisconnectFor(dealer.events, SURVIVE_MS);
    await roundTrip("before");

    const lost = nextEvent(dealer.events, "disconnect", 10000);
    const frozenAt = Date.now();
    peer.signal("SIGSTOP");
    const e = await lost;
    const detectMs = Date.now() - frozenAt;
    assert.match(e.error?.message ?? "", /heartbeat timed out/);
    // At least the timeout less an interval (a last PING, sent just before the freeze, may have gone
    // unanswered); how much later depends on the machine's load, so only the deadline above bounds it.
    assert.ok(
      detectMs >= HEARTBEAT_TIMEOUT - 100,
      `disconnect ${detectMs} ms after SIGSTOP, sooner than a heartbeat timeout`,
    );

    // While frozen, the kernel still accepts our reconnect; the handshake waits for the thaw.
    await nextEvent(dealer.events, "connect", 5000);
    const back = nextEvent(dealer.events, "handshake", 10000);
    peer.signal("SIGCONT");
    await back;
    await roundTrip("after");
  } finally {
    peer.signal("SIGCONT"); // never leave a stopped process behind
    dealer.close();
    await peer.stop();
  }
});
