import type { GoType } from '../go-type.js';
import { encodeError } from './errors.js';
import { GOB_KINDS } from './kinds.js';

/** Kind numbers of encode-side types (scalars equal their gob type ids). */
export const EncodeKind = {
  ...GOB_KINDS,
  /** time.Time, sent as a GobEncoder named Time. */
  Time: 13,
} as const;

/**
 * EncType is the shape a value is encoded as. Types with the same wire
 * shape (kind, name, length, field names and the shapes they refer to)
 * share one type id per stream; the encoder works that out (see
 * StreamEncoder), so a type is only a tree of these objects.
 */
export interface EncType {
  readonly k: number;
  readonly name: string;
  /** Range of int/uint/float kinds (8..64). */
  readonly bits: number;
  readonly elem: EncType | null;
  readonly key: EncType | null;
  readonly len: number;
  readonly fieldNames: readonly string[];
  readonly fieldTypes: readonly EncType[];
  /** For an interface: the declared concrete GoType per registered name (see GoType). */
  readonly concrete?: Readonly<Record<string, GoType>>;
}

/**
 * Draft is an EncType still being inferred: merging the types of an
 * array's elements grows the first element's draft in place (a struct gains
 * fields, a slice's element type widens), so inference is linear in the
 * size of the value. Drafts are created fresh for each value inferred and
 * never shared with declared types.
 */
interface Draft extends EncType {
  elem: EncType | null;
  key: EncType | null;
  fieldNames: string[];
  fieldTypes: EncType[];
  /** A struct's field positions by name, built on its first merge (or first sparse encode). */
  index: Map<string, number> | null;
  /** A struct inferred from values' own properties: a value may be encoded from its own keys (see sparseFields). */
  ownFields: boolean;
  /** Made by inferType for one value, so never shared: an encoder may note its shape number on it. */
  inferred: boolean;
  shape: number;
  shapeOwner: object | null;
  /** The type a decoded value arrived as (see rememberType): shared, so merge copies it before growing it. */
  wire?: boolean;
}

/** The encode types of decoded values, by value (see rememberType). */
const remembered = new WeakMap<object, EncType>();

/**
 * rememberType records that `value` was decoded from a wire type written
 * back as `t` (made by markWire); inferType then gives `t` for it, so a
 * decoded value re-encodes with the kinds it arrived with.
 */
export function rememberType(value: object, t: EncType): void {
  remembered.set(value, t);
}

/** The concrete types of decoded interface values, with the value they were decoded with. */
const concreteTypes = new WeakMap<object, { readonly value: unknown; readonly t: EncType }>();

/** rememberConcrete records the concrete type of a decoded interface value `{type, value}`. */
export function rememberConcrete(iv: { readonly value: unknown }, t: EncType): void {
  concreteTypes.set(iv, { value: iv.value, t });
}

/** concreteType is the type a decoded interface value's concrete value arrived as, while that value is unchanged. */
export function concreteType(iv: { readonly value?: unknown }): EncType | undefined {
  const c = concreteTypes.get(iv);
  return c !== undefined && Object.is(c.value, iv.value) ? c.t : undefined;
}

/** markWire flags a type made for a wire type (see rememberType) and returns it. */
export function markWire(t: EncType): EncType {
  (t as Draft).wire = true;
  return t;
}

const NONE: readonly never[] = Object.freeze([]);

function scalar(k: number, bits = 64): EncType {
  return { k, name: '', bits, elem: null, key: null, len: 0, fieldNames: NONE, fieldTypes: NONE };
}

/** Scalar encode types. */
export const ScalarType = {
  bool: scalar(EncodeKind.Bool),
  int: scalar(EncodeKind.Int),
  uint: scalar(EncodeKind.Uint),
  float: scalar(EncodeKind.Float),
  bytes: scalar(EncodeKind.Bytes),
  string: scalar(EncodeKind.String),
  complex: scalar(EncodeKind.Complex),
  interface: scalar(EncodeKind.Interface),
  time: scalar(EncodeKind.Time, 64),
} as const;

const sized = new Map<number, EncType>();
function sizedScalar(base: EncType, bits: number): EncType {
  if (bits === 64) return base;
  const key = base.k * 256 + bits;
  let t = sized.get(key);
  if (t === undefined) {
    t = scalar(base.k, bits);
    sized.set(key, t);
  }
  return t;
}

function draft(k: number, name: string, elem: EncType | null, key: EncType | null, len: number, fieldNames: string[], fieldTypes: EncType[]): Draft {
  return { k, name, bits: 0, elem, key, len, fieldNames, fieldTypes, index: null, ownFields: false, inferred: false, shape: 0, shapeOwner: null };
}

/** sliceOf returns the slice type with element `elem`. */
export function sliceOf(elem: EncType, name = ''): EncType {
  return draft(EncodeKind.Slice, name, elem, null, 0, NONE as never[], NONE as never[]);
}

/** arrayOf returns the array type [len]elem. */
export function arrayOf(elem: EncType, len: number, name = ''): EncType {
  return draft(EncodeKind.Array, name, elem, null, len, NONE as never[], NONE as never[]);
}

/** mapOf returns the map type map[key]elem. */
export function mapOf(key: EncType, elem: EncType, name = ''): EncType {
  return draft(EncodeKind.Map, name, elem, key, 0, NONE as never[], NONE as never[]);
}

/** structOf returns a struct type with the given fields, in wire order. */
export function structOf(name: string, fieldNames: readonly string[], fieldTypes: readonly EncType[]): EncType {
  return draft(EncodeKind.Struct, name, null, null, 0, fieldNames as string[], fieldTypes as EncType[]);
}

/** describeType names a type's kind for messages (`[]`, `map`, `struct`, or the scalar's name). */
export function describeType(t: EncType): string {
  switch (t.k) {
    case EncodeKind.Slice: return `[]${describeType(t.elem!)}`;
    case EncodeKind.Array: return `[${t.len}]${describeType(t.elem!)}`;
    case EncodeKind.Map: return 'map';
    case EncodeKind.Struct: return 'struct';
    default: return ['', 'bool', 'int', 'uint', 'float', '[]byte', 'string', 'complex', 'interface', '', '', '', '', 'time.Time'][t.k] ?? 'unknown';
  }
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
    case 'bool': t = ScalarType.bool; break;
    case 'string': t = ScalarType.string; break;
    case 'bytes': t = ScalarType.bytes; break;
    case 'interface':
      t = g.types === undefined ? ScalarType.interface : { ...scalar(EncodeKind.Interface), concrete: g.types };
      break;
    case 'time': t = ScalarType.time; break;
    case 'int': t = sizedScalar(ScalarType.int, g.bits ?? 64); break;
    case 'uint': t = sizedScalar(ScalarType.uint, g.bits ?? 64); break;
    case 'float': t = sizedScalar(ScalarType.float, g.bits ?? 64); break;
    case 'complex': t = ScalarType.complex; break;
    case 'pointer': t = fromGoType(g.elem, maxDepth, depth + 1); break;
    case 'slice':
      t = g.elem.kind === 'uint' && g.elem.bits === 8 ? ScalarType.bytes : sliceOf(fromGoType(g.elem, maxDepth, depth + 1), g.name);
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
 * inferType guesses the Go type of a JavaScript value: a value decoded
 * from gob → the type it arrived as (see rememberType); boolean → bool,
 * safe integer number → int, other number (-0 included) → float64, bigint → int64 (uint64
 * above 2^63-1), string → string, Uint8Array → []byte, Date → time.Time,
 * array → slice of the merged element types, Map → map, other objects →
 * struct of their own enumerable properties (string-keyed Go maps need a
 * GoType, or a Map). It returns null when nothing can be learnt (null,
 * undefined, empty arrays, Maps and objects): such struct
 * fields are left out of the struct's type. Mixed element kinds merge
 * (int with float gives float; structs give the union of their fields);
 * other mixes throw RPC_ENCODE. Each value is visited once and each merge
 * costs the size of the element merged, so inference is linear in the
 * size of the value.
 */
export function inferType(v: unknown, maxDepth: number, depth = 0): EncType | null {
  switch (typeof v) {
    case 'boolean':
      return ScalarType.bool;
    case 'number':
      return Number.isSafeInteger(v) && !Object.is(v, -0) ? ScalarType.int : ScalarType.float;
    case 'bigint':
      return v > INT64_MAX ? ScalarType.uint : ScalarType.int;
    case 'string':
      return ScalarType.string;
    case 'undefined':
      return null;
    case 'object':
      break;
    default:
      throw encodeError(`cannot encode a ${typeof v}`);
  }
  if (v === null) return null;
  if (v instanceof Uint8Array) return ScalarType.bytes;
  if (v instanceof Date) return ScalarType.time;
  const wire = remembered.get(v);
  // A decoded struct keeps every field of its type: other keys mean it was changed, so infer again.
  if (wire !== undefined && (wire.k !== EncodeKind.Struct || Object.keys(v).length === wire.fieldNames.length)) return wire;
  if (depth >= maxDepth) throw encodeError(`value nests deeper than ${maxDepth} levels`);
  if (Array.isArray(v)) {
    let elem: EncType | null = null;
    for (let i = 0; i < v.length; i++) elem = merge(elem, inferType(v[i], maxDepth, depth + 1));
    return elem === null ? null : inferred(sliceOf(elem));
  }
  if (v instanceof Map) {
    let key: EncType | null = null;
    let elem: EncType | null = null;
    for (const [k, x] of v) {
      key = merge(key, inferType(k, maxDepth, depth + 1));
      elem = merge(elem, inferType(x, maxDepth, depth + 1));
    }
    if (key === null) return null;
    return inferred(mapOf(key, elem ?? ScalarType.interface));
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
  const t = inferred(structOf('', names, types)) as Draft;
  t.ownFields = true;
  return t;
}

function inferred(t: EncType): EncType {
  (t as Draft).inferred = true;
  return t;
}

/**
 * ownShape is the shape number `owner` noted on a type inferType made, or
 * undefined (for other types, or another owner). Types inferType makes are
 * used by one encoder for one value, so the note needs no table.
 */
export function ownShape(t: EncType, owner: object): number | undefined {
  const d = t as Draft;
  return d.inferred === true && d.shapeOwner === owner ? d.shape : undefined;
}

/** noteShape records `owner`'s shape number on a type inferType made; false for any other type. */
export function noteShape(t: EncType, owner: object, shape: number): boolean {
  const d = t as Draft;
  if (d.inferred !== true) return false;
  d.shapeOwner = owner;
  d.shape = shape;
  return true;
}

/**
 * merge combines the inferred types of two elements of one array. `a` may
 * be grown in place and returned: both are drafts of inferType (or shared
 * scalars), owned by the inference that merges them.
 */
function merge(a: EncType | null, b: EncType | null): EncType | null {
  if (a === null) return b;
  if (b === null || a === b) return a;
  if ((a as Draft).wire === true && a.k >= EncodeKind.Array && a.k <= EncodeKind.Map) a = copyDraft(a);
  if (a.k === b.k && (a.k <= EncodeKind.Interface || a.k === EncodeKind.Time)) return a;
  if ((a.k === EncodeKind.Int && b.k === EncodeKind.Float) || (a.k === EncodeKind.Float && b.k === EncodeKind.Int)) return ScalarType.float;
  if ((a.k === EncodeKind.Int && b.k === EncodeKind.Uint) || (a.k === EncodeKind.Uint && b.k === EncodeKind.Int)) return ScalarType.uint;
  if (a.k === EncodeKind.Slice && b.k === EncodeKind.Slice) {
    const d = a as Draft;
    d.elem = merge(d.elem, b.elem);
    return d;
  }
  if (a.k === EncodeKind.Map && b.k === EncodeKind.Map) {
    const d = a as Draft;
    d.key = merge(d.key, b.key);
    d.elem = merge(d.elem, b.elem);
    return d;
  }
  if (a.k === EncodeKind.Struct && b.k === EncodeKind.Struct) {
    const d = a as Draft;
    const index = fieldIndex(d);
    for (let i = 0; i < b.fieldNames.length; i++) {
      const name = b.fieldNames[i]!;
      const j = index.get(name);
      if (j === undefined) {
        index.set(name, d.fieldNames.length);
        d.fieldNames.push(name);
        d.fieldTypes.push(b.fieldTypes[i]!);
      } else {
        d.fieldTypes[j] = merge(d.fieldTypes[j]!, b.fieldTypes[i]!)!;
      }
    }
    return d;
  }
  throw encodeError(`cannot encode an array mixing ${describeType(a)} and ${describeType(b)} elements without a GoType`);
}

/** copyDraft is an inference-owned copy of a shared type, which merge may grow. */
function copyDraft(t: EncType): EncType {
  return inferred(draft(t.k, t.name, t.elem, t.key, t.len, [...t.fieldNames], [...t.fieldTypes]));
}

function fieldIndex(d: Draft): Map<string, number> {
  let index = d.index;
  if (index === null) {
    index = new Map();
    for (let i = 0; i < d.fieldNames.length; i++) index.set(d.fieldNames[i]!, i);
    d.index = index;
  }
  return index;
}

/** Inferred structs with at least this many fields may be encoded from a value's own keys. */
const SPARSE_MIN_FIELDS = 32;

/**
 * sparseFields returns, in field order, the positions of the fields `obj`
 * has as own keys, when `t` was inferred from own keys and `obj` has far
 * fewer of them than `t` has fields (the elements of a list of objects with
 * differing keys, whose type is the union of them all); null when every
 * field should simply be looked up. It keeps encoding such a list linear
 * in its size instead of elements × fields.
 */
export function sparseFields(t: EncType, obj: object): number[] | null {
  const d = t as Draft;
  if (!d.ownFields || d.fieldNames.length < SPARSE_MIN_FIELDS) return null;
  const keys = Object.keys(obj);
  if (keys.length * 4 >= d.fieldNames.length) return null;
  const index = fieldIndex(d);
  const order: number[] = [];
  for (const k of keys) {
    const i = index.get(k);
    if (i !== undefined) order.push(i);
  }
  return order.sort((x, y) => x - y);
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
  if (Array.isArray(v)) return sliceOf(ScalarType.interface);
  if (v instanceof Map) return mapOf(ScalarType.string, ScalarType.interface);
  return EMPTY_STRUCT;
}

/** EMPTY_STRUCT is struct{}, Go's body for error replies. */
export const EMPTY_STRUCT: EncType = structOf('', [], []);
