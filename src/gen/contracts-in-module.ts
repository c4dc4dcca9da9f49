import { isBoundService, isContract } from '../contract/contract.js';
import type { ServiceContract } from '../contract/contract.js';

/**
 * contractsInModule picks the netrpc contracts out of a module's exports:
 * values made by defineService, and the contracts of values made by
 * implement, the default export's own properties included. Each contract
 * is listed once, in export order.
 */
export function contractsInModule(mod: Record<string, unknown>): ServiceContract[] {
  const out: ServiceContract[] = [];
  const take = (v: unknown): void => {
    const c = isContract(v) ? v : isBoundService(v) ? v.contract : undefined;
    if (c && !out.includes(c)) out.push(c);
  };
  for (const [name, value] of Object.entries(mod)) {
    if (name === 'default' && value !== null && typeof value === 'object' && !isContract(value) && !isBoundService(value)) {
      for (const v of Object.values(value)) take(v);
    } else take(value);
  }
  return out;
}
