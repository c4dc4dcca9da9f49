import { implement } from '../contract/contract.js';
import type { BoundService } from '../contract/contract.js';
import { Arith } from './arith.js';
import { ArithContract, EchoContract } from './contracts.js';
import { Echo } from './echo.js';

/**
 * demoServices returns fresh implementations of the built-in demo
 * services, bound to their contracts: `Arith` (Multiply, Add, Divide) and
 * `Echo` (Echo, Upper, Sleep, Fail). `rpc-serve` serves them when given no
 * module; register them with `server.register(service)`.
 */
export function demoServices(): BoundService[] {
  return [implement(ArithContract, new Arith()), implement(EchoContract, new Echo())];
}
