
/** ArithArgs are the operands of the Arith methods, as in Go's net/rpc docs. */
export interface ArithArgs {
  A: number;
  B: number;
}

/** Quotient is the reply of Arith.Divide. */
export interface Quotient {
  Quo: number;
  Rem: number;
}


/**
 * Arith is the example service from Go's net/rpc package documentation.
 * Divide truncates toward zero like Go's integer division and fails with
 * `divide by zero` when B is 0.
 */
export class Arith {
  /** Multiply returns A*B. */
  Multiply({ A, B }: ArithArgs): number {
    return A * B;
  }

  /** Add returns A+B. */
  Add({ A, B }: ArithArgs): number {
    return A + B;
  }

  /** Divide returns the truncated quotient and the remainder of A/B. */
  Divide({ A, B }: ArithArgs): Quotient {
    if (B === 0) throw new Error('divide by zero');
    return { Quo: Math.trunc(A / B), Rem: A % B };
  }
}
