import { randomBytes } from 'node:crypto';

/** A prefix no decoded JSON string starts with by chance; fresh per process. */
const MARKER = `\u0000int-${randomBytes(6).toString('hex')}:`;
const MARKER_JSON = JSON.stringify(MARKER).slice(1, -1);

/** Integer literals this long or longer may be beyond 2^53 (MAX_SAFE_INTEGER has 16 digits). */
export const LONG_DIGITS = 16;

const ZERO = 0x30, NINE = 0x39, QUOTE = 0x22, BACKSLASH = 0x5c, MINUS = 0x2d;
const DOT = 0x2e, E_LOWER = 0x65, E_UPPER = 0x45;

/**
 * hasLongDigits reports whether `text` has a run of LONG_DIGITS or more
 * digits outside its strings: only then can JSON.parse round an integer.
 */
export function hasLongDigits(text: string): boolean {
  let run = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c >= ZERO && c <= NINE) {
      if (++run >= LONG_DIGITS) return true;
      continue;
    } else if (c === QUOTE) {
      inString = true;
    }
    run = 0;
  }
  return false;
}

/**
 * parseJsonLossless is JSON.parse that keeps every digit of integers
 * beyond ±(2^53-1): they become bigints (as Go's int64/uint64 sends them);
 * every other number is a number, as JSON.parse gives it. Numbers with a
 * fraction or an exponent stay numbers. It is slower than JSON.parse (a
 * scan and a reviver): callers take it only when the text has a long digit
 * run (see hasLongDigits, or the JSON codec's measure pass). Throws
 * JSON.parse's SyntaxError for bad JSON.
 */
export function parseJsonLossless(text: string): unknown {
  let out = '';
  let copied = 0;
  let inString = false;
  let found = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) {
      inString = true;
      continue;
    }
    if (c !== MINUS && (c < ZERO || c > NINE)) continue;
    const start = i;
    if (c === MINUS) i++;
    while (i < text.length && text.charCodeAt(i) >= ZERO && text.charCodeAt(i) <= NINE) i++;
    const next = i < text.length ? text.charCodeAt(i) : 0;
    const integer = next !== DOT && next !== E_LOWER && next !== E_UPPER;
    const literal = text.slice(start, i);
    if (integer && i - start >= LONG_DIGITS && !Number.isSafeInteger(Number(literal))) {
      out += text.slice(copied, start) + `"${MARKER_JSON}${literal}"`;
      copied = i;
      found = true;
    }
    // Skip the rest of a non-integer number (fraction, exponent).
    while (i < text.length && /[0-9.eE+-]/.test(text[i]!)) i++;
    i--;
  }
  if (!found) return JSON.parse(text);
  out += text.slice(copied);
  try {
    return JSON.parse(out, function revive(_key, v: unknown) {
      return typeof v === 'string' && v.startsWith(MARKER) ? BigInt(v.slice(MARKER.length)) : v;
    });
  } catch (err) {
    // Report the error at its place in the text given, not in the rewritten one.
    JSON.parse(text);
    throw err;
  }
}
