import { UnsupportedValueError } from './errors.js';
import { GoTime, UNIX_TO_INTERNAL } from '../go-time.js';
import type { DecType } from './type-table.js';

const MAX_DATE_MS = 8.64e15;

/**
 * decodeGoTime turns the bytes of Go's time.Time.MarshalBinary (version 1,
 * 15 bytes, or version 2, 16 bytes, whose last byte adds seconds to the
 * offset) into a GoTime with its nanoseconds and zone offset (offset -1
 * minute is UTC). It returns null when the bytes are not that layout, and
 * undefined when the time is outside Date's range.
 */
export function decodeGoTime(b: Uint8Array): GoTime | null | undefined {
  const version = b[0];
  if (!((version === 1 && b.length === 15) || (version === 2 && b.length === 16))) return null;
  const hi = ((b[1]! << 24) | (b[2]! << 16) | (b[3]! << 8) | b[4]!) | 0;
  const lo = ((b[5]! << 24) | (b[6]! << 16) | (b[7]! << 8) | b[8]!) >>> 0;
  const nsec = ((b[9]! << 24) | (b[10]! << 16) | (b[11]! << 8) | b[12]!) >>> 0;
  if (nsec >= 1e9) return null;
  const offsetMin = ((b[13]! << 24) >> 16) | b[14]!;
  let offset: number | null = offsetMin === -1 ? null : offsetMin * 60;
  if (version === 2 && offset !== null) offset += (b[15]! << 24) >> 24;
  const sec = hi * 4294967296 + lo - UNIX_TO_INTERNAL;
  if (!(Math.abs(sec * 1000 + Math.floor(nsec / 1e6)) <= MAX_DATE_MS)) return undefined;
  return new GoTime(sec, nsec, offset);
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

/** zeroGoTime is Go's zero time.Time, 0001-01-01T00:00:00Z, as a GoTime. */
export function zeroGoTime(): GoTime {
  return new GoTime(-UNIX_TO_INTERNAL, 0, null);
}

/**
 * isZeroTime reports whether `v` is Go's zero time.Time (0001-01-01 UTC,
 * no nanoseconds), which Go leaves out of a struct like any zero field.
 */
export function isZeroTime(v: unknown): boolean {
  if (!(v instanceof Date) || v.getTime() !== -UNIX_TO_INTERNAL * 1000) return false;
  return !(v instanceof GoTime) || !v.exact || (v.nanosecond === 0 && v.offset === null);
}

/**
 * encodeGoTime returns the MarshalBinary bytes of a time: a GoTime with
 * its nanoseconds and offset (version 2 when the offset has seconds, as Go
 * writes it), a plain Date as UTC milliseconds. Null when the Date is invalid.
 */
export function encodeGoTime(d: Date): Uint8Array | null {
  if (Number.isNaN(d.getTime())) return null;
  const t = d instanceof GoTime && d.exact ? d : GoTime.fromDate(new Date(d.getTime()));
  const sec = t.unixSeconds + UNIX_TO_INTERNAL;
  const offset = t.offset;
  const seconds = offset === null ? 0 : offset % 60;
  const out = new Uint8Array(seconds === 0 ? 15 : 16);
  out[0] = seconds === 0 ? 1 : 2;
  const hi = Math.floor(sec / 4294967296);
  const lo = sec - hi * 4294967296;
  const view = new DataView(out.buffer);
  view.setInt32(1, hi);
  view.setUint32(5, lo);
  view.setUint32(9, t.nanosecond);
  view.setInt16(13, offset === null ? -1 : (offset - seconds) / 60);
  if (seconds !== 0) view.setInt8(15, seconds);
  return out;
}

/**
 * decodeExternal turns the bytes of a GobEncoder/BinaryMarshaler value into
 * what netrpc decodes it to: a GoTime for time.Time (a type named Time, or an
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
