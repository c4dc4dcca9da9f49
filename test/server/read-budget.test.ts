/**
 * The server-wide read budget's accounting and policy on their own: random
 * sequences of what connections do (buffer bytes, complete frames whose
 * calls run or wait, finish calls, close), checked against its invariants:
 * the total is the sum of the shares, a connection within its allowance is
 * never held back, and once calls end every held frame gets in (no
 * deadlock). test/hostile/read-budget.test.ts drives it over real sockets.
 */
import fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { READ_ALLOWANCE_BYTES, ReadBudget } from '../../src/server/read-budget.js';
import type { ReadShare } from '../../src/server/read-budget.js';

const KIB = 1024;

/**
 * Conn is a connection as the budget sees it, doing what ServerConnection
 * does: bytes buffered, calls running, and a frame held back (its bytes
 * buffered) until the budget admits its cost.
 */
class Conn {
  readonly share: ReadShare;
  buffered = 0;
  readonly calls: number[] = [];
  /** The cost of a frame held back, or 0. */
  held = 0;
  closed = false;

  constructor(budget: ReadBudget) {
    this.share = budget.open({ pause: () => undefined }, () => this.resume());
  }

  /** frame: a complete frame of `cost` arrives; it is decoded (its call runs) unless the budget says wait. */
  frame(cost: number): void {
    if (this.held > 0) return;
    this.buffered += cost;
    this.share.setBuffered(this.buffered);
    this.held = cost;
    this.resume();
  }

  resume(): void {
    if (this.closed) return;
    if (this.held > 0) {
      if (!this.share.mayTake(this.held)) return this.share.pause(this.held);
      this.buffered -= this.held;
      this.share.setBuffered(this.buffered);
      this.calls.push(this.held);
      this.share.chargeCall(this.held);
      this.held = 0;
    }
    if (!this.share.mayTake(0)) this.share.pause(0);
  }

  buffer(bytes: number): void {
    if (this.held > 0) return;
    this.buffered = bytes;
    this.share.setBuffered(bytes);
    if (!this.share.paused && !this.share.mayTake(0)) this.share.pause(0);
  }

  finish(): void {
    const c = this.calls.shift();
    if (c !== undefined) this.share.releaseCall(c);
  }

  close(): void {
    this.closed = true;
    this.held = 0; // a closed connection's frames are dropped
    this.share.close();
  }

  get total(): number {
    return this.buffered + this.calls.reduce((a, b) => a + b, 0);
  }
}

const op = fc.oneof(
  fc.record({ kind: fc.constant('buffer' as const), who: fc.nat(5), bytes: fc.integer({ min: 0, max: 400 * KIB }) }),
  fc.record({ kind: fc.constant('frame' as const), who: fc.nat(5), bytes: fc.integer({ min: 1, max: 300 * KIB }) }),
  fc.record({ kind: fc.constant('finish' as const), who: fc.nat(5), bytes: fc.constant(0) }),
  fc.record({ kind: fc.constant('close' as const), who: fc.nat(5), bytes: fc.constant(0) }),
);

const settle = async (): Promise<void> => {
  for (let i = 0; i < 4; i++) await Promise.resolve();
};

describe('ReadBudget', () => {
  it('keeps the total equal to the shares, never holds back a connection within its allowance, and admits every held frame in the end', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 64 * KIB, max: 1024 * KIB }), fc.array(op, { minLength: 1, maxLength: 60 }), async (limit, ops) => {
        const budget = new ReadBudget(limit, 1);
        const conns = Array.from({ length: 6 }, () => new Conn(budget));
        const check = (): void => {
          const open = conns.filter((c) => !c.closed);
          expect(budget.used).toBe(open.reduce((s, c) => s + c.total, 0));
          expect(budget.running).toBe(open.reduce((s, c) => s + c.calls.reduce((a, b) => a + b, 0), 0));
          const waiting = open.filter((c) => c.share.waiting);
          expect(budget.waitingCount).toBe(waiting.length);
          for (const c of waiting) {
            // Held back only when the cost does not fit and exceeds the allowance.
            expect(budget.used + c.share.wanted).toBeGreaterThan(budget.limit - (waiting.length + 1) * READ_ALLOWANCE_BYTES);
            expect(c.share.held + c.share.wanted).toBeGreaterThan(READ_ALLOWANCE_BYTES);
          }
        };
        for (const o of ops) {
          const c = conns[o.who]!;
          if (c.closed) continue;
          if (o.kind === 'buffer') c.buffer(o.bytes);
          else if (o.kind === 'frame') c.frame(o.bytes);
          else if (o.kind === 'finish') c.finish();
          else c.close();
          await settle();
          check();
        }
        // Every call ends and no new bytes come: every held frame must get in (no deadlock).
        for (let round = 0; round < 40 && conns.some((c) => !c.closed && (c.held > 0 || c.calls.length > 0)); round++) {
          for (const c of conns) {
            if (!c.closed) {
              c.finish();
              if (c.held === 0) c.buffer(0);
            }
          }
          await settle();
          await sleep(2); // lets the overdraft timer fire
          check();
        }
        for (const c of conns) expect(c.held).toBe(0);
        for (const c of conns) c.close();
        expect(budget.used).toBe(0);
        expect(budget.running).toBe(0);
        expect(budget.waitingCount).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});

