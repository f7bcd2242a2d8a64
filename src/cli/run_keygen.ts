/**
 * `zmq keygen`: prints a new CURVE key pair as Z85, or the public key of a secret one. The secret
 * key is written to stdout only, as asked, and nowhere else.
 *
 * @module
 */

import { curveKeyPair, curvePublicKey } from "../security/keys.ts";
import type { KeygenCommand } from "./args.ts";
import type { CliOutput } from "./io.ts";
import { curveKeyArgument } from "./security_args.ts";

/**
 * Runs `zmq keygen`. Resolves with the exit status (0); a malformed secret key on stdin is a
 * UsageError (exit 2) that does not repeat it.
 *
 * @example
 * ```ts
 * await runKeygen({ secretKey: undefined, format: "text" }, processOutput(), stdinLines);
 * // public: ...
 * // secret: ...
 * ```
 */
export async function runKeygen(
  cmd: KeygenCommand,
  out: CliOutput,
  lines: () => AsyncIterable<string>,
): Promise<number> {
  if (cmd.secretKey === undefined) {
    const { publicKey, secretKey } = curveKeyPair();
    out.line(
      cmd.format === "json"
        ? JSON.stringify({ publicKey, secretKey })
        : `public: ${publicKey}\nsecret: ${secretKey}`,
    );
    return 0;
  }
  const secretKey = cmd.secretKey === "-" ? await secretFromStdin(lines) : cmd.secretKey;
  const publicKey = await curvePublicKey(secretKey);
  out.line(cmd.format === "json" ? JSON.stringify({ publicKey }) : `public: ${publicKey}`);
  return 0;
}

/** The `secret: ` line of keygen's output, else the first line that is not blank. */
async function secretFromStdin(lines: () => AsyncIterable<string>): Promise<string> {
  let first: string | undefined;
  for await (const line of lines()) {
    const text = line.trim();
    if (text.startsWith("secret:")) return curveKey(text.slice("secret:".length).trim());
    if (first === undefined && text !== "" && !text.startsWith("public:")) first = text;
  }
  return curveKey(first ?? "");
}

const curveKey = (text: string) => curveKeyArgument("the secret key on stdin", text);
