import { randomBytes } from 'node:crypto';

/** A marker no user string will contain by chance; fresh per process. */
const BIGINT_MARKER = `\u0000bigint-${randomBytes(6).toString('hex')}:`;
const BIGINT_PATTERN = new RegExp(`"\\\\u0000bigint-${BIGINT_MARKER.slice(8, 20)}:(-?\\d+)"`, 'g');

/**
 * Substitute may replace a value (`own` as held, `v` after toJSON) with a
 * string written in its place; undefined keeps the value.
 */
export type Substitute = (own: unknown, v: unknown) => string | undefined;

/**
 * stringifyGoJson serialises a value the way Go's encoding/json would read
 * it: every Uint8Array (a Buffer too) as base64 (Go's []byte), Map as an
 * object, a GoTime as Go writes its time.Time (RFC 3339 with nanoseconds
 * and offset), a plain Date as RFC 3339 UTC milliseconds, -0 as `-0` (Go
 * keeps it), and bigint as a bare JSON number with every digit kept (Go's
 * int64/uint64). `space` indents as in
 * JSON.stringify; `substitute` may stand in for values (see Substitute). Throws what JSON.stringify throws (for example on cycles).
 */
export function stringifyGoJson(value: unknown, space?: number, substitute?: Substitute): string {
  let sawBigint = false;
  const text = JSON.stringify(value, function replace(this: unknown, key: string, v: unknown): unknown {
    if (typeof v === 'bigint' || Object.is(v, -0)) {
      sawBigint = true;
      return BIGINT_MARKER + (typeof v === 'bigint' ? v.toString() : '-0');
    }
    // JSON.stringify calls toJSON before the replacer (a Buffer's gives
    // {"type":"Buffer","data":[...]}): look at the value itself.
    const own = (this as Record<string, unknown>)[key];
    if (substitute !== undefined) {
      const stand = substitute(own, v);
      if (stand !== undefined) return stand;
    }
    if (own instanceof Uint8Array) return Buffer.from(own.buffer, own.byteOffset, own.byteLength).toString('base64');
    if (v instanceof Map) return Object.fromEntries(v);
    return v;
  }, space);
  return sawBigint ? text.replace(BIGINT_PATTERN, '$1') : text;
}

/** Nesting beyond which isPlainJson gives up (and stringifyGoJson's replacer does the work, cycles included). */
const PLAIN_DEPTH = 64;

/**
 * isPlainJson reports whether JSON.stringify writes `value` exactly as
 * stringifyGoJson does, so the replacer (which makes JSON.stringify several
 * times slower) can be skipped: no bigint, no -0, no Uint8Array or Map, no
 * object with its own toJSON (a Date's is the same either way), no string
 * of `largeString` characters or more, nothing nested deeper than 64 levels.
 */
export function isPlainJson(value: unknown, largeString = Infinity, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
      return value.length < largeString;
    case 'number':
      return !Object.is(value, -0);
    case 'bigint':
      return false;
    case 'object':
      break;
    default:
      return true;
  }
  if (value === null) return true;
  if (depth >= PLAIN_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], largeString, depth + 1)) return false;
    return true;
  }
  if (value instanceof Date) return true;
  if (value instanceof Uint8Array || value instanceof Map || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!isPlainJson(obj[key], largeString, depth + 1)) return false;
  return true;
}
