import { parseDuration } from './duration.js';
import { parseSize } from './size.js';
import { UsageError } from './command-line.js';

/** The longest delay Node's timers keep (2^31 - 1 ms); a longer one would fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * durationFlag reads the value of a duration flag in Go's grammar
 * (`250ms`, `1m30s`, `1.5h`, `300us`, `0`) and returns milliseconds.
 * Throws UsageError for text Go refuses, for a negative duration, and for
 * one longer than Node's timers keep (596h31m23.647s).
 */
export function durationFlag(flag: string, text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (err) {
    throw new UsageError(`--${flag}: ${(err as Error).message}; want a duration such as 500ms, 10s, 1m30s`);
  }
  if (ms < 0) throw new UsageError(`--${flag}: negative duration ${JSON.stringify(text)}; want 0 or more`);
  if (ms > MAX_TIMER_MS) throw new UsageError(`--${flag}: duration ${JSON.stringify(text)} is too long; at most 596h31m23.647s`);
  return ms;
}

/**
 * sizeFlag reads the value of a size flag: bytes (`65536`) or a number
 * with a unit (`512KiB`, `1MiB`, `64MB`). Throws UsageError for anything
 * else and for 0.
 */
export function sizeFlag(flag: string, text: string): number {
  let bytes: number;
  try {
    bytes = parseSize(text);
  } catch (err) {
    throw new UsageError(`--${flag}: ${(err as Error).message}`);
  }
  if (bytes === 0) throw new UsageError(`--${flag}: size must be more than 0 bytes`);
  return bytes;
}

/** positiveIntegerFlag reads a flag that counts things (connections, calls): a whole number of at least 1. */
export function positiveIntegerFlag(flag: string, text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${flag}: invalid value ${JSON.stringify(text)}; want a positive integer`);
  return n;
}
