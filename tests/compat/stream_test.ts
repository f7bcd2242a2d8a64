// The STREAM socket (ZMQ_STREAM, issue 15): raw TCP peers, a routing id frame per message, an
// empty message on connect and disconnect, an empty send closing the connection. Against a plain
// TCP client (node:net), an HTTP client (fetch), an HTTP server, and libzmq's own STREAM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { attachWebSocket, Context, Stream } from "../../mod.ts";
import { LibzmqPeer } from "../helpers/libzmq.ts";
import { until, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const port = (endpoint: string) => Number(endpoint.split(":").pop());

test("STREAM server and a plain TCP client: notifications, data both ways, close", async () => {
  const ctx = new Context();
  try {
    const server = new Stream({ context: ctx });
    await server.bind("tcp://127.0.0.1:*");
    const client = connect(port(server.lastEndpoint!), "127.0.0.1");
    let got = "";
    const clientClosed = new Promise<void>((resolve) => client.on("close", () => resolve()));
    client.on("data", (d) => (got += d.toString()));
    client.write("hello\n");

    const [id, hello] = await within(server.receive(), 5000, "the connect notice");
    assert.equal(hello!.length, 0); // the connect notification
    let data = "";
    while (data !== "hello\n") {
      const [from, chunk] = await within(server.receive(), 5000, "the client's line");
      assert.deepEqual(from, id);
      data += text(chunk!);
    }
    await server.send([id!, "world\n"]);
    await server.send([id!, ""]); // closes the connection
    await within(clientClosed, 5000, "the client to see the close");
    assert.equal(got, "world\n");
    const [gone, notice] = await within(server.receive(), 5000, "the disconnect notice");
    assert.deepEqual(gone, id);
    assert.equal(notice!.length, 0);
    await assert.rejects(server.send([id!, "late"]), { code: "EHOSTUNREACH" });
  } finally {
    ctx.terminate();
  }
});

test("a zmq-ts program speaks HTTP with a STREAM socket (served to fetch)", async () => {
  const ctx = new Context();
  try {
    const server = new Stream({ context: ctx });
    await server.bind("tcp://127.0.0.1:*");
    const serve = (async () => {
      let request = "";
      for await (const [id, data] of server) {
        if (data!.length === 0) continue;
        request += text(data!);
        if (!request.includes("\r\n\r\n")) continue;
        const body = `you asked for ${request.split(" ")[1]}`;
        await server.send([
          id!,
          `HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        ]);
        await server.send([id!, ""]);
        return request.split("\r\n")[0];
      }
    })();
    const url = server.lastEndpoint!.replace("tcp:", "http:");
    const res = await within(fetch(`${url}/foo`), 5000, "the HTTP response");
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "you asked for /foo");
    assert.equal(await within(serve, 5000, "the server"), "GET /foo HTTP/1.1");
  } finally {
    ctx.terminate();
  }
});

test("STREAM as a client of an HTTP server, with a routing id chosen at connect()", async () => {
  const ctx = new Context();
  const http = createHttpServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": 12 });
    res.end("Hello world!");
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", () => resolve()));
  try {
    const { port: p } = http.address() as AddressInfo;
    const client = new Stream({ context: ctx });
    client.connect(`tcp://127.0.0.1:${p}`, { routingId: "web" });
    await client.send(["web", `GET /foo HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\n\r\n`]);
    let response = "";
    while (!response.endsWith("Hello world!")) {
      const [id, data] = await within(client.receive(), 5000, "the response");
      assert.equal(text(id!), "web");
      response += text(data!);
    }
    assert.match(response, /^HTTP\/1\.1 200 OK/);
  } finally {
    ctx.terminate();
    http.close();
  }
});

test("STREAM interoperates with libzmq's STREAM, both ways", async () => {
  const ctx = new Context();
  const peer = await LibzmqPeer.start("STREAM");
  try {
    // libzmq connects to us.
    const server = new Stream({ context: ctx });
    await server.bind("tcp://127.0.0.1:*");
    await peer.connect(server.lastEndpoint!);
    const [theirId, notice] = (await peer.receive())[0]!;
    assert.equal(notice!.length, 0); // libzmq announces the connection too
    await peer.send([theirId!, "ping"]);
    const [ourId, hello] = await within(server.receive(), 5000, "the connect notice");
    assert.equal(hello!.length, 0);
    const [from, ping] = await within(server.receive(), 5000, "ping");
    assert.deepEqual(from, ourId);
    assert.equal(text(ping!), "ping");
    await server.send([ourId!, "pong"]);
    const [to, pong] = (await peer.receive())[0]!;
    assert.deepEqual(to, theirId);
    assert.equal(text(pong!), "pong");

    // We connect to libzmq.
    const bound = await peer.bind("tcp://127.0.0.1:*");
    const client = new Stream({ context: ctx });
    client.connect(bound, { routingId: "us" });
    await client.send(["us", "hi libzmq"]);
    let received = "";
    let id: Uint8Array | undefined;
    while (received !== "hi libzmq") {
      const [from2, data] = (await peer.receive())[0]!;
      if (data!.length === 0) continue; // libzmq's connect notice for this peer
      id = from2;
      received += text(data!);
    }
    await peer.send([id!, "hi zmq-ts"]);
    const [usId, first] = await within(client.receive(), 5000, "the connect notice");
    assert.equal(text(usId!), "us");
    assert.equal(first!.length, 0);
    const [, reply] = await within(client.receive(), 5000, "the reply");
    assert.equal(text(reply!), "hi zmq-ts");
  } finally {
    await peer.stop();
    ctx.terminate();
  }
});

test("STREAM refuses other transports and needs a routing id frame", async () => {
  const ctx = new Context();
  try {
    const s = new Stream({ context: ctx });
    await assert.rejects(s.bind("ipc:///tmp/zmq-ts-stream"), { code: "EPROTONOSUPPORT" });
    assert.throws(() => s.connect("inproc://x"), { code: "EPROTONOSUPPORT" });
    // Nor is it served on the application's HTTP server: ZWS carries ZMTP frames, not raw bytes.
    await assert.rejects(attachWebSocket(s, "/raw"), { code: "EPROTONOSUPPORT" });
    await assert.rejects(s.send("no id"), { code: "EINVAL" });
    await assert.rejects(s.send(["unknown", "x"]), { code: "EHOSTUNREACH" });
  } finally {
    ctx.terminate();
  }
});

test("STREAM with notify off and a small receive HWM: a fast client and a slow reader lose no byte", async () => {
  const ctx = new Context();
  const size = 4 << 20;
  try {
    const server = new Stream({ context: ctx, notify: false, receiveHighWaterMark: 2 });
    await server.bind("tcp://127.0.0.1:*");
    assert.equal(server.writable, false, "no peer yet");
    const client = connect(port(server.lastEndpoint!), "127.0.0.1");
    client.write(Uint8Array.from({ length: size }, (_, i) => i % 251));
    // Nothing is read until the first chunk is there: the receive queue fills, the connection
    // is paused, and must resume as the queue is read.
    await until(() => server.readable, 5000, "the first chunk");
    let received = 0;
    while (received < size) {
      const [, chunk] = await within(server.receive(), 5000, `byte ${received} of ${size}`);
      assert.notEqual(chunk!.length, 0, "no connect notice with notify off");
      for (let i = 0; i < chunk!.length; i++) {
        if (chunk![i] !== (received + i) % 251) assert.fail(`byte ${received + i} is wrong`);
      }
      received += chunk!.length;
    }
    assert.equal(server.writable, true);
    client.destroy();
  } finally {
    ctx.terminate();
  }
});

test("STREAM sends to a client that does not read wait at the send HWM, and none is lost", async () => {
  const ctx = new Context();
  try {
    const server = new Stream({ context: ctx, sendHighWaterMark: 2 });
    await server.bind("tcp://127.0.0.1:*");
    const client = connect(port(server.lastEndpoint!), "127.0.0.1");
    const chunks: Uint8Array[] = [];
    let got = 0;
    client.on("data", (d: Uint8Array) => (chunks.push(d), got += d.length));
    client.pause();
    const [id] = await within(server.receive(), 5000, "the connect notice");
    // Far more than the socket buffers hold: the connection's back-pressure must reach send().
    const replySize = 32 << 20;
    const frame = 256 << 10;
    const sending = (async () => { // one send at a time, as zeromq.js allows
      for (let at = 0; at < replySize; at += frame) {
        await server.send([id!, new Uint8Array(frame).fill((at / frame) % 251)]);
      }
    })();
    await until(() => !server.writable, 10000, "the sends to wait for the client");
    assert.ok(got < replySize);
    client.resume();
    await within(sending, 20000, "every send");
    await until(() => got >= replySize, 20000, "the whole reply");
    assert.equal(got, replySize);
    let at = 0;
    for (const c of chunks) {
      for (let i = 0; i < c.length; i++, at++) {
        if (c[i] !== Math.floor(at / frame) % 251) assert.fail(`reply byte ${at} is wrong`);
      }
    }
    client.destroy();
  } finally {
    ctx.terminate();
  }
});

test("STREAM connect(): a routing id in use is refused, and disconnect() forgets a chosen one", async () => {
  const ctx = new Context();
  try {
    const server = new Stream({ context: ctx });
    await server.bind("tcp://127.0.0.1:*");
    const address = server.lastEndpoint!;
    const client = new Stream({ context: ctx, linger: 0 });
    client.connect(address, { routingId: "web" });
    const [id, notice] = await within(client.receive(), 5000, "the connect notice");
    assert.deepEqual([text(id!), notice!.length], ["web", 0]);
    assert.throws(() => client.connect(address, { routingId: "web" }), { code: "EINVAL" });
    const [serverSide] = await within(server.receive(), 5000, "the server's connect notice");
    client.disconnect(address);
    for (;;) {
      const [from, data] = await within(server.receive(), 5000, "the server's disconnect notice");
      if (data!.length === 0 && text(from!) === text(serverSide!)) break;
    }
    client.connect(address); // no routing id: a fresh one, not "web"
    const [fresh] = await within(client.receive(), 5000, "the second connect notice");
    assert.equal(fresh!.length, 5, `a generated routing id, not ${text(fresh!)}`);
    client.connect("tcp://127.0.0.1:1", { routingId: "web" }); // "web" is free again
  } finally {
    ctx.terminate();
  }
});

test("closing a STREAM socket closes its connections", async () => {
  const ctx = new Context();
  try {
    const server = new Stream({ context: ctx, linger: 0 });
    await server.bind("tcp://127.0.0.1:*");
    const client = connect(port(server.lastEndpoint!), "127.0.0.1");
    const closed = new Promise<void>((resolve) => client.on("close", () => resolve()));
    client.on("error", () => {});
    await within(server.receive(), 5000, "the connect notice");
    server.close();
    await within(closed, 5000, "the client to see its connection closed");
  } finally {
    ctx.terminate();
  }
});
