/**
 * When a mechanism consults ZAP, and what it does with the answer: libzmq 4.3's rules
 * (zmtp.md §3.5), shared by the three mechanisms.
 *
 * - PLAIN server: always; no handler bound fails the handshake.
 * - CURVE server: when a handler is bound (or, with enforceDomain, when the domain is not empty;
 *   then no handler fails); no handler otherwise lets every client key in (CurveZMQ's "Stonehouse":
 *   encryption and server authentication only).
 * - NULL (either side): only with a non-empty domain; no handler then lets the peer in, unless
 *   enforceDomain.
 *
 * A reply of 200 lets the peer in; 300 closes without a word; 400 and 500 send ERROR with that
 * status, then close.
 *
 * @module
 */

import { errorBody } from "../codec/command.ts";
import { ProtocolError } from "../errors.ts";
import {
  HandshakeError,
  type MechanismIO,
  type ZapGateway,
  type ZapReply,
  type ZapRequest,
} from "./mechanism.ts";

/** Which rule applies. */
export type ZapRule = "plain" | "curve" | "null";

/** Whether ZAP must be asked: true to ask, false to let the peer in; throws when it cannot be asked but must. */
export function mustAskZap(zap: ZapGateway | undefined, rule: ZapRule): boolean {
  const available = zap?.available() ?? false;
  const domain = zap?.domain ?? "";
  const enforce = zap?.enforceDomain ?? false;
  const noHandler = () =>
    new HandshakeError("no ZAP handler is bound at inproc://zeromq.zap.01", "other");
  switch (rule) {
    case "plain":
      if (!available) throw noHandler();
      return true;
    case "curve":
      if (domain === "" && enforce) return false;
      if (available) return true;
      if (enforce) throw noHandler();
      return false;
    case "null":
      if (domain === "") return false;
      if (available) return true;
      if (enforce) throw noHandler();
      return false;
  }
}

/**
 * Asks ZAP and acts on a refusal: resolves with the reply when it is 200, or with `undefined`
 * after failing the handshake (sending ERROR for 400 and 500). `alive()` says whether the
 * connection still exists when the reply comes.
 */
export async function askZap(
  zap: ZapGateway,
  request: ZapRequest,
  io: MechanismIO,
  alive: () => boolean,
): Promise<ZapReply | undefined> {
  let reply: ZapReply;
  try {
    reply = await zap.ask(request);
  } catch (e) {
    if (alive()) {
      io.fail(
        e instanceof HandshakeError || e instanceof ProtocolError
          ? e
          : new HandshakeError((e as Error).message, "other"),
      );
    }
    return undefined;
  }
  if (!alive()) return undefined;
  if (reply.status === 200) return reply;
  const refused = `the ZAP handler refused the peer (${reply.status})`;
  if (reply.status === 300) {
    io.fail(new HandshakeError(refused, "auth", 300));
  } else {
    io.send(errorBody(String(reply.status)));
    io.fail(new HandshakeError(refused, "auth", reply.status, true));
  }
  return undefined;
}
