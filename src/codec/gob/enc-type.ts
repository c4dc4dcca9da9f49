import type { GoType } from '../go-type.js';
import { encodeError } from './errors.js';
import { GOB_KINDS } from './kinds.js';

/** Kind numbers of encode-side types (scalars equal their gob type ids). */
export const EK = {
  ...GOB_KINDS,
  /** time.Time, sent as a GobEncoder named Time. */
  Time: 13,
} as const;

/**
 * EncType is the shape a value is encoded as. `sig` identifies the wire
 * type: values with equal `sig` share one type id per stream.
 */
export interface EncType {
  readonly k: number;
  readonly sig: string;
  readonly name: string;
  /** Range of int/uint/float kinds (8..64). */
  readonly bits: number;
  readonly elem: EncType | null;
  readonly key: EncType | null;
  readonly len: number;
  readonly fieldNames: readonly string[];
  readonly fieldTypes: readonly EncType[];
}

function scalar(k: number, sig: string, bits = 64): EncType {
  return { k, sig, name: '', bits, elem: null, key: null, len: 0, fieldNames: [], fieldTypes: [] };
}

/** Scalar encode types. */
export const T = {
  bool: scalar(EK.Bool, 'bool'),
  int: scalar(EK.Int, 'int'),
  uint: scalar(EK.Uint, 'uint'),
  float: scalar(EK.Float, 'float'),
  bytes: scalar(EK.Bytes, 'bytes'),
  string: scalar(EK.String, 'string'),
  complex: scalar(EK.Complex, 'complex'),
  interface: scalar(EK.Interface, 'interface'),
  time: scalar(EK.Time, 'time', 64),
} as const;

const sized = new Map<string, EncType>();
function sizedScalar(base: EncType, bits: number): EncType {
  if (bits === 64) return base;
  const key = `${base.sig}${bits}`;
  let t = sized.get(key);
  if (t === undefined) {
    t = scalar(base.k, base.sig, bits);
    sized.set(key, t);
  }
  return t;
}

/** sliceOf returns the slice type with element `elem`. */
export function sliceOf(elem: EncType, name = ''): EncType {
  return { k: EK.Slice, sig: `${name}[]${elem.sig}`, name, bits: 0, elem, key: null, len: 0, fieldNames: [], fieldTypes: [] };
}

/** arrayOf returns the array type [len]elem. */
export function arrayOf(elem: EncType, len: number, name = ''): EncType {
  return { k: EK.Array, sig: `${name}[${len}]${elem.sig}`, name, bits: 0, elem, key: null, len, fieldNames: [], fieldTypes: [] };
}

/** mapOf returns the map type map[key]elem. */
export function mapOf(key: EncType, elem: EncType, name = ''): EncType {
  return { k: EK.Map, sig: `${name}map[${key.sig}]${elem.sig}`, name, bits: 0, elem, key, len: 0, fieldNames: [], fieldTypes: [] };
}

/** structOf returns a struct type with the given fields, in wire order. */
export function structOf(name: string, fieldNames: readonly string[], fieldTypes: readonly EncType[]): EncType {
  let sig = `${name}{`;
  for (let i = 0; i < fieldNames.length; i++) sig += `${fieldNames[i]} ${fieldTypes[i]!.sig};`;
  sig += '}';
  return { k: EK.Struct, sig, name, bits: 0, elem: null, key: null, len: 0, fieldNames, fieldTypes };
}

const fromGoCache = new WeakMap<GoType, EncType>();

/**
 * fromGoType converts a declared GoType (pointers are transparent) into an
 * EncType, caching the result per GoType object. It throws an RPC_ENCODE
 * RpcError for types nested deeper than `maxDepth` (including cyclic ones).
 */
export function fromGoType(g: GoType, maxDepth: number, depth = 0): EncType {
  const cached = fromGoCache.get(g);
  if (cached !== undefined) return cached;
  if (depth > maxDepth) throw encodeError(`type nests deeper than ${maxDepth} levels (recursive types are not supported)`);
  let t: EncType;
  switch (g.kind) {
    case 'bool': t = T.bool; break;
    case 'string': t = T.string; break;
    case 'bytes': t = T.bytes; break;
    case 'interface': t = T.interface; break;
    case 'time': t = T.time; break;
    case 'int': t = sizedScalar(T.int, g.bits ?? 64); break;
    case 'uint': t = sizedScalar(T.uint, g.bits ?? 64); break;
    case 'float': t = sizedScalar(T.float, g.bits ?? 64); break;
    case 'complex': t = T.complex; break;
    case 'pointer': t = fromGoType(g.elem, maxDepth, depth + 1); break;
    case 'slice':
      t = g.elem.kind === 'uint' && g.elem.bits === 8 ? T.bytes : sliceOf(fromGoType(g.elem, maxDepth, depth + 1), g.name);
      break;
    case 'array':
      if (!Number.isSafeInteger(g.len) || g.len < 0) throw encodeError(`invalid array length ${g.len}`);
      t = arrayOf(fromGoType(g.elem, maxDepth, depth + 1), g.len, g.name);
      break;
    case 'map':
      t = mapOf(fromGoType(g.key, maxDepth, depth + 1), fromGoType(g.elem, maxDepth, depth + 1), g.name);
      break;
    case 'struct':
      t = structOf(
        g.name ?? '',
        g.fields.map((f) => f.name),
        g.fields.map((f) => fromGoType(f.type, maxDepth, depth + 1)),
      );
      break;
    default:
      throw encodeError(`unknown GoType kind ${JSON.stringify((g as { kind?: unknown }).kind)}`);
  }
  fromGoCache.set(g, t);
  return t;
}

const INT64_MAX = 9223372036854775807n;

/**
 * inferType guesses the Go type of a JavaScript value: boolean → bool, safe
 * integer number → int, other number → float64, bigint → int64 (uint64
 * above 2^63-1), string → string, Uint8Array → []byte, Date → time.Time,
 * array → slice of the merged element types, Map → map, other objects →
 * struct of their own enumerable properties (string-keyed Go maps need a
 * GoType, or a Map). It returns null when nothing can be learnt (null,
 * undefined, empty arrays, Maps and objects): such struct
 * fields are left out of the struct's type. Mixed element kinds merge
 * (int with float gives float; structs give the union of their fields);
 * other mixes throw RPC_ENCODE.
 */
export function inferType(v: unknown, maxDepth: number, depth = 0): EncType | null {
  switch (typeof v) {
    case 'boolean':
      return T.bool;
    case 'number':
      return Number.isSafeInteger(v) ? T.int : T.float;
    case 'bigint':
      return v > INT64_MAX ? T.uint : T.int;
    case 'string':
      return T.string;
    case 'undefined':
      return null;
    case 'object':
      break;
    default:
      throw encodeError(`cannot encode a ${typeof v}`);
  }
  if (v === null) return null;
  if (v instanceof Uint8Array) return T.bytes;
  if (v instanceof Date) return T.time;
  if (depth >= maxDepth) throw encodeError(`value nests deeper than ${maxDepth} levels`);
  if (Array.isArray(v)) {
    let elem: EncType | null = null;
    for (let i = 0; i < v.length; i++) elem = mergeTypes(elem, inferType(v[i], maxDepth, depth + 1));
    return elem === null ? null : sliceOf(elem);
  }
  if (v instanceof Map) {
    let key: EncType | null = null;
    let elem: EncType | null = null;
    for (const [k, x] of v) {
      key = mergeTypes(key, inferType(k, maxDepth, depth + 1));
      elem = mergeTypes(elem, inferType(x, maxDepth, depth + 1));
    }
    if (key === null) return null;
    return mapOf(key, elem ?? T.interface);
  }
  const names: string[] = [];
  const types: EncType[] = [];
  const obj = v as Record<string, unknown>;
  for (const name of Object.keys(obj)) {
    const ft = inferType(obj[name], maxDepth, depth + 1);
    if (ft !== null) {
      names.push(name);
      types.push(ft);
    }
  }
  if (names.length === 0) return null;
  return structOf('', names, types);
}

/** mergeTypes combines the inferred types of two elements of one array. */
export function mergeTypes(a: EncType | null, b: EncType | null): EncType | null {
  if (a === null) return b;
  if (b === null || a === b || a.sig === b.sig) return a;
  if ((a.k === EK.Int && b.k === EK.Float) || (a.k === EK.Float && b.k === EK.Int)) return T.float;
  if ((a.k === EK.Int && b.k === EK.Uint) || (a.k === EK.Uint && b.k === EK.Int)) return T.uint;
  if (a.k === EK.Slice && b.k === EK.Slice) return sliceOf(mergeTypes(a.elem, b.elem)!);
  if (a.k === EK.Map && b.k === EK.Map) return mapOf(mergeTypes(a.key, b.key)!, mergeTypes(a.elem, b.elem)!);
  if (a.k === EK.Struct && b.k === EK.Struct) {
    const names = [...a.fieldNames];
    const types = [...a.fieldTypes];
    for (let i = 0; i < b.fieldNames.length; i++) {
      const j = names.indexOf(b.fieldNames[i]!);
      if (j < 0) {
        names.push(b.fieldNames[i]!);
        types.push(b.fieldTypes[i]!);
      } else {
        types[j] = mergeTypes(types[j]!, b.fieldTypes[i]!)!;
      }
    }
    return structOf(a.name, names, types);
  }
  throw encodeError(`cannot encode an array mixing ${a.sig} and ${b.sig} elements without a GoType`);
}

/**
 * topType is the type of a top-level value: its GoType when given, else
 * inferred. An empty array is sent as []interface{} and an empty Map as
 * map[string]interface{}; null or undefined as an empty struct.
 */
export function topType(v: unknown, goType: GoType | undefined, maxDepth: number): EncType {
  if (goType !== undefined) return fromGoType(goType, maxDepth);
  const t = inferType(v, maxDepth);
  if (t !== null) return t;
  if (Array.isArray(v)) return sliceOf(T.interface);
  if (v instanceof Map) return mapOf(T.string, T.interface);
  return EMPTY_STRUCT;
}

/** EMPTY_STRUCT is struct{}, Go's body for error replies. */
export const EMPTY_STRUCT: EncType = structOf('', [], []);
