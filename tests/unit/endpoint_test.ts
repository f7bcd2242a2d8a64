// Endpoint strings: what parses, into what, and what is refused with which code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseEndpoint, tcpAddress } from "../../src/endpoint.ts";

test("tcp, ipc and inproc endpoints parse into their parts", () => {
  assert.deepEqual(parseEndpoint("tcp://127.0.0.1:5555"), {
    transport: "tcp",
    host: "127.0.0.1",
    port: 5555,
    address: "tcp://127.0.0.1:5555",
  });
  assert.deepEqual(parseEndpoint("tcp://*:*"), {
    transport: "tcp",
    host: "*",
    port: 0,
    address: "tcp://*:*",
  });
  assert.equal((parseEndpoint("tcp://[::1]:7") as { host: string }).host, "::1");
  assert.deepEqual(parseEndpoint("ipc:///tmp/x.sock"), {
    transport: "ipc",
    path: "/tmp/x.sock",
    address: "ipc:///tmp/x.sock",
  });
  assert.deepEqual(parseEndpoint("inproc://a/b"), {
    transport: "inproc",
    name: "a/b",
    address: "inproc://a/b",
  });
});

test("malformed endpoints are refused with EINVAL, unknown transports with EPROTONOSUPPORT", () => {
  const refused: [string, string, RegExp][] = [
    ["nonsense", "EINVAL", /no transport/],
    ["ipc://", "EINVAL", /ipc needs a path/],
    ["ipc://*", "EINVAL", /ipc needs a path/],
    ["inproc://", "EINVAL", /inproc needs a name/],
    ["tcp://127.0.0.1", "EINVAL", /no port/],
    ["tcp://:5555", "EINVAL", /no host/],
    ["tcp://[]:5555", "EINVAL", /no host/],
    ["tcp://10.0.0.1;127.0.0.1:5555", "EINVAL", /source addresses are not supported/],
    ["tcp://127.0.0.1:", "EINVAL", /bad port ""/],
    ["tcp://127.0.0.1:65536", "EINVAL", /bad port/],
    ["tcp://127.0.0.1:-1", "EINVAL", /bad port/],
    ["tcp://127.0.0.1:1.5", "EINVAL", /bad port/],
    ["udp://127.0.0.1:5555", "EPROTONOSUPPORT", /"udp" is not supported/],
  ];
  for (const [address, code, message] of refused) {
    assert.throws(() => parseEndpoint(address), { code, message, address }, address);
  }
  assert.throws(() => parseEndpoint(5555 as unknown as string), {
    name: "TypeError",
    message: /endpoint must be a string, got number/,
  });
});

test("tcpAddress brackets IPv6 hosts", () => {
  assert.equal(tcpAddress("127.0.0.1", 1), "tcp://127.0.0.1:1");
  assert.equal(tcpAddress("::1", 2), "tcp://[::1]:2");
});
