/**
 * Property tests over every mechanism's handshake (fast-check): a peer that tampers with one
 * command of a handshake (a flipped byte, a cut, bytes added, a command replaced by noise), and
 * noise sent to a mechanism on its own, must end in a HandshakeError or ProtocolError or a good handshake, never
 * in another exception, and never in a handshake that waits forever. Run a few thousand cases by
 * tests/security/properties_test.ts, and at length by tests/fuzz/security_fuzz.ts.
 */
import fc from "fast-check";
import { NullMechanism } from "../../src/mechanisms/null.ts";
import { PlainClient, PlainServer } from "../../src/mechanisms/plain.ts";
import { CurveClient } from "../../src/mechanisms/curve_client.ts";
import { CurveServer } from "../../src/mechanisms/curve_server.ts";
import { HandshakeError, type Mechanism } from "../../src/mechanisms/mechanism.ts";
import { ProtocolError } from "../../src/errors.ts";

/** How a handshake may fail: refused, or the peer broke the protocol. */
const isFailure = (e: unknown) => e instanceof HandshakeError || e instanceof ProtocolError;
import { type CurveCrypto, loadCurveCrypto } from "../../src/security/crypto.ts";
import { bytes, cipherPair, context, fakeZap, runHandshake, text } from "./mechanisms.ts";

export type Kind = "NULL" | "PLAIN" | "CURVE";

/** One change to one command on the wire. */
export type Tamper =
  | { op: "flip"; at: number; bit: number }
  | { op: "cut"; at: number }
  | { op: "append"; extra: Uint8Array }
  | { op: "replace"; with: Uint8Array };

export const tamperArb: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({
    op: fc.constant("flip" as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({ op: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({
    op: fc.constant("append" as const),
    extra: fc.uint8Array({ minLength: 1, maxLength: 40 }),
  }),
  fc.record({ op: fc.constant("replace" as const), with: fc.uint8Array({ maxLength: 300 }) }),
);

export function apply(t: Tamper, body: Uint8Array): Uint8Array {
  const out = body.slice();
  switch (t.op) {
    case "flip":
      if (out.length > 0) out[t.at % out.length]! ^= 1 << t.bit;
      return out;
    case "cut":
      return out.subarray(0, t.at % (out.length + 1));
    case "append": {
      const longer = new Uint8Array(out.length + t.extra.length);
      longer.set(out);
      longer.set(t.extra, out.length);
      return longer;
    }
    case "replace":
      return t.with.slice();
  }
}

let curve: {
  crypto: CurveCrypto;
  server: ReturnType<CurveCrypto["keyPair"]>;
  client: ReturnType<CurveCrypto["keyPair"]>;
} | undefined;

/** Loads the CURVE library and makes the keys the properties use. */
export async function prepare(): Promise<void> {
  const crypto = await loadCurveCrypto();
  curve ??= { crypto, server: crypto.keyPair(), client: crypto.keyPair() };
}

/** A fresh client and server of a mechanism, the server's ZAP letting "admin"/"secret" and the client key in. */
export function pairOf(kind: Kind): [Mechanism, Mechanism] {
  const zap = fakeZap((r) => {
    const ok = r.mechanism === "NULL" ||
      (r.mechanism === "PLAIN" && text(r.credentials[1]) === "secret") ||
      (r.mechanism === "CURVE" &&
        r.credentials[0]!.every((b, i) => b === curve!.client.publicKey[i]));
    return { status: ok ? 200 : 400, userId: bytes("u") };
  }, { domain: "fuzz" });
  switch (kind) {
    case "NULL":
      return [new NullMechanism(context("DEALER")), new NullMechanism(context("ROUTER", zap))];
    case "PLAIN":
      return [
        new PlainClient(context("DEALER"), bytes("admin"), bytes("secret")),
        new PlainServer(context("ROUTER", zap)),
      ];
    case "CURVE":
      return [
        new CurveClient(context("DEALER"), {
          ...curve!.client,
          serverKey: curve!.server.publicKey,
        }),
        new CurveServer(context("ROUTER", zap), curve!.server.secretKey),
      ];
  }
}

/** Whether a tampered CURVE handshake may still succeed: only HELLO's unchecked padding is unauthenticated. */
function harmlessCurveTamper(side: string, index: number, t: Tamper, before: Uint8Array): boolean {
  if (side !== "client" || index !== 0 || t.op !== "flip") return false;
  const at = t.at % before.length;
  return at >= 8 && at < 80;
}

/** The handshake property for one mechanism. */
export function tamperedHandshake(kind: Kind): fc.IAsyncProperty<[boolean, number, Tamper]> {
  return fc.asyncProperty(fc.boolean(), fc.integer({ min: 0, max: 3 }), tamperArb, async (
    fromClient,
    index,
    t,
  ) => {
    const side = fromClient ? "client" : "server";
    let changed = false;
    let harmless = false;
    const [client, server] = pairOf(kind);
    const o = await runHandshake(client, server, (s, i, body) => {
      if (s !== side || i !== index) return body;
      const after = apply(t, body);
      changed = after.length !== body.length || after.some((b, j) => b !== body[j]);
      harmless = kind === "CURVE" && harmlessCurveTamper(s, i, t, body);
      return after;
    });
    if (o.stalled) throw new Error(`${kind} handshake stalled after ${JSON.stringify(t)}`);
    if (o.failed !== undefined && !isFailure(o.failed.error)) {
      throw new Error(`${kind}: ${o.failed.error.name}: ${o.failed.error.message}`);
    }
    const ok = o.failed === undefined;
    if (ok && changed && kind === "CURVE" && !harmless) {
      throw new Error(`CURVE accepted a tampered command: ${side} #${index} ${t.op}`);
    }
    if (!ok && !changed) {
      throw new Error(`${kind} failed with nothing tampered: ${o.failed!.error.message}`);
    }
  });
}

/** Noise handed to a lone mechanism (either role, any point of its handshake) is refused or taken, never a crash. */
export function noiseToMechanism(): fc.IProperty<[Kind, boolean, Uint8Array[]]> {
  return fc.property(
    fc.constantFrom<Kind>("NULL", "PLAIN", "CURVE"),
    fc.boolean(),
    fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 }),
    (kind, asClient, bodies) => {
      const [client, server] = pairOf(kind);
      const m = asClient ? client : server;
      m.start({ send: () => {}, ready: () => {}, fail: () => {} });
      try {
        for (const body of bodies) m.command(body);
      } catch (e) {
        if (!isFailure(e)) throw e;
      } finally {
        client.close();
        server.close();
      }
    },
  );
}

/**
 * A sealed frame, tampered with or not, opens to exactly what was sealed or is refused; a frame
 * opened once is refused the second time (its nonce is spent).
 */
export function tamperedMessage(): fc.IProperty<[Uint8Array, number, Tamper | null]> {
  const { crypto, server, client } = curve!;
  return fc.property(
    fc.uint8Array({ maxLength: 600 }),
    fc.integer({ min: 0, max: 3 }),
    fc.oneof(fc.constant(null), tamperArb),
    (payload, flags, t) => {
      const { sender, receiver } = cipherPair(crypto, server, client);
      try {
        const sealed = new Uint8Array(sender.sealedSize(payload.length));
        sender.seal(sealed, 0, flags, payload);
        const wire = t === null ? sealed : apply(t, sealed);
        const same = wire.length === sealed.length && wire.every((b, i) => b === sealed[i]);
        let opened;
        try {
          opened = receiver.open(wire);
        } catch (e) {
          if (!isFailure(e)) throw e;
          if (same) throw new Error(`an untouched frame was refused: ${e.message}`);
          return;
        }
        if (!same) throw new Error(`a tampered frame opened (${JSON.stringify(t)})`);
        if (opened.flags !== (flags & 3) || opened.payload.length !== payload.length) {
          throw new Error("opened something else than was sealed");
        }
        try {
          receiver.open(wire);
        } catch (e) {
          if (isFailure(e)) return;
          throw e;
        }
        throw new Error("a replayed frame opened");
      } finally {
        sender.destroy();
        receiver.destroy();
      }
    },
  );
}
