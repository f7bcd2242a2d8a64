/**
 * Z85 (RFC 32): bytes as printable text, four bytes to five characters. CURVE keys travel as
 * 40-character Z85 strings. The rules on lengths are the RFC's: text to encode must be a
 * multiple of 4 bytes, text to decode a multiple of 5 characters; a character outside the
 * alphabet, or a group worth more than 2^32 - 1, is refused (as libzmq refuses them).
 *
 * @module
 */

const ALPHABET =
  "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/** Character code to digit value, -1 for a code outside the alphabet. */
const DIGITS = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGITS[ALPHABET.charCodeAt(i)] = i;

/**
 * Encodes bytes as Z85 text. The length must be a multiple of 4 (RangeError otherwise).
 *
 * @example
 * ```ts
 * const text = z85Encode(new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]));
 * console.assert(text === "HelloWorld");
 * ```
 */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) {
    throw new RangeError(`Z85 encodes a multiple of 4 bytes, got ${bytes.length}`);
  }
  let out = "";
  for (let i = 0; i < bytes.length; i += 4) {
    let value = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) |
      bytes[i + 3]!) >>> 0;
    const group = new Array<string>(5);
    for (let j = 4; j >= 0; j--) {
      group[j] = ALPHABET[value % 85]!;
      value = Math.floor(value / 85);
    }
    out += group.join("");
  }
  return out;
}

/**
 * Decodes Z85 text. The length must be a multiple of 5, every character in the alphabet, and no
 * group worth more than 2^32 - 1 (RangeError otherwise; the message never repeats the text, which
 * may be a secret key).
 *
 * @example
 * ```ts
 * const bytes = z85Decode("HelloWorld");
 * console.assert(bytes.length === 8 && bytes[0] === 0x86);
 * ```
 */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0) {
    throw new RangeError(`Z85 decodes a multiple of 5 characters, got ${text.length}`);
  }
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0;
    for (let j = 0; j < 5; j++) {
      const code = text.charCodeAt(i + j);
      const digit = code < 128 ? DIGITS[code]! : -1;
      if (digit < 0) {
        throw new RangeError(`Z85 text has a character outside the alphabet at ${i + j}`);
      }
      value = value * 85 + digit;
    }
    if (value > 0xffff_ffff) throw new RangeError(`Z85 group at ${i} is worth more than 2^32 - 1`);
    out[o] = value >>> 24;
    out[o + 1] = (value >>> 16) & 0xff;
    out[o + 2] = (value >>> 8) & 0xff;
    out[o + 3] = value & 0xff;
  }
  return out;
}
