import { z } from 'zod';
import { defineService } from '../contract/contract.js';
import { requireZod4Module } from '../contract/zod-version.js';
import { MAX_TIMER_MS } from '../timer-delay.js';

requireZod4Module(z, 'netrpc/demo');

/** ArithArgs are the operands of the Arith methods, as in Go's net/rpc docs. */
export const ArithArgs = z.object({ A: z.int(), B: z.int() });

/** Quotient is the reply of Arith.Divide. */
export const Quotient = z.object({ Quo: z.int(), Rem: z.int() });

/** ArithContract is the example service from Go's net/rpc package docs. */
export const ArithContract = defineService('Arith', {
  Multiply: { args: ArithArgs, reply: z.int() },
  Add: { args: ArithArgs, reply: z.int() },
  Divide: { args: ArithArgs, reply: Quotient },
});

/** EchoContract is a demo service for trying clients and codecs. */
export const EchoContract = defineService('Echo', {
  Echo: { args: z.unknown(), reply: z.unknown() },
  Upper: { args: z.string(), reply: z.string() },
  /** Sleep's argument is bounded by what a timer holds, so no peer can make it warn or wake at once. */
  Sleep: { args: z.int().nonnegative().max(MAX_TIMER_MS), reply: z.int() },
  Fail: { args: z.string(), reply: z.never() },
});
