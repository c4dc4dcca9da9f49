/**
 * Polling with a deadline, for conditions that no event announces (a pool's
 * health, a handler having run, a process having exited).
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** PollOptions tune {@link waitFor} and {@link waitForValue}. */
export interface PollOptions {
  /** What is awaited, for the timeout's message (lazily, when a function). */
  readonly what?: string | (() => string);
  /** Time between two checks, in ms: 10 by default. */
  readonly everyMs?: number;
  /** Treat a check that throws (or rejects) as "not yet", and name the last error on timeout. */
  readonly retryErrors?: boolean;
}

/**
 * waitForValue calls `find` until it returns something other than
 * undefined and resolves with that, or rejects once `ms` have passed.
 * A throwing `find` fails the wait at once unless `retryErrors` is set.
 */
export async function waitForValue<T>(find: () => T | undefined | Promise<T | undefined>, ms = 5000, options: PollOptions = {}): Promise<T> {
  const { what, everyMs = 10, retryErrors = false } = options;
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await find();
      if (value !== undefined) return value;
    } catch (err) {
      if (!retryErrors) throw err;
      last = err;
    }
    if (Date.now() > end) {
      const name = typeof what === 'function' ? what() : what;
      throw new Error(`not within ${ms} ms: ${name ?? 'condition not met'}${last === undefined ? '' : ` (last error: ${String(last)})`}`);
    }
    await sleep(everyMs);
  }
}

/** waitFor polls `predicate` until it holds, or rejects once `ms` have passed (see {@link waitForValue}). */
export async function waitFor(predicate: () => boolean | Promise<boolean>, ms = 5000, options: PollOptions = {}): Promise<void> {
  await waitForValue(async () => ((await predicate()) ? true : undefined), ms, options);
}
