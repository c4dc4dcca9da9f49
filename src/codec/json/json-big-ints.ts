import { randomBytes } from 'node:crypto';

/** A prefix no decoded user string has by chance (fresh per process), as JSON text and decoded. */
const MARKER_ID = `int-${randomBytes(6).toString('hex')}:`;
const MARKER_JSON = `\\u0000${MARKER_ID}`;
const MARKER = `\u0000${MARKER_ID}`;

/** Sixteen digits in a row: the shortest run that can be an integer beyond 2^53. */
const LONG_DIGITS = /\d{16}/;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === MINUS || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

/**
 * markBigInts rewrites every integer literal outside strings whose value is
 * not a safe JavaScript integer into a marked string, in one pass over the
 * text; it returns undefined when there is none.
 */
function markBigInts(text: string): string | undefined {
  let out: string[] | undefined;
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
      i++;
      continue;
    }
    if (!isNumberChar(c)) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isNumberChar(text.charCodeAt(i))) i++;
    const token = text.slice(start, i);
    if (/^-?\d{16,}$/.test(token) && !Number.isSafeInteger(Number(token))) {
      out ??= [];
      out.push(text.slice(copied, start), `"${MARKER_JSON}${token}"`);
      copied = i;
    }
  }
  if (!out) return undefined;
  out.push(text.slice(copied));
  return out.join('');
}

function reviveBigInt(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.startsWith(MARKER) ? BigInt(value.slice(MARKER.length)) : value;
}

/**
 * parseGoJson is JSON.parse that keeps every digit of integers: one that is
 * not a safe JavaScript integer (beyond ±(2^53-1), as Go's int64 and
 * uint64 values can be) becomes a bigint instead of a rounded number.
 * Numbers with a fraction or exponent stay numbers, as in JSON.parse. Text
 * without a run of 16 digits takes JSON.parse's own path; other text costs
 * one more pass. Throws what JSON.parse throws.
 */
export function parseGoJson(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  const marked = markBigInts(text);
  if (marked === undefined) return JSON.parse(text);
  try {
    return JSON.parse(marked, reviveBigInt);
  } catch {
    return JSON.parse(text); // the same failure, with positions in the text as given
  }
}
