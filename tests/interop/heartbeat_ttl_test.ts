// Heartbeat details of RFC 37 on the wire, with a hand-written peer: PONG echoes the PING's
// context; a PING's TTL makes us drop a peer that then falls silent; our own PINGs carry our TTL.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Pull } from "../../mod.ts";
import { bytes, command, concat, RawPeer } from "../helpers/zmtp_raw.ts";
import { nextEvent, within } from "../helpers/timeout.ts";

const portOf = (endpoint: string) => Number(endpoint.split(":").at(-1));

/** Reads frames until a command named `name`; returns its data. */
async function readCommand(peer: RawPeer, name: string): Promise<Uint8Array> {
  for (;;) {
    const f = await peer.readFrame();
    if (!f.command) continue;
    const n = new TextDecoder().decode(f.body.subarray(1, 1 + f.body[0]!));
    if (n === name) return f.body.subarray(1 + f.body[0]!);
  }
}

test("PONG echoes the PING's context; a PING's TTL drops a peer that falls silent", async () => {
  const pull = new Pull({ linger: 0 });
  try {
    await pull.bind("tcp://127.0.0.1:*");
    const peer = await RawPeer.connect(portOf(pull.lastEndpoint!));
    await peer.handshake(1, "PUSH");
    // PING: TTL 3 deciseconds (300 ms), context "ctx-42".
    const started = Date.now();
    const dropped = nextEvent(pull.events, "disconnect", 10000);
    peer.write(command("PING", concat([0, 3], bytes("ctx-42"))));
    const pong = await readCommand(peer, "PONG");
    assert.equal(new TextDecoder().decode(pong), "ctx-42");
    // Now silence: we must drop the peer once the TTL has passed, not before (and not never: the
    // deadline above; how soon after the TTL depends on the machine's load).
    const event = await dropped;
    const after = Date.now() - started;
    assert.ok(after >= 250, `dropped after ${after} ms, before the TTL of 300 ms`);
    assert.match(String(event.error?.message), /TTL/);
    await within(peer.closed, 5000, "the connection to close");
  } finally {
    pull.close();
  }
});

test("our PINGs carry heartbeatTimeToLive in deciseconds", async () => {
  const pull = new Pull({ linger: 0, heartbeatInterval: 50, heartbeatTimeToLive: 2000 });
  try {
    await pull.bind("tcp://127.0.0.1:*");
    const peer = await RawPeer.connect(portOf(pull.lastEndpoint!));
    await peer.handshake(1, "PUSH");
    const ping = await readCommand(peer, "PING");
    assert.equal((ping[0]! << 8) | ping[1]!, 20);
    peer.close();
  } finally {
    pull.close();
  }
});
