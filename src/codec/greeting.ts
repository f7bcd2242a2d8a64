/**
 * The ZMTP 3.x greeting (RFC 23 §"Greeting", RFC 37): 64 bytes each way.
 *
 * We announce 3.1 and send all 64 bytes at once; the peer's greeting is read
 * incrementally because libzmq sends its own in stages (10, 1, then 53 bytes)
 * and only after it has seen ours.
 *
 * @module
 */

/** Length of a ZMTP 3.x greeting in bytes. */
export const GREETING_SIZE = 64;

/** What a complete, acceptable peer greeting tells us. */
export interface PeerGreeting {
  major: number;
  minor: number;
  mechanism: string;
  asServer: boolean;
}

/**
 * Builds our 64-byte greeting.
 *
 * Bytes 1-8 are padding; we write `00..01` as libzmq does, although no peer
 * may validate them.
 *
 * @example
 * ```ts
 * const g = encodeGreeting("NULL");
 * console.assert(g.length === 64 && g[10] === 3 && g[11] === 1);
 * ```
 */
export function encodeGreeting(mechanism: string, asServer = false): Uint8Array {
  if (mechanism.length === 0 || mechanism.length > 20) {
    throw new RangeError(`mechanism name must be 1-20 characters, got "${mechanism}"`);
  }
  const g = new Uint8Array(GREETING_SIZE);
  g[0] = 0xff;
  g[8] = 0x01;
  g[9] = 0x7f;
  g[10] = 3;
  g[11] = 1;
  for (let i = 0; i < mechanism.length; i++) g[12 + i] = mechanism.charCodeAt(i);
  g[32] = asServer ? 1 : 0;
  return g;
}

/** Why a peer's greeting was refused. */
export class GreetingError extends Error {
  override name = "GreetingError";
}

/**
 * Checks as much of a peer's greeting as has arrived, so that a foreign
 * protocol (an HTTP request, random bytes) is refused on its first byte
 * instead of after 64.
 *
 * Throws {@link GreetingError} when the bytes cannot begin a ZMTP 3.x greeting.
 * Returns the parsed greeting once all 64 bytes are present, else `undefined`.
 *
 * @example
 * ```ts
 * const peer = encodeGreeting("NULL");
 * console.assert(checkGreeting(peer.subarray(0, 10)) === undefined);
 * console.assert(checkGreeting(peer)?.mechanism === "NULL");
 * ```
 */
export function checkGreeting(bytes: Uint8Array): PeerGreeting | undefined {
  const n = bytes.length;
  if (n >= 1 && bytes[0] !== 0xff) {
    throw new GreetingError("not a ZMTP peer: first byte is not 0xFF");
  }
  if (n >= 10 && (bytes[9]! & 1) === 0) {
    throw new GreetingError("ZMTP 1.0 peer (unversioned) is not supported");
  }
  if (n >= 11 && bytes[10]! < 3) {
    throw new GreetingError(`ZMTP ${bytes[10]}.x peer is not supported; 3.0 or later required`);
  }
  if (n < GREETING_SIZE) return undefined;
  let end = 12;
  while (end < 32 && bytes[end] !== 0) end++;
  let mechanism = "";
  for (let i = 12; i < end; i++) mechanism += String.fromCharCode(bytes[i]!);
  for (let i = end; i < 32; i++) {
    if (bytes[i] !== 0) throw new GreetingError("malformed mechanism name in greeting");
  }
  return { major: bytes[10]!, minor: bytes[11]!, mechanism, asServer: bytes[32] === 1 };
}
