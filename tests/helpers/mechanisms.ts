/**
 * Runs two security mechanisms against each other in memory, with no engine and no socket: what
 * one sends is handed to the other (after an optional tamper), until both are ready, one fails,
 * or nothing is left in flight. For unit and property tests of the handshakes.
 */
import type {
  HandshakeFailure,
  HandshakeResult,
  Mechanism,
  MechanismContext,
  ZapGateway,
  ZapReply,
  ZapRequest,
} from "../../src/mechanisms/mechanism.ts";
import { compatible } from "../../src/socket_types.ts";
import { CurveCipher, PeerNonce, PREFIX } from "../../src/mechanisms/curve.ts";
import type { CurveCrypto } from "../../src/security/crypto.ts";

export interface Outcome {
  client?: HandshakeResult;
  server?: HandshakeResult;
  /** The first failure, and which side had it. */
  failed?: { side: "client" | "server"; error: Error };
  /** Commands each side sent, in order (bodies). */
  sent: { client: Uint8Array[]; server: Uint8Array[] };
  /** Neither ready on both sides nor failed, with nothing left to deliver. */
  stalled: boolean;
}

/** A mechanism context for a socket of `type`. */
export function context(type: string, zap?: ZapGateway, identity?: Uint8Array): MechanismContext {
  return { socketType: type, identity, accepts: (peer) => compatible(type, peer), zap };
}

/** A ZAP gateway answering with `judge` (asynchronously, as a real handler does). */
export function fakeZap(
  judge: (r: ZapRequest) => Partial<ZapReply> | Promise<Partial<ZapReply>>,
  options: { domain?: string; enforceDomain?: boolean; available?: boolean } = {},
): ZapGateway & { asked: ZapRequest[] } {
  const asked: ZapRequest[] = [];
  return {
    asked,
    domain: options.domain ?? "",
    enforceDomain: options.enforceDomain ?? false,
    available: () => options.available ?? true,
    ask: async (r) => {
      asked.push(r);
      await Promise.resolve();
      const reply = await judge(r);
      return {
        status: reply.status ?? 200,
        userId: reply.userId ?? new Uint8Array(0),
        metadata: reply.metadata ?? {},
      };
    },
    close: () => {},
  };
}

/**
 * Runs the handshake. `tamper(side, index, body)` may replace the `index`-th command a side sends
 * (return it unchanged to pass it on).
 */
export function runHandshake(
  client: Mechanism,
  server: Mechanism,
  tamper: (side: "client" | "server", index: number, body: Uint8Array) => Uint8Array = (
    _s,
    _i,
    b,
  ) => b,
): Promise<Outcome> {
  const outcome: Outcome = { sent: { client: [], server: [] }, stalled: false };
  let inFlight = 0;
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      client.close();
      server.close();
      resolve(outcome);
    };
    const fail = (side: "client" | "server", error: Error) => {
      outcome.failed ??= { side, error };
      finish();
    };
    const settleCheck = () => {
      if (done) return;
      if (outcome.client !== undefined && outcome.server !== undefined) return finish();
      // Give pending promises (ZAP replies, the crypto library loading) a few turns before
      // calling it a stall.
      setTimeout(() => {
        if (done || inFlight > 0) return;
        if (outcome.client !== undefined && outcome.server !== undefined) return finish();
        outcome.stalled = true;
        finish();
      }, 50);
    };
    const io = (side: "client" | "server", peer: Mechanism) => ({
      send: (body: Uint8Array) => {
        const index = outcome.sent[side].length;
        outcome.sent[side].push(body);
        const delivered = tamper(side, index, body);
        inFlight++;
        queueMicrotask(() => {
          inFlight--;
          if (done) return;
          try {
            peer.command(delivered);
          } catch (e) {
            return fail(side === "client" ? "server" : "client", e as Error);
          }
          settleCheck();
        });
      },
      ready: (result: HandshakeResult) => {
        outcome[side] = result;
        settleCheck();
      },
      fail: (error: HandshakeFailure) => fail(side, error),
    });
    try {
      server.start(io("server", client));
    } catch (e) {
      return fail("server", e as Error);
    }
    try {
      client.start(io("client", server));
    } catch (e) {
      return fail("client", e as Error);
    }
    settleCheck();
  });
}

export const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
export const bytes = (s: string) => new TextEncoder().encode(s);

type KeyPair = { publicKey: Uint8Array; secretKey: Uint8Array };

/**
 * The MESSAGE ciphers a CURVE handshake between `client` and `server` (their key pairs standing for
 * the transient ones) leaves: `sender` seals as the client, `receiver` opens as the server.
 */
export function cipherPair(
  crypto: CurveCrypto,
  server: KeyPair,
  client: KeyPair,
): { sender: CurveCipher; receiver: CurveCipher } {
  return {
    sender: new CurveCipher(
      crypto.session(server.publicKey, client.secretKey),
      PREFIX.messageFromClient,
      PREFIX.messageFromServer,
      3,
      new PeerNonce(),
    ),
    receiver: new CurveCipher(
      crypto.session(client.publicKey, server.secretKey),
      PREFIX.messageFromServer,
      PREFIX.messageFromClient,
      2,
      new PeerNonce(),
    ),
  };
}
