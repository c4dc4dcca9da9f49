import { Arith } from './arith.js';
import { Echo } from './echo.js';

/**
 * demoServices returns fresh instances of the built-in demo services,
 * keyed by service name: `Arith` (Multiply, Add, Divide) and `Echo`
 * (Echo, Upper, Sleep, Fail). `rpc-serve` serves them when given no module.
 */
export function demoServices(): Record<string, object> {
  return { Arith: new Arith(), Echo: new Echo() };
}
