import { setTimeout as sleep } from 'node:timers/promises';
import type { CallContext } from '../server/call-context.js';

/**
 * Echo is a demo service for trying clients and codecs: it returns what it
 * gets, transforms strings, waits, and fails on request.
 */
export class Echo {
  /** Echo returns its argument unchanged. */
  Echo(x: unknown): unknown {
    return x;
  }

  /** Upper returns the string in upper case. */
  Upper(s: string): string {
    if (typeof s !== 'string') throw new Error(`Upper wants a string, got ${typeof s}`);
    return s.toUpperCase();
  }

  /** Sleep waits `ms` milliseconds (stopping early if the connection drops) and returns `ms`. */
  async Sleep(ms: number, ctx: CallContext): Promise<number> {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new Error(`Sleep wants a non-negative number of milliseconds, got ${String(ms)}`);
    await sleep(ms, undefined, { signal: ctx.signal });
    return ms;
  }

  /** Fail always fails with `failed: <msg>`. */
  Fail(msg: string): never {
    throw new Error(`failed: ${msg}`);
  }
}
