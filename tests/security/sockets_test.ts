// PLAIN, CURVE and ZAP between zmq-ts sockets, over tcp and ipc: the handshake and traffic, ZAP
// handlers (a Reply written by hand, the Authenticator) with their statuses and User-Id, reconnects,
// heartbeats under CURVE, the handshake timeout, a proxy between CURVE and NULL sides, and inproc,
// which carries no mechanism (as in libzmq).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Authenticator,
  Context,
  curveKeyPair,
  Dealer,
  proxy,
  Pull,
  Push,
  Reply,
  Request,
  Router,
} from "../../mod.ts";
import { createConnection } from "node:net";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { zapAddress } from "../../src/mechanisms/zap_client.ts";
import { eventCount, nextEvent, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const NOTHING_MS = 500;
const server = curveKeyPair();
const client = curveKeyPair();
const stranger = curveKeyPair();
const curveServer = { curveServer: true, curveSecretKey: server.secretKey };
const curveClient = (keys = client) => ({
  curveServerKey: server.publicKey,
  curvePublicKey: keys.publicKey,
  curveSecretKey: keys.secretKey,
});

for (const transport of ["tcp", "ipc"] as const) {
  test(`CURVE over ${transport}: requests and replies of every size, many in flight`, async () => {
    const ctx = new Context();
    const router = new Router({ ...curveServer, context: ctx, linger: 0 });
    const dealer = new Dealer({ ...curveClient(), context: ctx, linger: 0 });
    try {
      await router.bind(freshEndpoint(transport));
      dealer.connect(router.lastEndpoint!);
      const sizes = [0, 1, 255, 256, 16_383, 16_384, 70_000, 1_000_000];
      for (const n of sizes) await dealer.send(["size", new Uint8Array(n).fill(n & 0xff)]);
      for (const n of sizes) {
        const [id, tag, body] = await within(router.receive(), 10000, `a ${n}-byte frame`);
        assert.equal(text(tag), "size");
        assert.equal(body!.length, n);
        assert.ok(body!.every((b) => b === (n & 0xff)));
        await router.send([id!, body!]);
      }
      for (const n of sizes) {
        const [body] = await within(dealer.receive(), 10000, `the ${n}-byte echo`);
        assert.equal(body!.length, n);
      }
      // A burst: batched writes of many sealed frames.
      for (let i = 0; i < 5000; i++) await dealer.send(String(i));
      for (let i = 0; i < 5000; i++) {
        const [, body] = await within(router.receive(), 10000, `message ${i}`);
        assert.equal(text(body), String(i));
      }
    } finally {
      ctx.terminate();
    }
  });
}

test("a ZAP handler written as a plain Reply: sees libzmq's request frames, its User-Id reaches the handshake event", async () => {
  const ctx = new Context();
  const zap = new Reply({ context: ctx, linger: 0 });
  await zap.bind("inproc://zeromq.zap.01");
  const requests: string[][] = [];
  (async () => {
    for await (const req of zap) {
      requests.push(req.map(text));
      const [version, id, , , , , user, password] = req;
      const ok = text(user) === "admin" && text(password) === "secret";
      await zap.send([
        version!,
        id!,
        ok ? "200" : "400",
        ok ? "OK" : "no",
        ok ? "the-admin" : "",
        "",
      ]);
    }
  })().catch(() => {});
  const pull = new Pull({
    context: ctx,
    plainServer: true,
    zapDomain: "test",
    routingId: "srv",
    linger: 0,
  });
  const push = new Push({
    context: ctx,
    plainUsername: "admin",
    plainPassword: "secret",
    linger: 0,
  });
  try {
    await pull.bind(freshEndpoint("tcp"));
    const handshake = nextEvent(pull.events, "handshake");
    push.connect(pull.lastEndpoint!);
    assert.equal((await handshake).userId, "the-admin");
    await push.send("in");
    assert.equal(text((await within(pull.receive(), 5000, "the message"))[0]), "in");
    // [version, id, domain, address, identity (the server's own routing id, as libzmq), mechanism, user, password]
    assert.deepEqual(requests[0]!.filter((_, i) => i !== 1), [
      "1.0",
      "test",
      "127.0.0.1",
      "srv",
      "PLAIN",
      "admin",
      "secret",
    ]);
  } finally {
    ctx.terminate();
  }
});

test("ZAP statuses: 400 and 500 send ERROR (the client stops), 300 closes silently (the client retries)", async () => {
  for (const status of [300, 400, 500] as const) {
    const ctx = new Context();
    let asked = 0;
    const auth = new Authenticator({
      context: ctx,
      authenticate: () => (asked++, { status }),
    });
    await auth.start();
    const pull = new Pull({ context: ctx, ...curveServer, linger: 0 });
    const push = new Push({ context: ctx, ...curveClient(), linger: 0, reconnectInterval: 20 });
    try {
      await pull.bind(freshEndpoint("tcp"));
      const serverSide = nextEvent(pull.events, "handshake:error:auth");
      if (status === 300) {
        const retried = nextEvent(push.events, "connect:retry");
        push.connect(pull.lastEndpoint!);
        assert.equal((await serverSide).status, 300);
        await retried; // a temporary refusal: the client tries again
        await nextEvent(pull.events, "handshake:error:auth");
        assert.ok(asked >= 2);
      } else {
        const clientSide = nextEvent(push.events, "handshake:error:auth");
        push.connect(pull.lastEndpoint!);
        assert.equal((await serverSide).status, status);
        assert.equal((await clientSide).status, status);
      }
      push.send("never").catch(() => {});
      await assert.rejects(within(pull.receive(), NOTHING_MS, "nothing"), /timed out/);
    } finally {
      ctx.terminate();
    }
  }
});

test("Authenticator: addresses denied or not allowed, passwords, keys, 'any', and a failing callback (500)", async () => {
  const cases: [
    string,
    ConstructorParameters<typeof Authenticator>[0],
    Record<string, unknown>,
    boolean,
  ][] = [
    ["key allowed", { publicKeys: [client.publicKey] }, { ...curveServer }, true],
    ["key not listed", { publicKeys: [stranger.publicKey] }, { ...curveServer }, false],
    ["any key", { publicKeys: "any" }, { ...curveServer }, true],
    ["address denied", { publicKeys: "any", deny: ["127.0.0.1"] }, { ...curveServer }, false],
    ["address not allowed", { publicKeys: "any", allow: ["10.0.0.1"] }, { ...curveServer }, false],
    ["address allowed", { publicKeys: "any", allow: ["127.0.0.1"] }, { ...curveServer }, true],
    [
      "callback throws",
      {
        authenticate: () => {
          throw new Error("db down");
        },
      },
      { ...curveServer },
      false,
    ],
  ];
  for (const [name, options, serverOptions, admitted] of cases) {
    const ctx = new Context();
    const auth = new Authenticator({ ...options, context: ctx });
    await auth.start();
    const pull = new Pull({ context: ctx, ...serverOptions, linger: 0 });
    const push = new Push({ context: ctx, ...curveClient(), linger: 0 });
    try {
      await pull.bind(freshEndpoint("tcp"));
      const outcome = Promise.race([
        nextEvent(pull.events, "handshake").then(() => true),
        nextEvent(pull.events, "handshake:error:auth").then((e) => {
          if (name === "callback throws") assert.equal(e.status, 500, name);
          return false;
        }),
      ]);
      push.connect(pull.lastEndpoint!);
      assert.equal(await outcome, admitted, name);
    } finally {
      ctx.terminate();
    }
  }
});

test("PLAIN with the Authenticator: the username is the User-Id; no ZAP handler at all refuses everyone", async () => {
  const ctx = new Context();
  const auth = new Authenticator({ context: ctx, passwords: { alice: "wonderland" } });
  await auth.start();
  const rep = new Reply({ context: ctx, plainServer: true, linger: 0 });
  const req = new Request({
    context: ctx,
    plainUsername: "alice",
    plainPassword: "wonderland",
    linger: 0,
  });
  try {
    await rep.bind(freshEndpoint("ipc"));
    const handshake = nextEvent(rep.events, "handshake");
    req.connect(rep.lastEndpoint!);
    assert.equal((await handshake).userId, "alice");
    await req.send("hi");
    await within(rep.receive(), 5000, "the request");
  } finally {
    ctx.terminate();
  }
  const alone = new Context();
  const pull = new Pull({ context: alone, plainServer: true, linger: 0 });
  const push = new Push({ context: alone, plainUsername: "a", plainPassword: "b", linger: 0 });
  try {
    await pull.bind(freshEndpoint("tcp"));
    const refused = nextEvent(pull.events, "handshake:error:other");
    push.connect(pull.lastEndpoint!);
    assert.match((await refused).error.message, /no ZAP handler/);
  } finally {
    alone.terminate();
  }
});

test("NULL with a ZAP domain asks the handler too; with zapEnforceDomain and no handler it refuses", async () => {
  const ctx = new Context();
  const auth = new Authenticator({ context: ctx, deny: ["127.0.0.1"] });
  await auth.start();
  const pull = new Pull({ context: ctx, zapDomain: "edge", linger: 0 });
  const push = new Push({ context: ctx, linger: 0 });
  try {
    await pull.bind(freshEndpoint("tcp"));
    const refused = nextEvent(pull.events, "handshake:error:auth");
    push.connect(pull.lastEndpoint!);
    assert.equal((await refused).status, 400);
  } finally {
    ctx.terminate();
  }
  const bare = new Context();
  const strict = new Pull({ context: bare, zapDomain: "edge", zapEnforceDomain: true, linger: 0 });
  const lax = new Pull({ context: bare, zapDomain: "edge", linger: 0 });
  const a = new Push({ context: bare, linger: 0 });
  const b = new Push({ context: bare, linger: 0 });
  try {
    await strict.bind(freshEndpoint("tcp"));
    await lax.bind(freshEndpoint("tcp"));
    const refused = nextEvent(strict.events, "handshake:error:other");
    const admitted = nextEvent(lax.events, "handshake");
    a.connect(strict.lastEndpoint!);
    b.connect(lax.lastEndpoint!);
    await refused;
    await admitted;
  } finally {
    bare.terminate();
  }
});

test("CURVE survives reconnects: a server that goes away and comes back on the same port", async () => {
  const ctx = new Context();
  const push = new Push({ context: ctx, ...curveClient(), linger: 0, reconnectInterval: 20 });
  let pull = new Pull({ context: ctx, ...curveServer, linger: 0 });
  try {
    await pull.bind("tcp://127.0.0.1:*");
    const endpoint = pull.lastEndpoint!;
    push.connect(endpoint);
    await push.send("first");
    assert.equal(text((await within(pull.receive(), 5000, "first"))[0]), "first");
    const lost = nextEvent(push.events, "disconnect");
    pull.close();
    await lost;
    pull = new Pull({ context: ctx, ...curveServer, linger: 0 });
    await pull.bind(endpoint);
    const again = nextEvent(push.events, "handshake");
    await again; // a fresh handshake: new transient keys, nonces from 1 again
    await push.send("second");
    assert.equal(text((await within(pull.receive(), 5000, "second"))[0]), "second");
  } finally {
    ctx.terminate();
  }
});

test("heartbeats under CURVE: sealed PINGs are answered with sealed PONGs, an idle link stays up", async () => {
  const ctx = new Context();
  const hb = { heartbeatInterval: 50, heartbeatTimeout: 200, heartbeatTimeToLive: 500 };
  const pull = new Pull({ context: ctx, ...curveServer, ...hb, linger: 0 });
  const push = new Push({ context: ctx, ...curveClient(), ...hb, linger: 0 });
  try {
    await pull.bind(freshEndpoint("tcp"));
    push.connect(pull.lastEndpoint!);
    await nextEvent(push.events, "handshake");
    // Ten heartbeat timeouts with no traffic but PING/PONG: a missed PONG would disconnect.
    await assert.rejects(nextEvent(push.events, "disconnect", 2000), /timed out/);
    await push.send("still here");
    assert.equal(text((await within(pull.receive(), 5000, "the message"))[0]), "still here");
  } finally {
    ctx.terminate();
  }
});

test("the handshake timeout covers CURVE: a peer that sends a greeting and then nothing is dropped", async () => {
  const pull = new Pull({ ...curveServer, handshakeInterval: 200, linger: 0 });
  try {
    await pull.bind("tcp://127.0.0.1:*");
    const port = Number(pull.lastEndpoint!.split(":").pop());
    const timedOut = nextEvent(pull.events, "handshake:error:other", 5000);
    const sock = createConnection({ host: "127.0.0.1", port }, () => {
      const g = new Uint8Array(64);
      g.set([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1]);
      g.set(new TextEncoder().encode("CURVE"), 12);
      sock.write(g); // and no HELLO
    });
    sock.on("error", () => {});
    sock.resume(); // read (and drop) our greeting, so that the close is seen
    const closed = new Promise((r) => sock.on("close", r));
    assert.match((await timedOut).error.message, /timed out/);
    await within(closed, 5000, "the connection to close");
  } finally {
    pull.close();
  }
});

test("a proxy between a CURVE frontend and a NULL backend forwards whole messages", async () => {
  const ctx = new Context();
  const front = new Router({ context: ctx, ...curveServer, linger: 0 });
  const back = new Dealer({ context: ctx, linger: 0 });
  const worker = new Reply({ context: ctx, linger: 0 });
  const req = new Request({ context: ctx, ...curveClient(), linger: 0 });
  try {
    await front.bind(freshEndpoint("tcp"));
    await back.bind(freshEndpoint("ipc"));
    worker.connect(back.lastEndpoint!);
    const running = proxy(front, back).catch(() => {});
    req.connect(front.lastEndpoint!);
    (async () => {
      const [body] = await worker.receive();
      await worker.send(["echo", body!]);
    })();
    await req.send("through");
    const reply = await within(req.receive(), 5000, "the reply through the proxy");
    assert.deepEqual(reply.map(text), ["echo", "through"]);
    front.close();
    back.close();
    await running;
  } finally {
    ctx.terminate();
  }
});

test("inproc carries no mechanism, as in libzmq: a CURVE server and a NULL socket talk over inproc", async () => {
  const ctx = new Context();
  const pull = new Pull({ context: ctx, ...curveServer, linger: 0 });
  const push = new Push({ context: ctx, linger: 0 });
  try {
    await pull.bind("inproc://no-mechanism");
    push.connect("inproc://no-mechanism");
    await push.send("plain inproc");
    assert.equal(
      text((await within(pull.receive(), 5000, "the inproc message"))[0]),
      "plain inproc",
    );
  } finally {
    ctx.terminate();
  }
});

test("a peer speaking another mechanism is turned away on both sides; other connections are unharmed", async () => {
  const ctx = new Context();
  const pull = new Pull({ context: ctx, ...curveServer, linger: 0 });
  const good = new Push({ context: ctx, ...curveClient(), linger: 0 });
  const plain = new Push({ context: ctx, plainUsername: "a", plainPassword: "b", linger: 0 });
  try {
    await pull.bind(freshEndpoint("tcp"));
    good.connect(pull.lastEndpoint!);
    await good.send("1");
    await within(pull.receive(), 5000, "the good message");
    const mismatch = nextEvent(plain.events, "handshake:error:protocol");
    plain.connect(pull.lastEndpoint!);
    assert.match((await mismatch).error.message, /mechanism mismatch/);
    await good.send("2");
    assert.equal(text((await within(pull.receive(), 5000, "the next good message"))[0]), "2");
  } finally {
    ctx.terminate();
  }
});

test("ZAP hears the peer's IP address over ws:// too, so an Authenticator's deny list holds there", async () => {
  const ctx = new Context();
  const seen: string[] = [];
  const auth = new Authenticator({
    context: ctx,
    deny: ["127.0.0.1"],
    authenticate: (r) => (seen.push(r.address), true),
  });
  await auth.start();
  const pull = new Pull({ context: ctx, zapDomain: "edge", linger: 0 });
  const push = new Push({ context: ctx, linger: 0 });
  try {
    await pull.bind("ws://127.0.0.1:*/zmq");
    const refused = nextEvent(pull.events, "handshake:error:auth");
    push.connect(pull.lastEndpoint!);
    assert.equal((await refused).status, 400);
    assert.deepEqual(seen, [], "the deny list decided before the callback");
  } finally {
    ctx.terminate();
  }
});

test("zapAddress: the IP of tcp and ws peers, v4 and v6, without port or path; nothing for ipc", () => {
  assert.equal(zapAddress("tcp://10.1.2.3:5555"), "10.1.2.3");
  assert.equal(zapAddress("tcp://[::1]:5555"), "::1");
  assert.equal(zapAddress("ws://10.1.2.3:4000"), "10.1.2.3");
  assert.equal(zapAddress("ws://[fe80::1]:4000/zmq"), "fe80::1");
  assert.equal(zapAddress("wss://192.168.0.9:443/a/b"), "192.168.0.9");
  assert.equal(zapAddress("ipc:///tmp/x.sock"), "");
  assert.equal(zapAddress("ws://unknown"), "");
});

test("a CURVE client given only the server's key says what it lacks at each handshake", async () => {
  const ctx = new Context();
  const pull = new Pull({ context: ctx, ...curveServer, linger: 0 });
  const push = new Push({
    context: ctx,
    curveServerKey: server.publicKey,
    linger: 0,
    reconnectInterval: 20,
  });
  try {
    await pull.bind(freshEndpoint("tcp"));
    const errors = eventCount(push.events, "handshake:error:other", 2);
    push.connect(pull.lastEndpoint!);
    for (const e of await errors) {
      assert.match(e.error.message, /CURVE client needs curveSecretKey and curveServerKey/);
    }
  } finally {
    ctx.terminate();
  }
});
