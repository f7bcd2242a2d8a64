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

// Two valid Z85 keys (not a pair; the parser checks only their form).
const KEY_A = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
const KEY_B = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";

const socket = (args: string[], env = {}) => {
  const cmd = parseCommand(["connect", "req", "tcp://a:1", ...args], env);
  assert.ok(cmd.command === "socket");
  return cmd;
};

test("security: the mechanism from the options, secrets from the environment", () => {
  assert.deepEqual(socket([]).security, { mechanism: "null" });
  assert.deepEqual(socket(["--curve-server", "--curve-secret-key", KEY_A]).security, {
    mechanism: "curve",
    server: true,
    secretKey: KEY_A,
  });
  assert.deepEqual(socket(["--curve-server"], { ZMQ_CURVE_SECRET_KEY: KEY_A }).security, {
    mechanism: "curve",
    server: true,
    secretKey: KEY_A,
  });
  // The option wins over the variable; a client without either gets a fresh pair (undefined).
  assert.deepEqual(
    socket(["--curve-server-key", KEY_A, "--curve-secret-key", KEY_B], {
      ZMQ_CURVE_SECRET_KEY: KEY_A,
    }).security,
    { mechanism: "curve", server: false, serverKey: KEY_A, secretKey: KEY_B, publicKey: undefined },
  );
  assert.deepEqual(socket([`--curve-server-key=${KEY_A}`]).security, {
    mechanism: "curve",
    server: false,
    serverKey: KEY_A,
    secretKey: undefined,
    publicKey: undefined,
  });
  assert.deepEqual(
    socket(["--plain-user", "u", "--zap-domain", "d"], { ZMQ_PLAIN_PASSWORD: "p" }).security,
    { mechanism: "plain", server: false, username: "u", password: "p" },
  );
  assert.equal(socket(["--zap-domain", "d"]).zapDomain, "d");
  const server = socket(["--plain-server", "--plain-user", "u", "--plain-password", "p"]);
  assert.deepEqual(server.security, {
    mechanism: "plain",
    server: true,
    username: "u",
    password: "p",
  });
  // A variable is read only when its mechanism is in use.
  assert.deepEqual(socket([], { ZMQ_CURVE_SECRET_KEY: "bad", ZMQ_PLAIN_PASSWORD: "p" }).security, {
    mechanism: "null",
  });
});

test("keygen: a new pair, or the public key of a secret one (given, or - for stdin)", () => {
  assert.deepEqual(parse("keygen"), { command: "keygen", secretKey: undefined, format: "text" });
  assert.deepEqual(parseCommand(["keygen", "--public", KEY_A, "-f", "json"]), {
    command: "keygen",
    secretKey: KEY_A,
    format: "json",
  });
  assert.deepEqual(parse("keygen --public -"), {
    command: "keygen",
    secretKey: "-",
    format: "text",
  });
});

test("wrong security options are refused naming the option, never repeating a key", () => {
  const secretLike = "s3cr3t".repeat(6) + "~~~~"; // 40 characters, not Z85
  const refused: [string[], RegExp, Record<string, string>?][] = [
    [
      ["--curve-server"],
      /--curve-server needs its secret key: --curve-secret-key or ZMQ_CURVE_SECRET_KEY/,
    ],
    [["--curve-server", "--curve-secret-key", secretLike], /--curve-secret-key is not Z85/],
    [["--curve-server"], /ZMQ_CURVE_SECRET_KEY is not Z85/, { ZMQ_CURVE_SECRET_KEY: secretLike }],
    [
      ["--curve-server-key", "s3cr3ts3cr3t"],
      /--curve-server-key must be a CURVE key: 40 characters of Z85, got 12/,
    ],
    [
      ["--curve-server-key", KEY_A, "--curve-public-key", KEY_B],
      /--curve-public-key needs its secret key/,
    ],
    [["--curve-server", "--curve-server-key", KEY_A], /--curve-server-key is for a client/],
    [["--curve-secret-key", KEY_A], /need --curve-server \(a server\) or --curve-server-key/],
    [["--curve-server-key", KEY_A, "--plain-user", "u"], /choose one mechanism/],
    [["--plain-server"], /--plain-server needs the login it accepts/],
    [
      ["--plain-user", "u"],
      /a PLAIN client needs: --plain-user and --plain-password \(or ZMQ_PLAIN_PASSWORD\)/,
    ],
    [
      ["--plain-user", "u", "--plain-password", "x".repeat(256)],
      /--plain-password must be 1 to 255 bytes/,
    ],
    [["--zap-domain", "d".repeat(256)], /--zap-domain must be at most 255 bytes/],
    [["--public", KEY_A], /--public is not for zmq connect/],
  ];
  for (const [args, why, env] of refused) {
    assert.throws(() => socket(args, env), (e: unknown) => {
      assert.ok(e instanceof UsageError, `${args}: ${e}`);
      assert.match(e.message, why, args.join(" "));
      assert.ok(!e.message.includes("s3cr3t"), e.message);
      return true;
    });
  }
  const keygenRefused: [string[], RegExp][] = [
    [["keygen", KEY_A], /keygen takes no arguments/],
    [["keygen", "--public", secretLike], /--public is not Z85/],
    [["keygen", "-f", "hex"], /keygen --format is text or json/],
    [["keygen", "--curve-server"], /--curve-server is not for zmq keygen/],
    [["keygen", "--send", "x"], /--send is not for zmq keygen/],
    [["bench", "thr", "--curve-server-key", KEY_A], /--curve-server-key is not for zmq bench/],
  ];
  for (const [args, why] of keygenRefused) {
    assert.throws(() => parseCommand(args), (e: unknown) => {
      assert.ok(e instanceof UsageError, `${args}: ${e}`);
      assert.match(e.message, why, args.join(" "));
      assert.ok(!e.message.includes("s3cr3t") && !e.message.includes(KEY_A), e.message);
      return true;
    });
  }
});
