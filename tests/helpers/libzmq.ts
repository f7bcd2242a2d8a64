/**
 * Drives a real libzmq socket (npm `zeromq` under Node) in a child process,
 * for interop tests. Both Deno and Bun run this through node:child_process.
 */
import { test } from "node:test";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { Buffer } from "node:buffer";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { within } from "./timeout.ts";
import type { Socket } from "../../mod.ts";

const script = fileURLToPath(new URL("../interop/libzmq_peer.cjs", import.meta.url));
const pyScript = fileURLToPath(new URL("../interop/pyzmq_peer.py", import.meta.url));

/**
 * Which libzmq drives the peer: the npm `zeromq` package (4.3.5) under Node, or pyzmq on Debian's
 * libzmq5 (4.3.4) under /usr/bin/python3 (fewer commands: no events).
 */
export type LibzmqVia = "zeromq.js" | "pyzmq";
const root = fileURLToPath(new URL("../../", import.meta.url));

const b64 = (f: Uint8Array | string) =>
  (typeof f === "string" ? Buffer.from(f) : Buffer.from(f.buffer, f.byteOffset, f.byteLength))
    .toString("base64");
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));

/**
 * Why no libzmq peer can run here, or undefined. The peer needs `node` and the npm `zeromq`
 * package (`npm install`); a fresh clone tested with only Deno or Bun has neither.
 */
export const peerMissing: string | undefined = (() => {
  const probe = spawnSync("node", ["-e", "require.resolve('zeromq')"], { cwd: root });
  if (probe.error !== undefined) return "no node on PATH to run the libzmq peer";
  if (probe.status !== 0) return "the npm zeromq package is not installed (npm install)";
  return undefined;
})();
if (peerMissing !== undefined) console.log(`skipping the tests with a libzmq peer: ${peerMissing}`);

/** node:test's `test`, or `test.skip` where no libzmq peer can run (see {@link peerMissing}). */
export const peerTest: typeof test.skip = peerMissing === undefined ? test : test.skip;

/** A libzmq socket in a Node child process. */
export class LibzmqPeer {
  #proc: ChildProcess;
  #next = 1;
  #waiting = new Map<number, (r: any) => void>();
  #ready: Promise<void>;
  exited: Promise<number | null>;
  /** Set by the exit event: Deno reports a stopped (SIGSTOP) child in `signalCode` as if it had died. */
  #gone = false;

  private constructor(via: LibzmqVia) {
    this.#proc = via === "pyzmq"
      ? spawn("/usr/bin/python3", [pyScript], { cwd: root, stdio: ["pipe", "pipe", "inherit"] })
      : spawn("node", [script], { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
    let readyResolve!: () => void;
    this.#ready = new Promise((r) => (readyResolve = r));
    this.exited = new Promise((r) =>
      this.#proc.on("exit", (code) => {
        this.#gone = true;
        r(code);
      })
    );
    createInterface({ input: this.#proc.stdout! }).on("line", (line) => {
      const msg = JSON.parse(line);
      if (msg.ready) return readyResolve();
      const w = this.#waiting.get(msg.id);
      this.#waiting.delete(msg.id);
      w?.(msg);
    });
  }

  /** Starts Node (or Python, `via` pyzmq) with a libzmq socket of `type`. */
  static async start(
    type: string,
    options: Record<string, unknown> = {},
    via: LibzmqVia = "zeromq.js",
  ): Promise<LibzmqPeer> {
    const p = new LibzmqPeer(via);
    await within(p.#ready, 15000, "the libzmq peer to start");
    await p.call({ op: "socket", type, options });
    return p;
  }

  /** Sends one command; resolves with its reply, rejects on an error reply. */
  async call(cmd: Record<string, unknown>, ms = 20000): Promise<any> {
    const id = this.#next++;
    const reply = new Promise<any>((r) => this.#waiting.set(id, r));
    this.#proc.stdin!.write(JSON.stringify({ ...cmd, id }) + "\n");
    const r = await within(reply, ms, `libzmq peer command ${String(cmd.op)}`);
    if (!r.ok) throw Object.assign(new Error(`libzmq peer: ${r.error}`), { code: r.code });
    return r;
  }

  bind(endpoint: string): Promise<string> {
    return this.call({ op: "bind", endpoint }).then((r) => r.endpoint);
  }
  connect(endpoint: string): Promise<void> {
    return this.call({ op: "connect", endpoint });
  }
  send(frames: (Uint8Array | string)[], repeat = 1): Promise<void> {
    return this.call({ op: "send", frames: frames.map(b64), repeat });
  }
  async receive(count = 1, ms?: number): Promise<Uint8Array[][]> {
    const r = await this.call({ op: "recv", count }, ms);
    return r.msgs.map((m: string[]) => m.map(unb64));
  }
  /** Receives until a message whose first frame is `until` (text); resolves with the ones before it. */
  async receiveUntil(until: string, ms?: number): Promise<Uint8Array[][]> {
    const r = await this.call({ op: "recvUntil", until }, ms);
    return r.msgs.map((m: string[]) => m.map(unb64));
  }
  async request(frames: (Uint8Array | string)[]): Promise<Uint8Array[]> {
    const r = await this.call({ op: "request", frames: frames.map(b64) });
    return r.msgs[0].map(unb64);
  }
  sendSeq(count: number, prefix: (Uint8Array | string)[] = []): Promise<void> {
    return this.call({ op: "sendSeq", count, prefix: prefix.map(b64) }, 60000);
  }
  receiveSeq(count: number): Promise<{ count: number; inOrder: boolean; sizes: number[] }> {
    return this.call({ op: "recvSeq", count }, 60000);
  }
  /** SUB: subscribes to each topic; no topics means everything. */
  subscribe(...topics: (Uint8Array | string)[]): Promise<void> {
    return this.call({ op: "subscribe", topics: topics.map(b64) });
  }
  unsubscribe(...topics: (Uint8Array | string)[]): Promise<void> {
    return this.call({ op: "unsubscribe", topics: topics.map(b64) });
  }
  /** One message if one arrives within `ms`, else none (to show that nothing got through). */
  async receiveWithin(ms: number): Promise<Uint8Array[][]> {
    const r = await this.call({ op: "recvWithin", ms }, ms + 10000);
    return r.msgs.map((m: string[]) => m.map(unb64));
  }
  /** A CURVE key pair made by libzmq (Z85). */
  keyPair(): Promise<{ publicKey: string; secretKey: string }> {
    return this.call({ op: "keypair" });
  }
  /**
   * Binds a ZAP handler (a REP at inproc://zeromq.zap.01) in the peer's context that lets in the
   * CURVE keys (Z85) and PLAIN users listed, and NULL peers if `allowNull`; others get `refuse`
   * (default "400"). It answers User-Id "user:<key or username>".
   */
  zap(
    policy: {
      keys?: string[];
      users?: Record<string, string>;
      allowNull?: boolean;
      refuse?: string;
    },
  ): Promise<void> {
    return this.call({ op: "zap", ...policy });
  }
  /** What the peer's ZAP handler was asked so far. */
  async zapAsked(): Promise<{ mechanism: string; who: string; domain: string; address: string }[]> {
    return (await this.call({ op: "zapAsked" })).asked;
  }
  echo(count: number): Promise<void> {
    return this.call({ op: "echo", count }, 60000);
  }

  /** Starts counting the socket's monitor events (zeromq.js `sock.events`) of these types. */
  watch(...types: string[]): Promise<void> {
    return this.call({ op: "watch", types });
  }
  /** Counts of the watched events so far, by type. */
  async eventCounts(): Promise<Record<string, number>> {
    return (await this.call({ op: "events" })).counts;
  }
  /** The error codes (zeromq.js's `error.code`, e.g. ERR_ZMTP_MECHANISM_MISMATCH) of the watched events so far, by type. */
  async eventCodes(): Promise<Record<string, string[]>> {
    return (await this.call({ op: "events" })).codes;
  }
  /** Waits until at least `atLeast` watched events of `type` have been seen; fails after `ms`. */
  async waitEvents(type: string, atLeast: number, ms = 5000): Promise<Record<string, number>> {
    return (await this.call({ op: "events", type, atLeast, ms }, ms + 5000)).counts;
  }

  /**
   * Sends a signal to the peer's process, e.g. SIGSTOP to freeze it, SIGCONT to thaw it; none
   * once it has exited. Through process.kill(pid): Deno's ChildProcess.kill() sends one signal
   * only (later calls return false) and records SIGSTOP as the exit signal.
   */
  signal(sig: NodeJS.Signals): void {
    if (this.#gone) return;
    try {
      process.kill(this.#proc.pid!, sig);
    } catch (e) {
      if ((e as { code?: string }).code !== "ESRCH") throw e; // exited meanwhile
    }
  }

  /** Ends the process at once (SIGKILL), as a crash would. */
  kill(): Promise<number | null> {
    this.#proc.kill("SIGKILL");
    return this.exited;
  }

  /** Closes the socket and ends the process. */
  async stop(): Promise<void> {
    if (this.#gone) return;
    this.#proc.stdin!.end();
    await within(this.exited, 10000, "the libzmq peer to exit");
  }
}

/** Connects `ours` and the libzmq peer over tcp, the side named by `weBind` binding. */
export async function join(ours: Socket, peer: LibzmqPeer, weBind: boolean): Promise<void> {
  if (weBind) {
    await ours.bind("tcp://127.0.0.1:*");
    await peer.connect(ours.lastEndpoint!);
  } else {
    ours.connect(await peer.bind("tcp://127.0.0.1:*"));
  }
}
