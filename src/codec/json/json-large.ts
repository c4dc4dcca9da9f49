import { randomBytes } from 'node:crypto';
import { isPlainJson, stringifyGoJson } from './json-values.js';

/**
 * Messages holding large strings or byte arrays (a `[]byte` travels as a
 * base64 string) are written as parts: the JSON text around each large
 * value, and the value's bytes on their own. JSON.stringify would scan such
 * a string for characters to escape, copy it into the message text and the
 * text would be encoded to UTF-8 once more; a base64 string never needs
 * escaping, and a printable ASCII string without `"` or `\` is written by
 * JSON.stringify exactly as it is, so neither goes through it.
 */

/** LARGE_TEXT is the string (or byte array) size from which a value is written as its own part. */
export const LARGE_TEXT = 64 * 1024;

/** Stands in for a large value in the text: a quoted marker no user string produces by chance (fresh per process). */
const MARKER = `\u0000large-${randomBytes(6).toString('hex')}:`;
/** The marker as JSON.stringify writes it (the NUL escaped), with its opening quote. */
const MARKER_TEXT = JSON.stringify(MARKER).slice(0, -1);
const QUOTE = 0x22, BACKSLASH = 0x5c;

/**
 * hasControl reports whether ASCII bytes hold a control character (below
 * 0x20), four bytes at a time: adding 0x60 to an ASCII byte sets its top
 * bit exactly when the byte is 0x20 or more, and carries into no other byte.
 */
function hasControl(ascii: Uint8Array): boolean {
  const head = Math.min(ascii.length, (4 - (ascii.byteOffset & 3)) & 3);
  for (let i = 0; i < head; i++) if (ascii[i]! < 0x20) return true;
  const words = new Uint32Array(ascii.buffer, ascii.byteOffset + head, (ascii.length - head) >> 2);
  for (let i = 0; i < words.length; i++) {
    if (((words[i]! + 0x60606060) & 0x80808080) !== (0x80808080 | 0)) return true;
  }
  for (let i = head + words.length * 4; i < ascii.length; i++) if (ascii[i]! < 0x20) return true;
  return false;
}

/**
 * largeText returns the JSON text (without quotes) of `v`, as bytes, when it
 * is worth writing as its own part, or undefined: base64 for a large byte
 * array, the string itself for a large string of printable ASCII without
 * `"` or `\` (what JSON.stringify writes unchanged).
 */
function largeText(own: unknown, v: unknown): Uint8Array | undefined {
  if (own instanceof Uint8Array) {
    if (own.length < LARGE_TEXT) return undefined;
    return Buffer.from(Buffer.from(own.buffer, own.byteOffset, own.byteLength).toString('base64'), 'latin1');
  }
  if (typeof v !== 'string' || v.length < LARGE_TEXT) return undefined;
  // Every character ASCII: one UTF-8 byte each, so latin1 writes them unchanged.
  if (Buffer.byteLength(v) !== v.length) return undefined;
  const bytes = Buffer.from(v, 'latin1');
  if (bytes.indexOf(QUOTE) >= 0 || bytes.indexOf(BACKSLASH) >= 0 || hasControl(bytes)) return undefined;
  return bytes;
}

/**
 * encodeJsonLine serialises `message` as stringifyGoJson does, followed by
 * a newline (Go's json.Encoder ends each message so), as one buffer or, when
 * it holds large values (see LARGE_TEXT), as consecutive parts. The bytes
 * are the same either way. Throws what stringifyGoJson throws.
 */
export function encodeJsonLine(message: unknown): Uint8Array | Uint8Array[] {
  if (isPlainJson(message, LARGE_TEXT)) return Buffer.from(JSON.stringify(message) + '\n');
  const large: Uint8Array[] = [];
  const text = stringifyGoJson(message, undefined, (own, v) => {
    const t = largeText(own, v);
    if (t === undefined) return undefined;
    large.push(t);
    return MARKER + (large.length - 1);
  });
  if (large.length === 0) return Buffer.from(text + '\n');
  const parts: Uint8Array[] = [];
  let pos = 0;
  for (let i = 0; i < large.length; i++) {
    const placeholder = `${MARKER_TEXT}${i}"`;
    const at = text.indexOf(placeholder, pos);
    parts.push(Buffer.from(text.slice(pos, at + 1)), large[i]!);
    pos = at + placeholder.length - 1;
  }
  parts.push(Buffer.from(text.slice(pos) + '\n'));
  return parts;
}
