// The zmq command's arguments: what each command line becomes, and what is refused, saying why.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Command, parseCommand, UsageError } from "../../src/cli/args.ts";

const parse = (line: string): Command => parseCommand(line.split(" "));

test("bind and connect: the type by either name, several endpoints, the options", () => {
  const cmd = parse(
    "connect REQUEST tcp://a:1 ipc:///tmp/b --send x --send y -n 2 -f hex -t 500 --linger 0 --identity me",
  );
  assert.equal(cmd.command, "socket");
  if (cmd.command !== "socket") return;
  assert.equal(cmd.mode, "connect");
  assert.equal(cmd.kind.name, "req");
  assert.deepEqual(cmd.endpoints, ["tcp://a:1", "ipc:///tmp/b"]);
  assert.deepEqual(cmd.send, ["x", "y"]);
  assert.equal(cmd.count, 2);
  assert.equal(cmd.format, "hex");
  assert.equal(cmd.timeout, 500);
  assert.equal(cmd.linger, 0);
  assert.equal(cmd.identity, "me");
});

test("monitor and bench", () => {
  const monitor = parse("monitor bind pull tcp://*:5 --count 1");
  assert.equal(monitor.command, "monitor");
  assert.deepEqual(parse("bench thr"), {
    command: "bench",
    which: "thr",
    role: undefined,
    endpoint: "tcp://127.0.0.1:*",
    size: 64,
    count: 100000,
    format: "text",
  });
  const lat = parse("bench lat req tcp://h:5 --size 1 --count 10");
  assert.equal(lat.command === "bench" && lat.role, "req");
});

test("help and version", () => {
  assert.deepEqual(parse("--help"), { command: "help" });
  assert.deepEqual(parse("connect req -h"), { command: "help" });
  assert.deepEqual(parse("-V"), { command: "version" });
});

test("wrong command lines are refused with what is wrong", () => {
  const refused: [string, RegExp][] = [
    ["", /no command/],
    ["frobnicate", /unknown command "frobnicate"/],
    ["connect", /needs a socket type/],
    ["connect nope tcp://a:1", /unknown socket type "nope"/],
    ["bind pull", /needs an endpoint/],
    ["connect pull tcp://a:1 --send x", /a pull socket cannot send/],
    ["connect push tcp://a:1 --subscribe x", /--subscribe is for sub and xsub/],
    ["connect sub tcp://a:1 --count=-1", /--count must be a whole number of at least 0/],
    ["connect sub tcp://a:1 --timeout soon", /--timeout must be a whole number/],
    ["connect sub tcp://a:1 --format xml", /--format must be one of text, hex, json/],
    ["connect sub tcp://a:1 --bogus", /bogus/],
    ["monitor req tcp://a:1", /monitor needs bind or connect first/],
    ["bench fast", /bench needs thr or lat/],
    ["bench thr req tcp://a:1", /the role is recv or send/],
    ["bench lat rep", /needs an endpoint/],
    ["bench thr --count 1", /--count must be a whole number of at least 2/],
    ["bench thr --send x", /--send is not for zmq bench/],
  ];
  for (const [line, why] of refused) {
    assert.throws(() => parseCommand(line === "" ? [] : line.split(" ")), (e: unknown) => {
      assert.ok(e instanceof UsageError, `${line}: ${e}`);
      assert.match(e.message, why, line);
      return true;
    });
  }
});
