/**
 * netrpc/demo: the demo services `rpc-serve` serves with no module
 * (Arith, Echo) and their contracts. A separate entry point, so that
 * importing `netrpc` itself loads no zod.
 */
export { demoServices } from './services.js';
export { ArithContract, EchoContract, ArithArgs, Quotient } from './contracts.js';
