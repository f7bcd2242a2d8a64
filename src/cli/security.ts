/**
 * Turns the `zmq` command's security (see security_args.ts) into socket options: a CURVE client's
 * fresh key pair, and for a PLAIN server the ZAP handler that lets in its one login (a libzmq
 * PLAIN server refuses everyone without one, and so does ours).
 *
 * @module
 */

// The library's CURVE mechanisms, as mod.ts registers them (the command does not import mod.ts).
import "../mechanisms/curve_support.ts";
import type { Context } from "../context.ts";
import { Authenticator } from "../security/authenticator.ts";
import { curveKeyPair, curvePublicKey } from "../security/keys.ts";
import type { SecurityOptions } from "../security/options.ts";
import type { SocketCommand } from "./args.ts";
import type { CliOutput } from "./io.ts";
import { UsageError } from "./usage_error.ts";

/**
 * The socket options for the command's mechanism and ZAP domain. A CURVE server's public key is
 * reported on stderr (to give to clients); a PLAIN server gets an {@link Authenticator} in
 * `context`, which ends with it.
 *
 * @example
 * ```ts
 * const socket = new Reply({ context, ...(await securityOptions(command, context, out)) });
 * ```
 */
export async function securityOptions(
  cmd: SocketCommand,
  context: Context,
  out: CliOutput,
): Promise<Partial<SecurityOptions>> {
  const domain = cmd.zapDomain === undefined ? {} : { zapDomain: cmd.zapDomain };
  const sec = cmd.security;
  switch (sec.mechanism) {
    case "null":
      return domain;
    case "plain":
      if (!sec.server) {
        return { ...domain, plainUsername: sec.username, plainPassword: sec.password };
      }
      await new Authenticator({ context, passwords: { [sec.username]: sec.password } }).start();
      return { ...domain, plainServer: true };
    case "curve":
      if (sec.server) {
        out.note(`zmq: CURVE server public key ${await curvePublicKey(sec.secretKey)}`);
        return { ...domain, curveServer: true, curveSecretKey: sec.secretKey };
      }
      return {
        ...domain,
        ...(await clientKeys(sec.secretKey, sec.publicKey)),
        curveServerKey: sec.serverKey,
      };
  }
}

/** A CURVE client's own key pair: the one given (checked), or a new one. */
async function clientKeys(
  secretKey: string | undefined,
  publicKey: string | undefined,
): Promise<{ curvePublicKey: string; curveSecretKey: string }> {
  if (secretKey === undefined) {
    const pair = curveKeyPair();
    return { curvePublicKey: pair.publicKey, curveSecretKey: pair.secretKey };
  }
  const derived = await curvePublicKey(secretKey);
  if (publicKey !== undefined && publicKey !== derived) {
    throw new UsageError("--curve-public-key is not the public key of the secret key given");
  }
  return { curvePublicKey: derived, curveSecretKey: secretKey };
}
