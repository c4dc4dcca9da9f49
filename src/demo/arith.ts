import type { z } from 'zod';
import type { ServiceImpl } from '../contract/contract.js';
import type { ArithArgs, ArithContract } from './contracts.js';

type Args = z.output<typeof ArithArgs>;

function checked(n: number): number {
  if (!Number.isSafeInteger(n)) throw new Error('integer overflow: result exceeds ±(2^53-1)');
  return n;
}

/**
 * Arith implements ArithContract. Divide truncates toward zero like Go's
 * integer division and fails with `divide by zero` when B is 0; results
 * that leave the safe integer range fail with `integer overflow`.
 */
export class Arith implements ServiceImpl<typeof ArithContract> {
  /** Multiply returns A*B. */
  Multiply({ A, B }: Args): number {
    return checked(A * B);
  }

  /** Add returns A+B. */
  Add({ A, B }: Args): number {
    return checked(A + B);
  }

  /** Divide returns the truncated quotient and the remainder of A/B. */
  Divide({ A, B }: Args): { Quo: number; Rem: number } {
    if (B === 0) throw new Error('divide by zero');
    return { Quo: Math.trunc(A / B), Rem: A % B };
  }
}
