import { arrayOf, mapOf, markWire, rememberConcrete, rememberType, sliceOf, structOf, ScalarType } from './enc-type.js';
import type { EncType } from './enc-type.js';
import { DecodeKind } from './type-table.js';
import type { DecType } from './type-table.js';

/**
 * rememberWireType records that `value` (a decoded struct object, array,
 * map or interface `{type, value}`) arrived as the wire type `t`, so the
 * encoder writes it back with the same kinds (see rememberType). JS
 * values lose Go's kinds (a float64 2.0 is the number 2, a uint8 field a
 * number, a []Celsius an array): without this an untyped handler's reply,
 * or a decoded reply sent back, would be re-inferred with kinds Go
 * refuses. Types with no encode type (see encTypeOfWire) are not recorded.
 */
export function rememberWireType(value: object, t: DecType): void {
  const et = encTypeOfWire(t);
  if (et !== null) rememberType(value, et);
}

/**
 * rememberInterface records the concrete wire type of a decoded interface
 * value, so it goes back as the same concrete type (a float64 2.0 inside
 * an interface{} stays a float64) while `iv.value` is unchanged.
 */
export function rememberInterface(iv: { readonly value: unknown }, concrete: DecType): void {
  const et = encTypeOfWire(concrete);
  if (et !== null) rememberConcrete(iv, et);
}

/**
 * encTypeOfWire is the encode type that writes values of the wire type
 * `t` back with the same kinds, or null when there is none: recursive
 * types (the encoder's types are trees) and GobEncoder types other than
 * time.Time.
 */
export function encTypeOfWire(t: DecType): EncType | null {
  const cached = t.encType;
  if (cached !== undefined) return cached;
  const result = convert(t, new Set());
  t.encType = result;
  return result;
}

function convert(t: DecType, visiting: Set<DecType>): EncType | null {
  switch (t.kind) {
    case DecodeKind.Bool: return ScalarType.bool;
    case DecodeKind.Int: return ScalarType.int;
    case DecodeKind.Uint: return ScalarType.uint;
    case DecodeKind.Float: return ScalarType.float;
    case DecodeKind.Bytes: return ScalarType.bytes;
    case DecodeKind.String: return ScalarType.string;
    case DecodeKind.Complex: return ScalarType.complex;
    case DecodeKind.Interface: return ScalarType.interface;
    default: break;
  }
  if (visiting.has(t)) return null;
  visiting.add(t);
  try {
    switch (t.kind) {
      case DecodeKind.Array:
      case DecodeKind.Slice: {
        const elem = convert(t.elem!, visiting);
        if (elem === null) return null;
        return markWire(t.kind === DecodeKind.Array ? arrayOf(elem, t.len, t.name) : sliceOf(elem, t.name));
      }
      case DecodeKind.Map: {
        const key = convert(t.key!, visiting);
        const elem = convert(t.elem!, visiting);
        return key === null || elem === null ? null : markWire(mapOf(key, elem, t.name));
      }
      case DecodeKind.Struct: {
        const types: EncType[] = [];
        for (const f of t.fields) {
          const ft = convert(f, visiting);
          if (ft === null) return null;
          types.push(ft);
        }
        return markWire(structOf(t.name, t.fieldNames, types));
      }
      default:
        return t.isTime || t.maybeTime ? ScalarType.time : null;
    }
  } finally {
    visiting.delete(t);
  }
}
