/**
 * Random ids for contexts, threads and links.
 *
 * @module
 */

/**
 * A random UUID-shaped id. `crypto.randomUUID` exists only in secure contexts (https, localhost),
 * so a page served over plain http from another host falls back to `getRandomValues`, which
 * exists everywhere.
 *
 * @example
 * ```ts
 * console.assert(randomId().length === 36);
 * ```
 */
export function randomId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
