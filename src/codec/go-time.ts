import { ErrorCode, RpcError } from '../errors.js';
/** Seconds from 0001-01-01 (Go's internal epoch) to 1970-01-01. */
export const UNIX_TO_INTERNAL = 62135596800;
const MAX_DATE_MS = 8.64e15;

/**
 * GoTime is a Go time.Time in JavaScript: a Date (its milliseconds) that
 * also carries what a Date cannot, so a time decoded from Go goes back to
 * Go as the identical instant:
 *
 * - `nanosecond`, the nanoseconds within the second (0..999 999 999; the
 *   Date's milliseconds are its first three digits);
 * - `offset`, the zone offset in seconds east of UTC, or null for UTC.
 *   Go's zone names are not sent by either codec and so are not kept.
 *
 * Every decoder produces GoTime for a time.Time; the encoders write its
 * nanoseconds and offset back. A plain Date is sent as UTC with millisecond
 * precision. Changing a GoTime with a Date setter (setTime, setHours…)
 * makes it a plain Date to the encoders: the nanoseconds below the
 * millisecond and the offset are then dropped.
 */
export class GoTime extends Date {
  /** The nanoseconds within the second, 0..999 999 999. */
  readonly nanosecond: number;
  /** The zone offset in seconds east of UTC, or null for UTC. */
  readonly offset: number | null;
  /** The Date value the nanoseconds belong to: a setter changing it voids them. */
  readonly #ms: number;

  /**
   * A GoTime at `unixSeconds` (an integer) plus `nanosecond`, in the zone
   * `offset` seconds east of UTC (null: UTC). Throws a RangeError when the
   * parts are not integers in range or the instant is outside a Date's range.
   */
  constructor(unixSeconds: number, nanosecond = 0, offset: number | null = null) {
    if (!Number.isSafeInteger(unixSeconds) || !Number.isInteger(nanosecond) || nanosecond < 0 || nanosecond >= 1e9) {
      throw new RpcError(ErrorCode.InvalidArgument, `GoTime: invalid time ${unixSeconds}s + ${nanosecond}ns`);
    }
    if (offset !== null && (!Number.isInteger(offset) || Math.abs(offset) > 32768 * 60)) {
      throw new RpcError(ErrorCode.InvalidArgument, `GoTime: invalid zone offset ${offset}`);
    }
    const ms = unixSeconds * 1000 + Math.floor(nanosecond / 1e6);
    if (!(Math.abs(ms) <= MAX_DATE_MS)) throw new RpcError(ErrorCode.InvalidArgument, 'GoTime: time outside the range of a JavaScript Date');
    super(ms);
    this.nanosecond = nanosecond;
    this.offset = offset;
    this.#ms = ms;
  }

  /** fromDate is the GoTime of a Date: UTC, its milliseconds as nanoseconds. A GoTime is returned as it is. */
  static fromDate(d: Date): GoTime {
    if (d instanceof GoTime) return d;
    const ms = d.getTime();
    if (Number.isNaN(ms)) throw new RpcError(ErrorCode.InvalidArgument, 'GoTime: invalid Date');
    const msInSec = ((ms % 1000) + 1000) % 1000;
    return new GoTime((ms - msInSec) / 1000, msInSec * 1e6, null);
  }

  /** unixSeconds is the whole seconds since 1970-01-01T00:00:00Z (floor). */
  get unixSeconds(): number {
    return Math.floor(this.#ms / 1000);
  }

  /** exact reports whether the nanoseconds and offset still describe the Date (no setter changed it). */
  get exact(): boolean {
    return this.getTime() === this.#ms;
  }

  /**
   * toRFC3339 writes the time as Go's time.RFC3339Nano does (what
   * encoding/json sends): the wall clock in its offset, trailing zeros of
   * the fraction dropped, `Z` for a zero offset, an offset with seconds cut
   * to minutes. Throws a RangeError for years outside 0..9999, as Go's
   * MarshalJSON refuses them.
   */
  toRFC3339(): string {
    const t = this.exact ? this : GoTime.fromDate(new Date(this.getTime()));
    const offset = t.offset ?? 0;
    const wall = new Date((t.unixSeconds + offset) * 1000);
    const year = wall.getUTCFullYear();
    if (year < 0 || year > 9999) throw new RpcError(ErrorCode.InvalidArgument, 'Time.MarshalJSON: year outside of range [0,9999]');
    const p2 = (n: number): string => String(n).padStart(2, '0');
    let s = `${String(year).padStart(4, '0')}-${p2(wall.getUTCMonth() + 1)}-${p2(wall.getUTCDate())}T${p2(wall.getUTCHours())}:${p2(wall.getUTCMinutes())}:${p2(wall.getUTCSeconds())}`;
    if (t.nanosecond !== 0) s += '.' + String(t.nanosecond).padStart(9, '0').replace(/0+$/, '');
    if (offset === 0) return s + 'Z';
    const minutes = Math.trunc(Math.abs(offset) / 60);
    return `${s}${offset < 0 ? '-' : '+'}${p2(Math.floor(minutes / 60))}:${p2(minutes % 60)}`;
  }

  /** toJSON is toRFC3339, so JSON.stringify writes a GoTime as Go's encoding/json does. */
  override toJSON(): string {
    return this.toRFC3339();
  }
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * parseRFC3339 reads a time the way Go's time.Time.UnmarshalJSON does
 * (RFC 3339 with up to nine fraction digits): `Z` gives a UTC GoTime, a
 * numeric offset keeps it. Returns undefined for any other text.
 */
export function parseRFC3339(text: string): GoTime | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(wall).getUTCDate() !== day) return undefined;
  // Date.UTC maps years 0..99 to 1900..1999: set the year again.
  const fixed = new Date(wall);
  fixed.setUTCFullYear(year);
  const nanosecond = m[7] ? Number(m[7].padEnd(9, '0')) : 0;
  let offset: number | null = null;
  if (m[8] === undefined) {
    const hh = Number(m[10]);
    const mm = Number(m[11]);
    if (hh > 23 || mm > 59) return undefined;
    offset = (m[9] === '-' ? -1 : 1) * (hh * 3600 + mm * 60);
  }
  return new GoTime(fixed.getTime() / 1000 - (offset ?? 0), nanosecond, offset);
}
