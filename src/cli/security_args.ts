/**
 * The `zmq` command's security options (`--curve-*`, `--plain-*`, `--zap-domain`), checked into
 * the one mechanism a socket runs. Secrets may come from the environment instead of the command
 * line, where `ps` would show them: `ZMQ_CURVE_SECRET_KEY` and `ZMQ_PLAIN_PASSWORD`, read only when
 * the command uses that mechanism and does not give the option. Errors name the option or the
 * variable, never its value. Pure: the environment is passed in.
 *
 * @module
 */

import { z85Decode } from "../codec/z85.ts";
import { UsageError } from "./usage_error.ts";

/** The environment variable a CURVE secret key may come from. */
export const CURVE_SECRET_KEY_ENV = "ZMQ_CURVE_SECRET_KEY";
/** The environment variable a PLAIN password may come from. */
export const PLAIN_PASSWORD_ENV = "ZMQ_PLAIN_PASSWORD";

/** The mechanism a socket of the command runs, with what it needs (keys as Z85 text). */
export type CliSecurity =
  | { mechanism: "null" }
  | { mechanism: "curve"; server: true; secretKey: string }
  | {
    mechanism: "curve";
    server: false;
    serverKey: string;
    /** This client's secret key; none: a fresh pair is made. */
    secretKey: string | undefined;
    /** This client's public key, to check against the secret key; none: derived from it. */
    publicKey: string | undefined;
  }
  | {
    mechanism: "plain";
    /** A server accepts this one username and password; a client sends them. */
    server: boolean;
    username: string;
    password: string;
  };

/** The security options as node:util's parseArgs gives them. */
export interface SecurityValues {
  "curve-server"?: boolean;
  "curve-server-key"?: string;
  "curve-secret-key"?: string;
  "curve-public-key"?: string;
  "plain-server"?: boolean;
  "plain-user"?: string;
  "plain-password"?: string;
  "zap-domain"?: string;
}

/** The security options' names, for parseArgs and for commands that take none. */
export const SECURITY_OPTION_TYPES = {
  "curve-server": { type: "boolean" },
  "curve-server-key": { type: "string" },
  "curve-secret-key": { type: "string" },
  "curve-public-key": { type: "string" },
  "plain-server": { type: "boolean" },
  "plain-user": { type: "string" },
  "plain-password": { type: "string" },
  "zap-domain": { type: "string" },
} as const;

/** The environment variables this file reads. */
export type SecurityEnv = Record<string, string | undefined>;

/**
 * A CURVE key given as `name` (an option or a variable): 40 characters of Z85, returned as given.
 * The message of a refusal says what is wrong without repeating the text (it may be a secret).
 *
 * @example
 * ```ts
 * curveKeyArgument("--curve-server-key", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7");
 * ```
 */
export function curveKeyArgument(name: string, text: string): string {
  if (text.length !== 40) {
    throw new UsageError(
      `${name} must be a CURVE key: 40 characters of Z85, got ${text.length} characters`,
    );
  }
  try {
    z85Decode(text);
  } catch {
    throw new UsageError(
      `${name} is not Z85: a CURVE key is 40 characters of 0-9 a-z A-Z .-:+=^!/*?&<>()[]{}@%$#`,
    );
  }
  return text;
}

/** The option's value, else the variable's (each named in errors), else undefined. */
function secret(
  option: string,
  value: string | undefined,
  env: SecurityEnv,
  variable: string,
): { name: string; text: string } | undefined {
  if (value !== undefined) return { name: `--${option}`, text: value };
  const fromEnv = env[variable];
  return fromEnv === undefined || fromEnv === "" ? undefined : { name: variable, text: fromEnv };
}

const encoder = new TextEncoder();

function plainField(name: string, text: string): string {
  const bytes = encoder.encode(text).length;
  if (bytes < 1 || bytes > 255) throw new UsageError(`${name} must be 1 to 255 bytes`);
  return text;
}

/**
 * The mechanism the security options ask for; a UsageError when they do not make one.
 *
 * @example
 * ```ts
 * const s = securityFromArgs({ "curve-server": true }, { ZMQ_CURVE_SECRET_KEY: secretKey });
 * // { mechanism: "curve", server: true, secretKey }
 * ```
 */
export function securityFromArgs(values: SecurityValues, env: SecurityEnv): CliSecurity {
  const curve = values["curve-server"] === true || values["curve-server-key"] !== undefined ||
    values["curve-secret-key"] !== undefined || values["curve-public-key"] !== undefined;
  const plain = values["plain-server"] === true || values["plain-user"] !== undefined ||
    values["plain-password"] !== undefined;
  if (curve && plain) throw new UsageError("--curve-* and --plain-* options: choose one mechanism");
  if (curve) return curveFromArgs(values, env);
  if (plain) return plainFromArgs(values, env);
  return { mechanism: "null" };
}

function curveFromArgs(values: SecurityValues, env: SecurityEnv): CliSecurity {
  const key = secret("curve-secret-key", values["curve-secret-key"], env, CURVE_SECRET_KEY_ENV);
  const secretKey = key === undefined ? undefined : curveKeyArgument(key.name, key.text);
  const publicKey = values["curve-public-key"] === undefined
    ? undefined
    : curveKeyArgument("--curve-public-key", values["curve-public-key"]);
  if (values["curve-server"]) {
    if (values["curve-server-key"] !== undefined) {
      throw new UsageError("--curve-server-key is for a client, --curve-server for a server");
    }
    if (publicKey !== undefined) {
      throw new UsageError("--curve-public-key is for a client (a server's is its secret key's)");
    }
    if (secretKey === undefined) {
      throw new UsageError(
        `--curve-server needs its secret key: --curve-secret-key or ${CURVE_SECRET_KEY_ENV}`,
      );
    }
    return { mechanism: "curve", server: true, secretKey };
  }
  if (values["curve-server-key"] === undefined) {
    throw new UsageError(
      "--curve-secret-key and --curve-public-key need --curve-server (a server) or " +
        "--curve-server-key (a client)",
    );
  }
  if (publicKey !== undefined && secretKey === undefined) {
    throw new UsageError(
      `--curve-public-key needs its secret key: --curve-secret-key or ${CURVE_SECRET_KEY_ENV}`,
    );
  }
  const serverKey = curveKeyArgument("--curve-server-key", values["curve-server-key"]);
  return { mechanism: "curve", server: false, serverKey, secretKey, publicKey };
}

function plainFromArgs(values: SecurityValues, env: SecurityEnv): CliSecurity {
  const server = values["plain-server"] === true;
  const password = secret("plain-password", values["plain-password"], env, PLAIN_PASSWORD_ENV);
  const user = values["plain-user"];
  if (user === undefined || password === undefined) {
    throw new UsageError(
      `${server ? "--plain-server needs the login it accepts" : "a PLAIN client needs"}: ` +
        `--plain-user and --plain-password (or ${PLAIN_PASSWORD_ENV})`,
    );
  }
  return {
    mechanism: "plain",
    server,
    username: plainField("--plain-user", user),
    password: plainField(password.name, password.text),
  };
}
