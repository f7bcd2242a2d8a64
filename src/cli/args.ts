/**
 * The `zmq` command's arguments, parsed with node:util's parseArgs into one checked command, and
 * its `--help` text. A wrong argument is a {@link UsageError} that says what was wrong.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { LINE_FORMATS, type LineFormat } from "./format.ts";
import {
  type CliSecurity,
  curveKeyArgument,
  SECURITY_OPTION_TYPES,
  type SecurityEnv,
  securityFromArgs,
  type SecurityValues,
} from "./security_args.ts";
import { SOCKET_KINDS, type SocketKind, socketKind } from "./socket_kinds.ts";
import { UsageError } from "./usage_error.ts";

export { UsageError };

/** What `bind`, `connect` and `monitor` share: the socket and its options. */
export interface SocketCommand {
  /** Bind the endpoints, or connect to them. */
  mode: "bind" | "connect";
  /** The socket type. */
  kind: SocketKind;
  /** One or more endpoints. */
  endpoints: string[];
  /** Messages to send (`--send`), each already a line to parse; empty: read stdin. */
  send: string[];
  /** Stop after this many messages (events, for `monitor`) received. */
  count: number | undefined;
  /** Prefixes for `sub` and `xsub` (none: everything). */
  subscribe: string[];
  /** How messages are written and read. */
  format: LineFormat;
  /** Fail (exit 1) when a wait for a message, a send or an event takes longer (ms). */
  timeout: number | undefined;
  /** The socket's linger (ms) when the command ends; -1: until delivered. */
  linger: number | undefined;
  /** The socket's routing id. */
  identity: string | undefined;
  /** The security mechanism and what it needs. */
  security: CliSecurity;
  /** The ZAP domain. */
  zapDomain: string | undefined;
}

/** `zmq keygen`: a new CURVE key pair, or the public key of a secret one. */
export interface KeygenCommand {
  /** Print the public key of this secret key (Z85), or of the one on stdin (`-`). */
  secretKey: string | undefined;
  /** text: `public: ...` and `secret: ...` lines; json: an object. */
  format: "text" | "json";
}

/** `zmq bench thr|lat`: the benchmark pair, in this process or as one side of it. */
export interface BenchCommand {
  /** Throughput (PUSH to PULL) or latency (REQ to REP round trips). */
  which: "thr" | "lat";
  /** One side only, to run the other elsewhere; undefined: both sides in this process. */
  role: "recv" | "send" | "rep" | "req" | undefined;
  /** Where the receiving (or replying) side binds and the other connects. */
  endpoint: string;
  /** Bytes per message. */
  size: number;
  /** Messages (or round trips). */
  count: number;
  /** Result as a line of text or of JSON. */
  format: LineFormat;
}

/** One parsed command line. */
export type Command =
  | { command: "help" }
  | { command: "version" }
  | ({ command: "socket" } & SocketCommand)
  | ({ command: "monitor" } & SocketCommand)
  | ({ command: "bench" } & BenchCommand)
  | ({ command: "keygen" } & KeygenCommand);

const types = SOCKET_KINDS.map((k) => k.name).join(", ");

/** The `--help` text. */
export const USAGE: string = `zmq: talk to a ZeroMQ system from the shell (zmq-ts)

Usage:
  zmq bind <type> <endpoint>... [options]      bind, then send and/or print messages
  zmq connect <type> <endpoint>... [options]   connect, then send and/or print messages
  zmq monitor bind|connect <type> <endpoint>... [options]
                                               print the socket's events instead
  zmq bench thr|lat [role endpoint] [--size N] [--count N]
                                               throughput (push/pull) or latency (req/rep);
                                               roles: thr recv|send, lat rep|req; without a
                                               role both sides run here over tcp loopback
  zmq keygen [--format json]                   a new CURVE key pair: "public: <key>" and
                                               "secret: <key>" lines (json: {"publicKey",
                                               "secretKey"}); save it with umask 077
  zmq keygen --public <secret>|-               "public: <key>" of a secret key (-: read from
                                               stdin, a key or keygen's output)
  zmq --help | --version

Types: ${types}
       (zeromq.js's names work too: request, reply, publisher, subscriber, ...)
Endpoints: tcp://host:port, tcp://*:port, tcp://127.0.0.1:* (any free port), ipc:///path

What each type does:
  req                                sends each message (--send, or each line of stdin) and
                                     prints its reply
  rep                                prints each request and answers with the --send messages
                                     in turn (none: echoes it)
  push, pub                          send the --send messages, or each line of stdin, then exit
  pull, sub                          print each message received
  dealer, router, pair, xpub, xsub   both at once

Options:
  -s, --send <msg>      a message to send (repeatable); frames separated by a tab
  -n, --count <n>       exit after printing n messages (monitor: n events)
      --subscribe <p>   sub/xsub: a topic prefix (repeatable; none: everything)
  -f, --format <f>      text (default), hex or json; for printing and for reading messages
  -t, --timeout <ms>    exit 1 when a message, a send or an event takes longer than this
      --linger <ms>     how long queued messages may take to go at exit (default: until sent,
                        or the --timeout)
      --identity <id>   the socket's routing id (as a ROUTER sees it)
      --size <bytes>    bench: message size (default 64); --count: messages (default
                        100000) or round trips (default 10000)
  -h, --help            this text
  -V, --version         zmq-ts's version and the libzmq behaviour it follows

Security (bind, connect, monitor; default: none, the NULL mechanism):
      --curve-server            a CURVE server; its secret key from --curve-secret-key or
                                $ZMQ_CURVE_SECRET_KEY; its public key is reported on stderr
      --curve-server-key <key>  a CURVE client of the server with this public key; its own key
                                pair is new each run, unless --curve-secret-key or
                                $ZMQ_CURVE_SECRET_KEY gives it
      --curve-secret-key <key>  this socket's secret key (the variable keeps it out of ps)
      --curve-public-key <key>  a client's public key (checked against its secret key)
      --plain-server            a PLAIN server; it lets in the one --plain-user and
                                --plain-password (or $ZMQ_PLAIN_PASSWORD)
      --plain-user <name>       a PLAIN client: the username, and the password from
      --plain-password <pw>     --plain-password or $ZMQ_PLAIN_PASSWORD (kept out of ps)
      --zap-domain <domain>     the ZAP domain the socket's handshakes are judged in

Keys are 40 characters of Z85, as zmq keygen writes them: quote them in '...' (Z85 has $, &, (
and other characters the shell reads, but no '), and write one that starts with "-" as
--curve-server-key=-... A CURVE server lets in any client that has its public key. The
variables are read only when the command uses that mechanism.

Messages are one per line. text: frames as UTF-8 separated by a tab; hex: each frame in hex,
separated by a tab; json: ["frame", {"hex": "00ff"}]. Bound endpoints are reported on stderr.
Exit status: 0 done, 1 failed (timeout, address in use, every endpoint refused us, ...), 2 wrong
arguments.

Examples:
  zmq connect req tcp://127.0.0.1:5555 --send hello
  zmq bind pull 'tcp://*:5557' --count 3
  zmq connect sub tcp://127.0.0.1:5556 --subscribe weather
  printf 'topic\\tbody\\n' | zmq connect push tcp://127.0.0.1:5557
  zmq monitor connect dealer tcp://127.0.0.1:5555 --count 2
  zmq bench thr --count 100000
  zmq keygen                    # public: <key> / secret: <key>
  ZMQ_CURVE_SECRET_KEY='<secret key>' zmq bind rep 'tcp://*:5555' --curve-server
  zmq connect req tcp://127.0.0.1:5555 --curve-server-key '<public key>' --send hello`;

function integer(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || text.trim() === "") {
    throw new UsageError(`--${name} must be a whole number of at least ${min}, got "${text}"`);
  }
  return n;
}

function lineFormat(text: string | undefined): LineFormat {
  if (text === undefined) return "text";
  if (!(LINE_FORMATS as readonly string[]).includes(text)) {
    throw new UsageError(`--format must be one of ${LINE_FORMATS.join(", ")}, got "${text}"`);
  }
  return text as LineFormat;
}

/**
 * Parses the `zmq` command's arguments (without the program name). `env` holds the environment
 * variables a secret may come from (`ZMQ_CURVE_SECRET_KEY`, `ZMQ_PLAIN_PASSWORD`).
 *
 * @example
 * ```ts
 * const cmd = parseCommand(["connect", "req", "tcp://127.0.0.1:5555", "--send", "hello"]);
 * ```
 */
export function parseCommand(args: string[], env: SecurityEnv = {}): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        send: { type: "string", short: "s", multiple: true },
        count: { type: "string", short: "n" },
        subscribe: { type: "string", multiple: true },
        format: { type: "string", short: "f" },
        timeout: { type: "string", short: "t" },
        linger: { type: "string" },
        identity: { type: "string" },
        size: { type: "string" },
        public: { type: "string" },
        ...SECURITY_OPTION_TYPES,
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === "help") return { command: "help" };
  if (values.version) return { command: "version" };
  const [verb, ...rest] = positionals;
  switch (verb) {
    case "bind":
    case "connect":
      return { command: "socket", ...socketCommand(verb, rest, values, env) };
    case "monitor": {
      const [mode, ...more] = rest;
      if (mode !== "bind" && mode !== "connect") {
        throw new UsageError(`monitor needs bind or connect first, got ${quote(mode)}`);
      }
      return { command: "monitor", ...socketCommand(mode, more, values, env) };
    }
    case "bench":
      return { command: "bench", ...benchCommand(rest, values) };
    case "keygen":
      return { command: "keygen", ...keygenCommand(rest, values) };
    case undefined:
      throw new UsageError("no command: try zmq --help");
    default:
      throw new UsageError(
        `unknown command ${quote(verb)}: bind, connect, monitor, bench or keygen`,
      );
  }
}

const quote = (s: string | undefined) => (s === undefined ? "nothing" : `"${s}"`);

type Values = SecurityValues & {
  send?: string[];
  count?: string;
  subscribe?: string[];
  format?: string;
  timeout?: string;
  linger?: string;
  identity?: string;
  size?: string;
  public?: string;
};

/** Refuses the options in `names` that were given: they are not for `command`. */
function refuse(values: Values, names: readonly (keyof Values)[], command: string): void {
  for (const name of names) {
    if (values[name] !== undefined) throw new UsageError(`--${name} is not for ${command}`);
  }
}

const SOCKET_OPTIONS = ["send", "count", "subscribe", "timeout", "linger", "identity"] as const;
const SECURITY_ARGS = Object.keys(SECURITY_OPTION_TYPES) as (keyof SecurityValues)[];

function socketCommand(
  mode: "bind" | "connect",
  rest: string[],
  values: Values,
  env: SecurityEnv,
): SocketCommand {
  const [typeName, ...endpoints] = rest;
  if (typeName === undefined) throw new UsageError(`${mode} needs a socket type: ${types}`);
  const kind = socketKind(typeName);
  if (kind === undefined) {
    throw new UsageError(`unknown socket type "${typeName}": ${types}`);
  }
  if (endpoints.length === 0) throw new UsageError(`${mode} ${kind.name} needs an endpoint`);
  const send = values.send ?? [];
  if (send.length > 0 && kind.role === "receive") {
    throw new UsageError(`--send: a ${kind.name} socket cannot send`);
  }
  const subscribe = values.subscribe ?? [];
  if (subscribe.length > 0 && kind.name !== "sub" && kind.name !== "xsub") {
    throw new UsageError(`--subscribe is for sub and xsub sockets, not ${kind.name}`);
  }
  if (values.size !== undefined) throw new UsageError("--size is for zmq bench");
  refuse(values, ["public"], `zmq ${mode}`);
  const zapDomain = values["zap-domain"];
  if (zapDomain !== undefined && new TextEncoder().encode(zapDomain).length > 255) {
    throw new UsageError("--zap-domain must be at most 255 bytes");
  }
  return {
    mode,
    kind,
    endpoints,
    send,
    count: integer("count", values.count, 0),
    subscribe,
    format: lineFormat(values.format),
    timeout: integer("timeout", values.timeout, 0),
    linger: integer("linger", values.linger, -1),
    identity: values.identity,
    security: securityFromArgs(values, env),
    zapDomain,
  };
}

const BENCH_ROLES = { thr: ["recv", "send"], lat: ["rep", "req"] } as const;

function benchCommand(rest: string[], values: Values): BenchCommand {
  const [which, role, endpoint, ...extra] = rest;
  if (which !== "thr" && which !== "lat") {
    throw new UsageError(`bench needs thr or lat, got ${quote(which)}`);
  }
  const roles: readonly string[] = BENCH_ROLES[which];
  if (role !== undefined && !roles.includes(role)) {
    throw new UsageError(`bench ${which}: the role is ${roles.join(" or ")}, got "${role}"`);
  }
  if (role !== undefined && endpoint === undefined) {
    throw new UsageError(`bench ${which} ${role} needs an endpoint`);
  }
  if (extra.length > 0) throw new UsageError(`bench: unexpected "${extra[0]}"`);
  refuse(values, [...SOCKET_OPTIONS.filter((o) => o !== "count"), "public"], "zmq bench");
  refuse(values, SECURITY_ARGS, "zmq bench");
  return {
    which,
    role: role as BenchCommand["role"],
    endpoint: endpoint ?? "tcp://127.0.0.1:*",
    size: integer("size", values.size, 0) ?? 64,
    count: integer("count", values.count, 2) ?? (which === "thr" ? 100_000 : 10_000),
    format: lineFormat(values.format),
  };
}

function keygenCommand(rest: string[], values: Values): KeygenCommand {
  // Not repeated: a stray argument may be a secret key given without --public.
  if (rest.length > 0) throw new UsageError("keygen takes no arguments but --public and --format");
  refuse(values, [...SOCKET_OPTIONS, "size", ...SECURITY_ARGS], "zmq keygen");
  const format = lineFormat(values.format);
  if (format === "hex") throw new UsageError("keygen --format is text or json");
  const secretKey = values.public;
  return {
    secretKey: secretKey === undefined || secretKey === "-"
      ? secretKey
      : curveKeyArgument("--public", secretKey),
    format,
  };
}
