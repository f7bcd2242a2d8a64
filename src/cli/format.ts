/**
 * How the `zmq` command writes a message on one line, and reads one back: `text` (frames as
 * UTF-8, separated by a tab), `hex` (each frame in hex, separated by a tab) or `json` (an array
 * with a string per frame, or `{"hex": "..."}` for a frame that is not UTF-8). Pure functions.
 *
 * @module
 */

/** The line formats of the `zmq` command. */
export type LineFormat = "text" | "hex" | "json";

/** The formats, in the order `--help` lists them. */
export const LINE_FORMATS: readonly LineFormat[] = ["text", "hex", "json"];

const encoder = new TextEncoder();
const lossy = new TextDecoder();
const strict = new TextDecoder("utf-8", { fatal: true });

function toHex(frame: Uint8Array): string {
  let out = "";
  for (const b of frame) out += b.toString(16).padStart(2, "0");
  return out;
}

function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new SyntaxError(`not hex: "${text}" (two hex digits per byte)`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function frameToJson(frame: Uint8Array): string | { hex: string } {
  try {
    return strict.decode(frame);
  } catch {
    return { hex: toHex(frame) };
  }
}

function frameFromJson(value: unknown): Uint8Array {
  if (typeof value === "string") return encoder.encode(value);
  if (
    typeof value === "object" && value !== null && typeof (value as { hex?: unknown }).hex ===
      "string"
  ) {
    return fromHex((value as { hex: string }).hex);
  }
  throw new SyntaxError(`a JSON frame is a string or {"hex": "..."}, got ${JSON.stringify(value)}`);
}

/**
 * One message as one line (without the newline).
 *
 * @example
 * ```ts
 * formatMessage([new TextEncoder().encode("a"), new Uint8Array([255])], "hex"); // "61\tff"
 * ```
 */
export function formatMessage(frames: Uint8Array[], format: LineFormat): string {
  switch (format) {
    case "text":
      return frames.map((f) => lossy.decode(f)).join("\t");
    case "hex":
      return frames.map(toHex).join("\t");
    case "json":
      return JSON.stringify(frames.map(frameToJson));
  }
}

/**
 * One line (without the newline) as a message's frames; throws a SyntaxError saying what is wrong.
 * In `json`, a lone string is a one-frame message.
 *
 * @example
 * ```ts
 * parseMessage("topic\tbody", "text"); // two frames
 * parseMessage('["topic", {"hex": "00ff"}]', "json"); // two frames
 * ```
 */
export function parseMessage(line: string, format: LineFormat): Uint8Array[] {
  switch (format) {
    case "text":
      return line.split("\t").map((part) => encoder.encode(part));
    case "hex":
      return line.split("\t").map(fromHex);
    case "json": {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        throw new SyntaxError(`not JSON: ${line} (${(e as Error).message})`);
      }
      if (!Array.isArray(value)) return [frameFromJson(value)];
      if (value.length === 0) throw new SyntaxError("a message needs at least one frame");
      return value.map(frameFromJson);
    }
  }
}
