// While a closed socket's connection lingers to deliver what it queued, the peer may keep
// sending: those bytes have no reader and must be decoded and dropped, not held (a peer that
// never reads our messages could otherwise grow the connection's buffer without end).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Engine, type EngineHost } from "../../src/engine.ts";
import { MessageQueue, Pipe } from "../../src/pipe.ts";
import type { Stream } from "../../src/transports/stream.ts";
import { command, concat, frame, greeting, ready } from "../helpers/zmtp_raw.ts";

/** A stream whose writes never drain, so what the socket queued stays queued. */
function stuckStream(): Stream & { paused: boolean; closed: boolean } {
  return {
    remoteAddress: "tcp://127.0.0.1:1",
    paused: false,
    closed: false,
    write: () => false,
    pause() {
      this.paused = true;
    },
    resume() {
      this.paused = false;
    },
    end() {},
    destroy() {
      this.closed = true;
    },
    keepAlive() {},
    onData: () => {},
    onDrain: () => {},
    onClose: () => {},
  };
}

function host(attached: (pipe: Pipe) => void): EngineHost {
  return {
    socketType: "PUSH",
    identity: undefined,
    options: {
      maxMessageSize: -1,
      maxUndecodedBytes: 0,
      handshakeInterval: 0,
      heartbeatInterval: 0,
      heartbeatTimeout: 0,
      heartbeatTimeToLive: 0,
    },
    security: undefined,
    zap: () => undefined,
    accepts: (type) => type === "PULL",
    attach(_engine, peer) {
      const pipe = new Pipe(new MessageQueue(1000), new MessageQueue(1000), peer, "tcp://x:1");
      attached(pipe);
      return pipe;
    },
    detach() {},
  };
}

test("a lingering connection decodes and drops what the peer sends, holding none of it", () => {
  const stream = stuckStream();
  let pipe: Pipe | undefined;
  const engine = new Engine(stream, host((p) => (pipe = p)));
  stream.onData(concat(greeting(1), ready("PULL")));
  assert.ok(pipe, "the handshake completed");
  pipe.outbound.push([new Uint8Array(1024)]); // stays queued: the stream never drains
  pipe.close(-1); // the socket lets go; the connection lingers to deliver it
  const body = new Uint8Array(64 * 1024);
  for (let i = 0; i < 64; i++) stream.onData(frame(body)); // 4 MiB the socket will never read
  assert.ok(
    stream.undecoded!() < 64 * 1024,
    `held ${stream.undecoded!()} undecoded bytes after the socket let go`,
  );
  assert.equal(stream.closed, false, "the connection still lingers");
  stream.onData(command("PING", new Uint8Array([0, 0])));
  engine.close();
});
