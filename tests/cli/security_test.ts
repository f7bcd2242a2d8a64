// zmq keygen and the security options, as an operator runs them: a subprocess on this runtime,
// against libzmq CURVE and PLAIN peers (npm zeromq). Secrets are checked never to be echoed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { curveKeyPair, curvePublicKey, z85Decode } from "../../mod.ts";
import { LibzmqPeer, peerTest } from "../helpers/libzmq.ts";
import { until } from "../helpers/timeout.ts";
import { Zmq, zmq } from "../helpers/zmq_cli.ts";

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
/** How long a refused peer is given to get a message through (none may). */
const NOTHING_MS = 700;

/** `zmq keygen`'s two lines, parsed. */
function keygenLines(out: string): { publicKey: string; secretKey: string } {
  const m = /^public: (\S{40})\nsecret: (\S{40})\n$/.exec(out);
  assert.ok(m, `keygen's output: ${JSON.stringify(out)}`);
  return { publicKey: m[1]!, secretKey: m[2]! };
}

/** A new key pair made by `zmq keygen`. */
async function keygen(): Promise<{ publicKey: string; secretKey: string }> {
  const z = await zmq(["keygen"]);
  assert.equal(z.code, 0, z.err);
  return keygenLines(z.out);
}

test("keygen prints a pair whose public key is its secret key's; --public derives it too", async () => {
  const made = await zmq(["keygen"]);
  assert.equal(made.code, 0, made.err);
  assert.equal(made.err, ""); // the secret goes to stdout only
  const pair = keygenLines(made.out);
  assert.equal(z85Decode(pair.secretKey).length, 32);
  assert.notEqual(pair.publicKey, pair.secretKey);
  assert.equal(await curvePublicKey(pair.secretKey), pair.publicKey);

  const given = await zmq(["keygen", `--public=${pair.secretKey}`]);
  assert.equal(given.code, 0, given.err);
  assert.equal(given.out, `public: ${pair.publicKey}\n`);
  const piped = await zmq(["keygen", "--public", "-", "--format", "json"], made.out);
  assert.equal(piped.code, 0, piped.err);
  assert.deepEqual(JSON.parse(piped.out), { publicKey: pair.publicKey });

  const json = await zmq(["keygen", "-f", "json"]);
  assert.equal(json.code, 0, json.err);
  const { publicKey, secretKey } = JSON.parse(json.out);
  assert.equal(await curvePublicKey(secretKey), publicKey);
  assert.notEqual(secretKey, pair.secretKey);
});

peerTest(
  "connect req --curve-server-key: a libzmq CURVE REP's reply is printed; monitor sees the handshake",
  async () => {
    const server = curveKeyPair();
    const rep = await LibzmqPeer.start("REP", {
      curveServer: true,
      curveSecretKey: server.secretKey,
    });
    try {
      const endpoint = await rep.bind("tcp://127.0.0.1:*");
      const answered = rep.echo(1);
      const serverKey = `--curve-server-key=${server.publicKey}`;
      const z = await zmq(["connect", "req", endpoint, serverKey, "-s", "hello"]);
      assert.equal(z.code, 0, z.err);
      assert.deepEqual(z.lines, ["hello"]);
      await answered;
      const monitor = await zmq(["monitor", "connect", "req", endpoint, serverKey, "-n", "2"]);
      assert.equal(monitor.code, 0, monitor.err);
      assert.deepEqual(monitor.lines, [`connect ${endpoint}`, `handshake ${endpoint}`]);
    } finally {
      await rep.stop();
    }
  },
);

peerTest(
  "a CURVE client's own key from ZMQ_CURVE_SECRET_KEY is the one libzmq's ZAP sees; a fresh one is refused at once (exit 1)",
  async () => {
    const server = curveKeyPair();
    const client = curveKeyPair();
    const rep = await LibzmqPeer.start("REP", {
      curveServer: true,
      curveSecretKey: server.secretKey,
    });
    try {
      await rep.zap({ keys: [client.publicKey] });
      const endpoint = await rep.bind("tcp://127.0.0.1:*");
      const serverKey = `--curve-server-key=${server.publicKey}`;
      // No --timeout: the refusal itself ends the command.
      const fresh = await zmq(["connect", "req", endpoint, serverKey, "-s", "let me in"]);
      assert.equal(fresh.code, 1, fresh.err);
      assert.match(fresh.err, /zmq: handshake with \S+ failed: refused \(400\)/);
      assert.match(fresh.err, /zmq: no endpoint let us in/);
      assert.deepEqual(await rep.receiveWithin(NOTHING_MS), []);

      const answered = rep.echo(1);
      const known = await zmq(
        [
          "connect",
          "req",
          endpoint,
          serverKey,
          `--curve-public-key=${client.publicKey}`,
          "-s",
          "me",
        ],
        undefined,
        { ZMQ_CURVE_SECRET_KEY: client.secretKey },
      );
      assert.equal(known.code, 0, known.err);
      assert.deepEqual(known.lines, ["me"]);
      await answered;
      const asked = await rep.zapAsked();
      assert.equal(asked.length, 2);
      assert.notEqual(asked[0]!.who, client.publicKey);
      assert.equal(asked[1]!.who, client.publicKey);
    } finally {
      await rep.stop();
    }
  },
);

peerTest("a wrong server key: exit 1 after --timeout, and nothing reaches libzmq", async () => {
  const server = curveKeyPair();
  const other = curveKeyPair();
  const rep = await LibzmqPeer.start("REP", {
    curveServer: true,
    curveSecretKey: server.secretKey,
  });
  try {
    await rep.watch("handshake:error:protocol");
    const endpoint = await rep.bind("tcp://127.0.0.1:*");
    const z = await zmq([
      "connect",
      "req",
      endpoint,
      `--curve-server-key=${other.publicKey}`,
      "--send",
      "hello",
      "--timeout",
      "1500",
    ]);
    assert.equal(z.code, 1, z.err);
    assert.match(z.err, /zmq: no message within 1500 ms/);
    await rep.waitEvents("handshake:error:protocol", 1); // it did try, and libzmq refused it
    assert.deepEqual(await rep.receiveWithin(NOTHING_MS), []);
  } finally {
    await rep.stop();
  }
});

peerTest(
  "bind rep --curve-server with a key pair from keygen answers a libzmq CURVE REQ",
  async () => {
    const server = await keygen();
    // The secret key on the command line, then from the environment (kept out of ps).
    const ways: [string[], Record<string, string>][] = [
      [[`--curve-secret-key=${server.secretKey}`], {}],
      [[], { ZMQ_CURVE_SECRET_KEY: server.secretKey }],
    ];
    for (const [args, env] of ways) {
      const client = curveKeyPair();
      const req = await LibzmqPeer.start("REQ", {
        curveServerKey: server.publicKey,
        curvePublicKey: client.publicKey,
        curveSecretKey: client.secretKey,
      });
      const z = new Zmq(
        ["bind", "rep", "tcp://127.0.0.1:*", "--curve-server", ...args, "-s", "world", "-n", "1"],
        undefined,
        env,
      );
      try {
        await req.connect(await z.bound());
        assert.deepEqual((await req.request(["hello"])).map(text), ["world"]);
        assert.equal(await z.status(), 0, z.err);
        assert.deepEqual(z.lines, ["hello"]);
        assert.ok(z.err.includes(`zmq: CURVE server public key ${server.publicKey}\n`), z.err);
        assert.ok(!z.err.includes(server.secretKey));
      } finally {
        await z.status().catch(() => {});
        await req.stop();
      }
    }
  },
);

peerTest(
  "PLAIN: connect req with a login a libzmq REP's ZAP knows, and a wrong one refused (exit 1)",
  async () => {
    const rep = await LibzmqPeer.start("REP", { plainServer: true });
    try {
      await rep.zap({ users: { admin: "s3cr3t" } });
      const endpoint = await rep.bind("tcp://127.0.0.1:*");
      const wrong = await zmq(
        ["connect", "req", endpoint, "--plain-user", "admin", "-s", "x"],
        undefined,
        { ZMQ_PLAIN_PASSWORD: "guess" },
      );
      assert.equal(wrong.code, 1, wrong.err);
      assert.match(wrong.err, /zmq: no endpoint let us in/);
      assert.ok(!wrong.err.includes("guess"));
      assert.deepEqual(await rep.receiveWithin(NOTHING_MS), []);

      const answered = rep.echo(1);
      const z = await zmq([
        "connect",
        "req",
        endpoint,
        "--plain-user",
        "admin",
        "--plain-password",
        "s3cr3t",
        "-s",
        "hello",
      ]);
      assert.equal(z.code, 0, z.err);
      assert.deepEqual(z.lines, ["hello"]);
      await answered;
    } finally {
      await rep.stop();
    }
  },
);

peerTest(
  "PLAIN: bind rep --plain-server lets in its one login from libzmq, and refuses another",
  async () => {
    const bad = await LibzmqPeer.start("REQ", { plainUsername: "admin", plainPassword: "guess" });
    const good = await LibzmqPeer.start("REQ", { plainUsername: "admin", plainPassword: "s3cr3t" });
    const z = new Zmq(
      ["bind", "rep", "tcp://127.0.0.1:*", "--plain-server", "--plain-user", "admin", "-n", "1"],
      undefined,
      { ZMQ_PLAIN_PASSWORD: "s3cr3t" },
    );
    try {
      const endpoint = await z.bound();
      await bad.connect(endpoint);
      await bad.send(["from the wrong login"]);
      await until(() => /failed: refused \(400\)/.test(z.err), 10000, "the refusal noted");
      await good.connect(endpoint);
      assert.deepEqual((await good.request(["hello"])).map(text), ["hello"]);
      assert.equal(await z.status(), 0, z.err);
      assert.deepEqual(z.lines, ["hello"]);
      assert.ok(!z.err.includes("s3cr3t") && !z.err.includes("guess"), z.err);
    } finally {
      await z.status().catch(() => {});
      await bad.stop();
      await good.stop();
    }
  },
);

test("a malformed or mismatched key is exit 2, naming where it came from, never repeating it", async () => {
  const pair = curveKeyPair();
  const notZ85 = "s3cr3t".repeat(6) + "~~~~"; // 40 characters, '~' is not Z85
  const cases: [string[], Record<string, string>, RegExp, string?][] = [
    [
      ["bind", "rep", "tcp://127.0.0.1:*", "--curve-server", `--curve-secret-key=${notZ85}`],
      {},
      /zmq: --curve-secret-key is not Z85/,
    ],
    [
      ["bind", "rep", "tcp://127.0.0.1:*", "--curve-server"],
      { ZMQ_CURVE_SECRET_KEY: "s3cr3t" },
      /zmq: ZMQ_CURVE_SECRET_KEY must be a CURVE key: 40 characters of Z85, got 6 characters/,
    ],
    [["keygen", "--public", notZ85], {}, /zmq: --public is not Z85/],
    [
      ["keygen", "--public", "-"],
      {},
      /zmq: the secret key on stdin is not Z85/,
      `secret: ${notZ85}\n`,
    ],
    [
      [
        "connect",
        "req",
        "tcp://127.0.0.1:1",
        `--curve-server-key=${pair.publicKey}`,
        `--curve-secret-key=${pair.secretKey}`,
        `--curve-public-key=${(curveKeyPair()).publicKey}`,
      ],
      {},
      /zmq: --curve-public-key is not the public key of the secret key given/,
    ],
  ];
  for (const [args, env, why, stdin] of cases) {
    const z = await zmq(args, stdin, env);
    assert.equal(z.code, 2, `${args.join(" ")}: ${z.err}`);
    assert.match(z.err, why);
    assert.equal(z.out, "");
    assert.ok(!z.err.includes("s3cr3t") && !z.err.includes(pair.secretKey), z.err);
  }
});
