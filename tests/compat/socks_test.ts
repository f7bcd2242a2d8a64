// socksProxy (libzmq's ZMQ_SOCKS_PROXY, issue 15): tcp connections go through a SOCKS5 proxy, which
// is told the target (an IP address as it is, a host name unresolved) and then relays ZMTP.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, createServer, type Server, type Socket as NetSocket } from "node:net";
import type { AddressInfo } from "node:net";
import { Context, Pull, Push, Stream } from "../../mod.ts";
import { connectRequest, socksAddress, socksConnect } from "../../src/socks.ts";
import { until, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A minimal SOCKS5 proxy (no auth, CONNECT to IPv4 or a name): records what it was asked. */
function proxy(): Promise<{ server: Server; port: number; asked: string[] }> {
  const asked: string[] = [];
  const server = createServer((client: NetSocket) => {
    let buf = Buffer.alloc(0);
    let stage = 0;
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (stage === 0 && buf.length >= 3) {
        buf = buf.subarray(2 + buf[1]!);
        client.write(Buffer.from([5, 0]));
        stage = 1;
      }
      if (stage === 1 && buf.length >= 5) {
        const atyp = buf[3]!;
        const len = atyp === 1 ? 4 : atyp === 3 ? 1 + buf[4]! : 16;
        if (buf.length < 4 + len + 2) return;
        const host = atyp === 1
          ? [...buf.subarray(4, 8)].join(".")
          : String(buf.subarray(5, 4 + len));
        const port = buf.readUInt16BE(4 + len);
        asked.push(`${host}:${port}`);
        const rest = buf.subarray(4 + len + 2);
        client.off("data", onData);
        stage = 2;
        const upstream = connect(port, host === "localhost" ? "127.0.0.1" : host, () => {
          // The reply, and at once whatever the target already sent, in one write.
          client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
          if (rest.length) upstream.write(rest);
          client.pipe(upstream);
          upstream.pipe(client);
        });
        upstream.on("error", () => client.destroy());
        client.on("error", () => upstream.destroy());
      }
    };
    client.on("data", onData);
  });
  return new Promise((resolve) =>
    server.listen(
      0,
      "127.0.0.1",
      () => resolve({ server, port: (server.address() as AddressInfo).port, asked }),
    )
  );
}

test("socksProxy: a PUSH reaches its PULL through a SOCKS5 proxy, by address and by name", async () => {
  const ctx = new Context();
  const { server, port, asked } = await proxy();
  try {
    const pull = new Pull({ context: ctx });
    await pull.bind("tcp://127.0.0.1:*");
    const target = Number(pull.lastEndpoint!.split(":").pop());
    for (const host of ["127.0.0.1", "localhost"]) {
      const push = new Push({ context: ctx, socksProxy: `127.0.0.1:${port}`, linger: 0 });
      push.connect(`tcp://${host}:${target}`);
      await push.send(`via ${host}`);
      const [msg] = await within(pull.receive(), 5000, `the message via ${host}`);
      assert.equal(text(msg!), `via ${host}`);
      push.close();
    }
    assert.deepEqual(asked, [`127.0.0.1:${target}`, `localhost:${target}`]);
  } finally {
    ctx.terminate();
    server.close();
  }
});

test("socksProxy: the option takes host:port as text or bytes, null to unset", () => {
  const ctx = new Context();
  try {
    const push = new Push({ context: ctx });
    assert.equal(push.socksProxy, null);
    push.socksProxy = new TextEncoder().encode("127.0.0.1:1080") as unknown as string;
    assert.equal(push.socksProxy, "127.0.0.1:1080");
    push.socksProxy = null;
    assert.equal(push.socksProxy, null);
    assert.throws(() => (push.socksProxy = 1080 as unknown as string), TypeError);
  } finally {
    ctx.terminate();
  }
});

test("the CONNECT request carries IPv4 and IPv6 literals as bytes and names unresolved", () => {
  assert.deepEqual([...connectRequest("10.0.0.1", 5555)], [5, 1, 0, 1, 10, 0, 0, 1, 21, 179]);
  assert.deepEqual(
    [...connectRequest("::1", 80)],
    [5, 1, 0, 4, ...new Array(15).fill(0), 1, 0, 80],
  );
  assert.deepEqual([...connectRequest("ab", 1)], [5, 1, 0, 3, 2, 97, 98, 0, 1]);
  assert.throws(() => connectRequest("a".repeat(256), 1), /too long/);
});

test("socksProxy: an address that is not host:port is a TypeError", () => {
  assert.deepEqual(socksAddress("[::1]:1080"), { host: "::1", port: 1080 });
  for (const bad of ["proxy", "proxy:0", "proxy:x"]) {
    assert.throws(() => socksAddress(bad), TypeError, bad);
  }
});

/** A proxy that answers the method offer with `method`, then the CONNECT with `reply`. */
function answeringProxy(
  method: number[],
  reply: number[],
): Promise<{ server: Server; port: number }> {
  const server = createServer((client: NetSocket) => {
    client.on("error", () => {});
    let stage = 0;
    client.on("data", () => client.write(Uint8Array.from(stage++ === 0 ? method : reply)));
  });
  return new Promise((resolve) =>
    server.listen(
      0,
      "127.0.0.1",
      () => resolve({ server, port: (server.address() as AddressInfo).port }),
    )
  );
}

test("socksConnect: each refusal of the proxy is an error naming it; IPv6 and name replies are skipped whole", async () => {
  const ctx = new Context();
  const target = { transport: "tcp" as const, host: "example.org", port: 5555 };
  const ipv4 = [0, 1, 127, 0, 0, 1, 0, 0];
  const cases: [string, number[], number[], RegExp | string][] = [
    ["no method", [5, 0xff], [], /no acceptable method/],
    ["refused", [5, 0], [5, 5, ...ipv4], /connection refused/],
    ["unknown code", [5, 0], [5, 42, ...ipv4], /error 42/],
    ["another version", [5, 0], [4, 0, ...ipv4], /malformed reply/],
    ["unknown address type", [5, 0], [5, 0, 0, 9, 1, 2, 3, 4, 0, 0], /malformed reply/],
    ["IPv6 reply", [5, 0], [5, 0, 0, 4, ...new Array(16).fill(0), 0, 0, 104, 105], "hi"],
    ["name reply", [5, 0], [5, 0, 0, 3, 3, 97, 98, 99, 0, 0, 104, 105], "hi"],
  ];
  try {
    for (const [what, method, reply, expected] of cases) {
      const { server, port } = await answeringProxy(method, reply);
      try {
        const connecting = socksConnect(ctx.transport, `127.0.0.1:${port}`, target, 5000);
        if (expected instanceof RegExp) {
          await assert.rejects(within(connecting, 6000, what), expected, what);
          continue;
        }
        const stream = await within(connecting, 6000, what);
        // The bytes after the reply are the target's: they reach the engine's reader first.
        const first = new Promise<Uint8Array>((resolve) => (stream.onData = resolve));
        assert.equal(text(await within(first, 5000, `${what}: the target's bytes`)), expected);
        stream.destroy();
      } finally {
        server.close();
      }
    }
  } finally {
    ctx.terminate();
  }
});

/** A SOCKS5 "proxy" that accepts the method and then plays `onRequest` (it connects nowhere). */
function scriptedProxy(
  onRequest: (client: NetSocket) => void,
  { answerMethod = true } = {},
): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((client: NetSocket) => {
    count++;
    client.on("error", () => {});
    if (!answerMethod) return; // takes the connection and says nothing
    let stage = 0;
    client.on("data", (d: Buffer) => {
      if (stage++ === 0) client.write(Buffer.from([5, 0]));
      else if (d.length > 0) onRequest(client);
    });
  });
  return new Promise((resolve) =>
    server.listen(
      0,
      "127.0.0.1",
      () =>
        resolve({
          server,
          port: (server.address() as AddressInfo).port,
          connections: () => count,
        }),
    )
  );
}

test("socksProxy: a proxy that never answers is given up after handshakeInterval, and tried again", async () => {
  const ctx = new Context();
  const { server, port, connections } = await scriptedProxy(() => {}, { answerMethod: false });
  try {
    const push = new Push({
      context: ctx,
      socksProxy: `127.0.0.1:${port}`,
      linger: 0,
      handshakeInterval: 200,
      reconnectInterval: 50,
    });
    push.connect("tcp://127.0.0.1:9");
    await until(() => connections() >= 2, 10000, "a second attempt through the proxy");
  } finally {
    ctx.terminate();
    server.close();
  }
});

test("socksProxy: a STREAM socket gets the bytes the target sent in the proxy's reply's own read", async () => {
  const ctx = new Context();
  // The reply, and at once the target's first bytes, in one write.
  const { server, port } = await scriptedProxy((client) =>
    client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0, ...new TextEncoder().encode("hi")]))
  );
  try {
    const stream = new Stream({ context: ctx, socksProxy: `127.0.0.1:${port}`, linger: 0 });
    stream.connect("tcp://127.0.0.1:9");
    const [, hello] = await within(stream.receive(), 5000, "the connect notification");
    assert.equal(hello!.length, 0);
    const [, data] = await within(stream.receive(), 5000, "the target's first bytes");
    assert.equal(text(data!), "hi");
  } finally {
    ctx.terminate();
    server.close();
  }
});
