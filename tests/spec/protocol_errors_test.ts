// A peer that breaks the protocol is turned away with a handshake:error:protocol event whose error
// is a ProtocolError naming what it broke by libzmq's code (as zeromq.js reports it): bytes written
// by hand on a raw TCP connection, through the whole engine; and two zmq-ts sockets whose
// mechanisms differ, each side reporting the mismatch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Pair, ProtocolError, type ProtocolErrorCode, Pull, Push } from "../../mod.ts";
import { bytes, command, concat, frame, greeting, RawPeer, ready } from "../helpers/zmtp_raw.ts";
import { nextEvent, within } from "../helpers/timeout.ts";

/** A greeting for `mechanism` (ZMTP 3.1), the as-server flag set if `asServer`. */
function greetingOf(mechanism: string, asServer = false): Uint8Array {
  const g = greeting(1);
  g.fill(0, 12, 32);
  g.set(bytes(mechanism), 12);
  g[32] = asServer ? 1 : 0;
  return g;
}

const port = (endpoint: string) => Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));

/** Sends `parts` to a fresh socket from `make` and returns the code of its protocol event. */
async function codeFor(make: () => Pull, ...parts: Uint8Array[]): Promise<ProtocolErrorCode> {
  const pull = make();
  try {
    await pull.bind("tcp://127.0.0.1:*");
    const refused = nextEvent(pull.events, "handshake:error:protocol");
    const peer = await RawPeer.connect(port(pull.lastEndpoint!));
    peer.write(...parts);
    const { error } = await refused;
    await within(peer.closed, 5000, "the connection to close");
    assert.ok(error instanceof ProtocolError, String(error));
    return error.code;
  } finally {
    pull.close();
  }
}

const nullPull = () => new Pull({ linger: 0 });

test("engine: a greeting of another mechanism, a bad signature, a message frame during the handshake", async () => {
  assert.equal(await codeFor(nullPull, greetingOf("PLAIN")), "ERR_ZMTP_MECHANISM_MISMATCH");
  assert.equal(await codeFor(nullPull, greetingOf("CURVE", true)), "ERR_ZMTP_MECHANISM_MISMATCH");
  const bad = greeting(1);
  bad[0] = 0x7f;
  assert.equal(await codeFor(nullPull, bad), "ERR_ZMTP_UNSPECIFIED");
  assert.equal(
    await codeFor(nullPull, greeting(1), frame(bytes("data"))),
    "ERR_ZMTP_UNEXPECTED_COMMAND",
  );
});

test("engine: NULL commands out of turn, cut short, with bad properties or of a type we cannot talk to", async () => {
  const cases: [Uint8Array, ProtocolErrorCode][] = [
    [command("HELLO"), "ERR_ZMTP_UNEXPECTED_COMMAND"],
    [frame(Uint8Array.of(7, 0x52, 0x45), 0x04), "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED"],
    [command("ERROR", Uint8Array.of(20, 0x61)), "ERR_ZMTP_MALFORMED_COMMAND_ERROR"],
    [
      command("READY", concat([11], bytes("Socket-Type"), [0, 0, 1, 0])),
      "ERR_ZMTP_INVALID_METADATA",
    ],
    [ready("SUB"), "ERR_ZMTP_INVALID_METADATA"],
  ];
  for (const [cmd, code] of cases) {
    assert.equal(await codeFor(nullPull, greeting(1), cmd), code, `${code}`);
  }
});

test("engine: a PLAIN server refuses a malformed HELLO; a PLAIN client a WELCOME with data", async () => {
  const plainServer = () => new Pull({ linger: 0, plainServer: true });
  const hello = command("HELLO", Uint8Array.of(4, 0x75));
  assert.equal(
    await codeFor(plainServer, greetingOf("PLAIN"), hello),
    "ERR_ZMTP_MALFORMED_COMMAND_HELLO",
  );

  const server = await RawPeer.listen();
  const push = new Push({ linger: 0, plainUsername: "u", plainPassword: "p" });
  try {
    const refused = nextEvent(push.events, "handshake:error:protocol");
    push.connect(server.endpoint);
    const peer = await server.accept();
    peer.write(greetingOf("PLAIN", true));
    await peer.read(64);
    assert.equal((await peer.readFrame()).command, true); // HELLO
    peer.write(command("WELCOME", Uint8Array.of(0)));
    const { error } = await refused;
    assert.ok(error instanceof ProtocolError);
    assert.equal(error.code, "ERR_ZMTP_MALFORMED_COMMAND_WELCOME");
    peer.close();
  } finally {
    push.close();
    server.close();
  }
});

test("a PLAIN server and a CURVE server meet: each reports ERR_ZMTP_MECHANISM_MISMATCH", async () => {
  const { curveKeyPair } = await import("../../mod.ts");
  const keys = curveKeyPair();
  const a = new Pair({ linger: 0, plainServer: true });
  const b = new Pair({ linger: 0, curveServer: true, curveSecretKey: keys.secretKey });
  try {
    const onA = nextEvent(a.events, "handshake:error:protocol");
    const onB = nextEvent(b.events, "handshake:error:protocol");
    await a.bind("tcp://127.0.0.1:*");
    b.connect(a.lastEndpoint!);
    for (const { error, address } of [await onA, await onB]) {
      assert.equal(address, a.lastEndpoint);
      assert.ok(error instanceof ProtocolError);
      assert.equal(error.code, "ERR_ZMTP_MECHANISM_MISMATCH");
      assert.match(error.message, /peer uses (PLAIN|CURVE), we use (CURVE|PLAIN)/);
    }
  } finally {
    a.close();
    b.close();
  }
});
