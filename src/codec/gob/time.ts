import { UnsupportedValueError } from './errors.js';
import type { DecType } from './type-table.js';

/** Seconds from 0001-01-01 (Go's internal epoch) to 1970-01-01. */
const UNIX_TO_INTERNAL = 62135596800;
const MAX_DATE_MS = 8.64e15;

/**
 * decodeGoTime turns the bytes of Go's time.Time.MarshalBinary (version 1,
 * 15 bytes, or version 2, 16 bytes) into a Date. Nanoseconds below the
 * millisecond and the zone offset are dropped (a Date is UTC milliseconds).
 * It returns null when the bytes are not that layout, and undefined when
 * the time is outside Date's range.
 */
export function decodeGoTime(b: Uint8Array): Date | null | undefined {
  const version = b[0];
  if (!((version === 1 && b.length === 15) || (version === 2 && b.length === 16))) return null;
  const hi = ((b[1]! << 24) | (b[2]! << 16) | (b[3]! << 8) | b[4]!) | 0;
  const lo = ((b[5]! << 24) | (b[6]! << 16) | (b[7]! << 8) | b[8]!) >>> 0;
  const nsec = ((b[9]! << 24) | (b[10]! << 16) | (b[11]! << 8) | b[12]!) >>> 0;
  if (nsec >= 1e9) return null;
  const sec = hi * 4294967296 + lo - UNIX_TO_INTERNAL;
  const ms = sec * 1000 + Math.floor(nsec / 1e6);
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return undefined;
  return new Date(ms);
}

/**
 * isPlausibleGoTime reports whether `b` has the layout of time.Time's
 * MarshalBinary with a zone offset Go can produce (UTC, or within a day),
 * for payloads that arrive without a type name to say they are times.
 */
export function isPlausibleGoTime(b: Uint8Array): boolean {
  const version = b[0];
  if (!((version === 1 && b.length === 15) || (version === 2 && b.length === 16))) return false;
  const offsetMin = ((b[13]! << 24) >> 16) | b[14]!;
  if (offsetMin !== -1 && Math.abs(offsetMin) > 24 * 60) return false;
  if (version === 2 && Math.abs((b[15]! << 24) >> 24) > 59) return false;
  return true;
}

/** zeroGoTime is Go's zero time.Time, 0001-01-01T00:00:00Z, as a Date. */
export function zeroGoTime(): Date {
  return new Date(-UNIX_TO_INTERNAL * 1000);
}

/**
 * encodeGoTime returns the MarshalBinary bytes (version 1, UTC) of a Date,
 * or null when the Date is invalid.
 */
export function encodeGoTime(d: Date): Uint8Array | null {
  const ms = d.getTime();
  if (Number.isNaN(ms)) return null;
  const msInSec = ((ms % 1000) + 1000) % 1000;
  const sec = (ms - msInSec) / 1000 + UNIX_TO_INTERNAL;
  const nsec = msInSec * 1e6;
  const out = new Uint8Array(15);
  out[0] = 1;
  const hi = Math.floor(sec / 4294967296);
  const lo = sec - hi * 4294967296;
  const view = new DataView(out.buffer);
  view.setInt32(1, hi);
  view.setUint32(5, lo);
  view.setUint32(9, nsec);
  view.setInt16(13, -1);
  return out;
}

/**
 * decodeExternal turns the bytes of a GobEncoder/BinaryMarshaler value into
 * what netrpc decodes it to: a Date for time.Time (a type named Time, or an
 * unnamed one whose bytes are a plausible time.Time), its bytes otherwise.
 * A time.Time outside Date's range is an UnsupportedValueError.
 */
export function decodeExternal(t: DecType, bytes: Uint8Array): unknown {
  if (t.maybeTime) return (isPlausibleGoTime(bytes) && decodeGoTime(bytes)) || bytes;
  if (!t.isTime) return bytes;
  const date = decodeGoTime(bytes);
  if (date === null) return bytes;
  if (date === undefined) throw new UnsupportedValueError('rpc: gob: time outside the range of a JavaScript Date');
  return date;
}
