import { decodedCost } from '../limits.js';
import { payloadStart } from './framing.js';
import { GobReader } from './reader.js';
import { DecType, DEFINITION_COST_FACTOR, DecodeKind } from './type-table.js';
import type { TypeTable } from './type-table.js';
import { valueAllowance } from './value-budget.js';

const peeker = new GobReader();

/**
 * frameCostBound bounds the memory decoding `frame` (a whole message) may
 * take, in the units of decodedCost, without decoding it: a type
 * definition at most DEFINITION_COST_FACTOR times its size; a value (or the
 * continuation of one, when `continuing`) at most its value allowance, or
 * its size times its type's zeroExpansion when that is less. A frame that
 * cannot be read is bounded by its size (decoding it will fail).
 */
export function frameCostBound(frame: Uint8Array, table: TypeTable, continuing: boolean, maxValues: number): number {
  const bytes = frame.length;
  const allowance = valueAllowance(bytes, maxValues);
  if (continuing) return decodedCost(bytes, allowance);
  try {
    peeker.reset(frame, payloadStart(frame), bytes);
    const id = peeker.readSmallInt('type id');
    if (id < 0) return bytes * DEFINITION_COST_FACTOR;
    const t = table.peek(id);
    if (t === undefined) return bytes;
    return decodedCost(bytes, Math.min(allowance, bytes * zeroExpansion(t, maxValues) + 1));
  } catch {
    return bytes;
  }
}

/**
 * zeroExpansion is the most values one byte of a value of type `t` can
 * decode to. Go omits zero fields and the decoder rebuilds them, so a struct
 * that arrives as its single terminating byte becomes all of its fields (an
 * omitted array field all of its elements); every other value takes at
 * least a byte. It is Infinity when `t` reaches an interface (the concrete
 * types it may carry are not known in advance) and at most `cap`. Computed
 * once per type, by one walk of the types it reaches.
 */
export function zeroExpansion(t: DecType, cap: number): number {
  if (t.expansion >= 0) return t.expansion;
  let most = 1;
  const seen = new Set<DecType>([t]);
  const pending: DecType[] = [t];
  while (pending.length > 0) {
    const c = pending.pop()!;
    if (c.kind === DecodeKind.Interface) {
      most = Infinity;
      break;
    }
    if (c.kind === DecodeKind.Struct) {
      let z = 1;
      for (const f of c.fields) z += zeroCount(f, cap);
      most = Math.max(most, Math.min(z, cap));
    }
    for (const next of [c.elem, c.key, ...c.fields]) {
      if (next !== null && !seen.has(next)) {
        seen.add(next);
        pending.push(next);
      }
    }
  }
  t.expansion = most;
  return most;
}

/** zeroCount is the number of values the zero value of `t` decodes to (an array: itself and its elements), at most `cap`. */
function zeroCount(t: DecType, cap: number): number {
  let n = 1;
  let per = 1;
  for (let c: DecType | null = t; c !== null && c.kind === DecodeKind.Array; c = c.elem) {
    per = Math.min(per * c.len, cap);
    n = Math.min(n + per, cap);
  }
  return n;
}
