import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceImpl } from '../contract/contract.js';
import type { CallContext } from '../call-context.js';
import type { EchoContract } from './contracts.js';

/**
 * Echo implements EchoContract: it returns what it gets, upper-cases
 * strings, waits, and fails on request.
 */
export class Echo implements ServiceImpl<typeof EchoContract> {
  /** Echo returns its argument unchanged. */
  Echo(x: unknown): unknown {
    return x;
  }

  /** Upper returns the string in upper case. */
  Upper(s: string): string {
    return s.toUpperCase();
  }

  /** Sleep waits `ms` milliseconds (stopping early if the connection drops) and returns `ms`. */
  async Sleep(ms: number, ctx: CallContext): Promise<number> {
    await sleep(ms, undefined, { signal: ctx.signal });
    return ms;
  }

  /** Fail always fails with `failed: <msg>`. */
  Fail(msg: string): never {
    throw new Error(`failed: ${msg}`);
  }
}
