import { ErrorCode, RpcError } from '../errors.js';

/** Nanoseconds per unit, as in Go's time.ParseDuration (both spellings of the micro sign). */
const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n],
  ['\u03bcs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

/** The largest duration Go represents: 1<<63 - 1 nanoseconds (about 292 years). */
const MAX_NANOS = (1n << 63n) - 1n;

function invalid(text: string, why = 'invalid duration'): RpcError {
  return new RpcError(ErrorCode.InvalidArgument, `${why} ${JSON.stringify(text)}`);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * parseDurationNanos reads a duration in the grammar of Go's
 * `time.ParseDuration`: an optional sign, then one or more decimal numbers,
 * each with an optional fraction and a unit (`ns`, `us` or `µs`, `ms`, `s`,
 * `m`, `h`), such as `300ms`, `-1.5h` or `2h45m`. A bare `0` needs no unit.
 * Returns nanoseconds. Throws RpcError (RPC_INVALID_ARGUMENT) with Go's
 * reasons (`invalid duration`, `missing unit in duration`, `unknown unit`)
 * for anything else, including values beyond Go's range.
 */
export function parseDurationNanos(text: string): bigint {
  let s = text;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid(text);
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) throw invalid(text);
    let i = 0;
    while (isDigit(s[i])) i++;
    const whole = s.slice(0, i);
    let fraction = '';
    if (s[i] === '.') {
      const start = ++i;
      while (isDigit(s[i])) i++;
      fraction = s.slice(start, i);
    }
    if (whole === '' && fraction === '') throw invalid(text);
    s = s.slice(i);
    let u = 0;
    while (u < s.length && !(s[u] === '.' || isDigit(s[u]))) u++;
    if (u === 0) throw invalid(text, 'missing unit in duration');
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = UNITS.get(unitName);
    if (unit === undefined) throw new RpcError(ErrorCode.InvalidArgument, `unknown unit ${JSON.stringify(unitName)} in duration ${JSON.stringify(text)}`);
    // Exact: whole*unit + fraction*unit / 10^len(fraction), truncated like Go's.
    const scale = 10n ** BigInt(fraction.length);
    total += BigInt(whole || '0') * unit + (BigInt(fraction || '0') * unit) / scale;
    if (total > MAX_NANOS + 1n) throw invalid(text);
  }
  if (negative) return -total;
  if (total > MAX_NANOS) throw invalid(text);
  return total;
}

/**
 * parseDuration reads a duration in Go's `time.ParseDuration` grammar (see
 * {@link parseDurationNanos}) and returns milliseconds, fractions kept
 * (`300us` is 0.3). Throws RpcError (RPC_INVALID_ARGUMENT) for text Go
 * refuses.
 */
export function parseDuration(text: string): number {
  return Number(parseDurationNanos(text)) / 1e6;
}
