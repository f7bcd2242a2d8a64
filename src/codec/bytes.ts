/**
 * Byte helpers shared by the engine and the mechanisms.
 *
 * @module
 */

/**
 * The parts, one after the other, in a new array.
 *
 * @example
 * ```ts
 * const b = concat(new Uint8Array([1]), new Uint8Array([2, 3]));
 * console.assert(b.length === 3 && b[2] === 3);
 * ```
 */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}
