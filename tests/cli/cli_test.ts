// The zmq command as an operator runs it: a subprocess on this runtime, against libzmq peers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { packageVersion, version } from "../../mod.ts";
import { LibzmqPeer, peerTest } from "../helpers/libzmq.ts";
import { until } from "../helpers/timeout.ts";
import { Zmq, zmq } from "../helpers/zmq_cli.ts";

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

peerTest("connect req --send: prints the reply of a libzmq REP and exits 0", async () => {
  const rep = await LibzmqPeer.start("REP");
  try {
    const endpoint = await rep.bind("tcp://127.0.0.1:*");
    const answered = rep.echo(2);
    const z = await zmq(["connect", "req", endpoint, "--send", "hello", "--send", "again"]);
    assert.equal(z.code, 0, z.err);
    assert.deepEqual(z.lines, ["hello", "again"]);
    await answered;
  } finally {
    await rep.stop();
  }
});

peerTest("bind pull --count 3: prints three messages from a libzmq PUSH, then exits", async () => {
  const push = await LibzmqPeer.start("PUSH");
  const z = new Zmq(["bind", "pull", "tcp://127.0.0.1:*", "--count", "3"]);
  try {
    await push.connect(await z.bound());
    await push.send(["one"]);
    await push.send(["two", "parts"]);
    await push.send(["three"]);
    assert.equal(await z.status(), 0, z.err);
    assert.deepEqual(z.lines, ["one", "two\tparts", "three"]);
  } finally {
    await z.status().catch(() => {});
    await push.stop();
  }
});

peerTest(
  "when the reader of its output goes away (| head), the command ends with status 0",
  async () => {
    const push = await LibzmqPeer.start("PUSH");
    const z = new Zmq(["bind", "pull", "tcp://127.0.0.1:*"]);
    try {
      await push.connect(await z.bound());
      await push.send(["first"]);
      await until(() => z.lines.length > 0, 10000, "the first line");
      z.closeStdout();
      let exited = false;
      z.ended.then(() => (exited = true));
      const deadline = Date.now() + 15000;
      while (!exited) { // the next line written finds the pipe closed
        assert.ok(Date.now() < deadline, `still running 15 s after its reader left: ${z.err}`);
        await push.send(["more"]);
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(await z.status(), 0, z.err);
    } finally {
      await z.status().catch(() => {});
      await push.stop();
    }
  },
);

peerTest("connect push: each line of stdin is a message, a tab separates its frames", async () => {
  const pull = await LibzmqPeer.start("PULL");
  try {
    const endpoint = await pull.bind("tcp://127.0.0.1:*");
    const got = pull.receive(2);
    const z = await zmq(["connect", "push", endpoint], "topic\tbody\nsolo\n");
    assert.equal(z.code, 0, z.err);
    assert.deepEqual((await got).map((m) => m.map(text)), [["topic", "body"], ["solo"]]);
  } finally {
    await pull.stop();
  }
});

peerTest("connect sub --subscribe: only the matching messages of a libzmq PUB", async () => {
  const pub = await LibzmqPeer.start("PUB");
  const endpoint = await pub.bind("tcp://127.0.0.1:*");
  const z = new Zmq(["connect", "sub", endpoint, "--subscribe", "weather", "--count", "2"]);
  try {
    // A subscription reaches the publisher some time after connecting: publish until seen.
    const deadline = Date.now() + 15000;
    while (z.lines.length < 2) {
      assert.ok(Date.now() < deadline, `no two weather messages within 15 s: ${z.err}`);
      await pub.send(["sport 1"]);
      await pub.send(["weather 20"]);
    }
    assert.equal(await z.status(), 0, z.err);
    assert.deepEqual(z.lines, ["weather 20", "weather 20"]);
  } finally {
    await z.status().catch(() => {});
    await pub.stop();
  }
});

peerTest("--format hex and json write and read frames that are not text", async () => {
  const rep = await LibzmqPeer.start("REP");
  try {
    const endpoint = await rep.bind("tcp://127.0.0.1:*");
    const answered = rep.echo(2);
    const hex = await zmq(["connect", "req", endpoint, "-f", "hex", "--send", "00ff\t41"]);
    assert.equal(hex.code, 0, hex.err);
    assert.deepEqual(hex.lines, ["00ff\t41"]);
    const json = await zmq(["connect", "req", endpoint, "-f", "json", "-s", '["a",{"hex":"ff"}]']);
    assert.equal(json.code, 0, json.err);
    assert.deepEqual(json.lines, ['["a",{"hex":"ff"}]']);
    await answered;
  } finally {
    await rep.stop();
  }
});

peerTest("bind rep --send: answers a libzmq REQ, printing its request", async () => {
  const req = await LibzmqPeer.start("REQ");
  const z = new Zmq(["bind", "rep", "tcp://127.0.0.1:*", "--send", "world", "--count", "1"]);
  try {
    await req.connect(await z.bound());
    assert.deepEqual((await req.request(["hello"])).map(text), ["world"]);
    assert.equal(await z.status(), 0, z.err);
    assert.deepEqual(z.lines, ["hello"]);
  } finally {
    await z.status().catch(() => {});
    await req.stop();
  }
});

peerTest("--identity is the routing id a libzmq ROUTER sees", async () => {
  const router = await LibzmqPeer.start("ROUTER");
  try {
    const endpoint = await router.bind("tcp://127.0.0.1:*");
    const got = router.receive(1);
    const z = await zmq([
      "connect",
      "dealer",
      endpoint,
      "--identity",
      "alice",
      "-s",
      "hi",
      "-n",
      "0",
    ]);
    assert.equal(z.code, 0, z.err);
    assert.deepEqual((await got)[0]!.map(text), ["alice", "hi"]);
  } finally {
    await router.stop();
  }
});

peerTest(
  "monitor prints the socket's events: connected to a libzmq REP, then the handshake",
  async () => {
    const rep = await LibzmqPeer.start("REP");
    try {
      const endpoint = await rep.bind("tcp://127.0.0.1:*");
      const z = await zmq(["monitor", "connect", "req", endpoint, "--count", "2"]);
      assert.equal(z.code, 0, z.err);
      assert.deepEqual(z.lines, [`connect ${endpoint}`, `handshake ${endpoint}`]);
    } finally {
      await rep.stop();
    }
  },
);

test("--timeout: no reply in time exits 1 with a message that says what waited", async () => {
  const z = await zmq(["connect", "req", "tcp://127.0.0.1:1", "--send", "x", "--timeout", "200"]);
  assert.equal(z.code, 1);
  assert.match(z.err, /zmq: no message within 200 ms \(connect req tcp:\/\/127\.0\.0\.1:1\)/);
  const monitor = await zmq([
    "monitor",
    "bind",
    "pull",
    "tcp://127.0.0.1:*",
    "-n",
    "2",
    "-t",
    "200",
  ]);
  assert.equal(monitor.code, 1);
  assert.match(monitor.err, /zmq: no event within 200 ms/);
});

test("--linger 0: a message nobody takes is dropped at exit instead of waited for", async () => {
  const z = await zmq(["connect", "push", "tcp://127.0.0.1:1", "--send", "x", "--linger", "0"]);
  assert.equal(z.code, 0, z.err);
});

test("bench thr and lat run both sides here, and the pair runs as two commands", async () => {
  const thr = await zmq(["bench", "thr", "--count", "2000", "--size", "8"]);
  assert.equal(thr.code, 0, thr.err);
  assert.match(thr.out, /^throughput: 8 B, 2000 messages: \d+ msg\/s, [\d.]+ MB\/s\n$/);
  const lat = await zmq(["bench", "lat", "--count", "200", "--format", "json"]);
  assert.equal(lat.code, 0, lat.err);
  assert.deepEqual({ ...JSON.parse(lat.out), one_way_us: 0 }, {
    kind: "latency",
    size: 64,
    count: 200,
    bad: 0,
    one_way_us: 0,
  });
  const recv = new Zmq([
    "bench",
    "thr",
    "recv",
    "tcp://127.0.0.1:*",
    "--count",
    "1000",
    "-f",
    "json",
  ]);
  try {
    const send = await zmq(["bench", "thr", "send", await recv.bound(), "--count", "1000"]);
    assert.equal(send.code, 0, send.err);
    assert.equal(await recv.status(), 0, recv.err);
    assert.equal(JSON.parse(recv.out).count, 1000);
    assert.equal(JSON.parse(recv.out).bad, 0);
  } finally {
    await recv.status().catch(() => {});
  }
});

test("--help, --version, and wrong arguments (exit 2, saying what is wrong)", async () => {
  const help = await zmq(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.out, /^zmq: talk to a ZeroMQ system/);
  assert.match(help.out, /zmq connect req tcp:\/\/127\.0\.0\.1:5555 --send hello/);
  for (
    const word of ["zmq keygen", "--curve-server-key", "--plain-server", "ZMQ_CURVE_SECRET_KEY"]
  ) {
    assert.ok(help.out.includes(word), word);
  }
  const v = await zmq(["--version"]);
  assert.equal(v.code, 0);
  assert.equal(v.out, `zmq-ts ${packageVersion} (libzmq ${version} behaviour)\n`);
  const wrong = await zmq(["connect", "pull", "tcp://127.0.0.1:5", "--send", "x"]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.err, /zmq: --send: a pull socket cannot send/);
});
