import { tooDeepError } from './errors.js';
import { zeroGoTime } from './time.js';
import { DecType, DecodeKind } from './type-table.js';
import type { ValueBudget } from './value-budget.js';

/**
 * zeroValue is the value Go gives an omitted field of type `t`: false, 0,
 * '', null for a struct (Go only omits nil pointers), an interface or a
 * map (Go sends empty maps, so an omitted one was nil), an empty slice or []byte, a zero complex, the zero time.Time, or an
 * array of zeros. The field itself was charged to `budget` by its struct;
 * the elements of a zero array are charged here, so a large zero array
 * cannot be conjured from a small message.
 */
export function zeroValue(t: DecType, depth: number, maxDepth: number, budget: ValueBudget): unknown {
  switch (t.kind) {
    case DecodeKind.Bool:
      return false;
    case DecodeKind.Int:
    case DecodeKind.Uint:
    case DecodeKind.Float:
      return 0;
    case DecodeKind.Bytes:
      return new Uint8Array(0);
    case DecodeKind.String:
      return '';
    case DecodeKind.Complex:
      return { real: 0, imag: 0 };
    case DecodeKind.Interface:
    case DecodeKind.Struct:
      return null;
    case DecodeKind.Slice:
      return [];
    case DecodeKind.Map:
      return null; // Go leaves out only nil maps (an empty one is sent)
    case DecodeKind.Array: {
      if (depth > maxDepth) throw tooDeepError(maxDepth);
      budget.spend(t.len);
      const out = new Array<unknown>(t.len);
      for (let i = 0; i < t.len; i++) out[i] = zeroValue(t.elem!, depth + 1, maxDepth, budget);
      return out;
    }
    default:
      return t.isTime ? zeroGoTime() : new Uint8Array(0);
  }
}
