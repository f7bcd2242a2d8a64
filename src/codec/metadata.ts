/**
 * ZMTP metadata properties (RFC 23 §"The NULL Security Mechanism"):
 * `name-length(1) name value-length(4, big-endian) value`, repeated.
 *
 * @module
 */

/** Malformed metadata from the peer. */
export class MetadataError extends Error {
  override name = "MetadataError";
}

/** Property name to raw value. Names are kept as sent (libzmq compares them case-sensitively). */
export type Metadata = Record<string, Uint8Array>;

/**
 * Encodes properties in the order given.
 *
 * @example
 * ```ts
 * const bytes = encodeMetadata({ "Socket-Type": new TextEncoder().encode("PAIR") });
 * console.assert(bytes.length === 1 + 11 + 4 + 4);
 * ```
 */
export function encodeMetadata(props: Metadata): Uint8Array {
  let size = 0;
  for (const [name, value] of Object.entries(props)) {
    if (name.length === 0 || name.length > 255) {
      throw new RangeError(`metadata name must be 1-255 characters, got "${name}"`);
    }
    size += 1 + name.length + 4 + value.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const [name, value] of Object.entries(props)) {
    out[at++] = name.length;
    for (let i = 0; i < name.length; i++) out[at++] = name.charCodeAt(i);
    new DataView(out.buffer, out.byteOffset).setUint32(at, value.length);
    at += 4;
    out.set(value, at);
    at += value.length;
  }
  return out;
}

/**
 * Decodes properties; throws {@link MetadataError} on an empty name or a truncated property.
 *
 * @example
 * ```ts
 * const props = decodeMetadata(encodeMetadata({ Identity: new Uint8Array([1]) }));
 * console.assert(props["Identity"]?.[0] === 1);
 * ```
 */
export function decodeMetadata(data: Uint8Array): Metadata {
  // No prototype: a peer may send any name, "__proto__" included.
  const props: Metadata = Object.create(null);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  while (at < data.length) {
    const nameLen = data[at]!;
    if (nameLen === 0) throw new MetadataError("property name is empty");
    if (at + 1 + nameLen + 4 > data.length) throw new MetadataError("property is truncated");
    let name = "";
    for (let i = 0; i < nameLen; i++) name += String.fromCharCode(data[at + 1 + i]!);
    at += 1 + nameLen;
    const valueLen = view.getUint32(at);
    at += 4;
    if (at + valueLen > data.length) throw new MetadataError(`value of "${name}" is truncated`);
    props[name] = data.subarray(at, at + valueLen);
    at += valueLen;
  }
  return props;
}
