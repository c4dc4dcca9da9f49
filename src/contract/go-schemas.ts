import { z } from 'zod';
import { ErrorCode, RpcError } from '../errors.js';
import type { GoType } from '../codec/go-type.js';
import { GoTime } from '../codec/go-time.js';
import { setGoTypeMark } from './go-mark.js';
import { zodToGoType } from './zod-go-type.js';
import type { ZodLike } from './zod-go-type.js';

/** mark returns `schema` carrying `type`, which zodToGoType reads (see go-mark.ts). */
function mark<S extends z.ZodType>(schema: S, type: GoType): S {
  const check = z.check(() => {});
  setGoTypeMark(check, type);
  return schema.check(check) as S;
}

function goTypeOf(schema: z.ZodType, what: string): GoType {
  const t = zodToGoType(schema as unknown as ZodLike);
  if (t === undefined) throw new RpcError(ErrorCode.InvalidArgument, `go.${what}: the element schema declares no Go type (use a go.* builder or a zod type netrpc maps)`);
  return t;
}

function int(bits: 8 | 16 | 32): z.ZodNumber {
  const lim = 2 ** (bits - 1);
  return mark(z.int().min(-lim).max(lim - 1), { kind: 'int', bits });
}

function uint(bits: 8 | 16 | 32): z.ZodNumber {
  return mark(z.int().min(0).max(2 ** bits - 1), { kind: 'uint', bits });
}

/** Any JS number, NaN and ±Inf included (z.number() refuses them; Go floats hold them). */
function anyNumber(): z.ZodType<number> {
  return z.custom<number>((v) => typeof v === 'number', { message: 'expected number' });
}

function complex(bits: 64 | 128): z.ZodType<{ real: number; imag: number }> {
  return mark(z.object({ real: anyNumber(), imag: anyNumber() }), { kind: 'complex', bits });
}

function bytesSchema(): z.ZodType<Uint8Array> {
  return z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected Uint8Array' });
}

/**
 * withName returns the GoType `t` named `name` where gob sends names
 * (structs, slices, arrays and maps); other kinds travel without one.
 */
function withName(t: GoType, name: string): GoType {
  switch (t.kind) {
    case 'struct':
    case 'slice':
    case 'array':
    case 'map':
      return { ...t, name };
    case 'pointer':
      return { kind: 'pointer', elem: withName(t.elem, name) };
    default:
      return t;
  }
}

/**
 * go holds zod 4 schema builders for the Go kinds zod cannot express by
 * itself. Each returns a plain zod schema (compose it with z.object,
 * .optional() and the rest) that carries its Go type, which contracts
 * (zodToGoType) use to encode and decode exactly that type:
 *
 * ```ts
 * const Rect = go.struct('main.Rect', { W: go.float64(), H: go.float64() });
 * const Shapes = defineService('Shapes', {
 *   Area: { args: z.object({ Shape: go.interface({ 'main.Rect': Rect }), Level: go.int8() }), reply: go.float64() },
 * });
 * ```
 *
 * Integers: 8-, 16- and 32-bit widths and `int`/`uint`/`uintptr` are
 * numbers, range-checked (int, uint and uintptr to the safe integers:
 * declare `int64`/`uint64` for values beyond 2^53); `int64`/`uint64` are
 * always bigints. Floats accept NaN and ±Inf. See the README's value table.
 */
export const go = {
  /** Go int8: a number in -128..127. */
  int8: () => int(8),
  /** Go int16: a number in -32768..32767. */
  int16: () => int(16),
  /** Go int32 (rune): a number in -2^31..2^31-1. */
  int32: () => int(32),
  /** Go int64: always a bigint. */
  int64: () => mark(z.int64(), { kind: 'int', bits: 64 }),
  /** Go int (64-bit): a safe-integer number; a value beyond ±(2^53-1) needs go.int64(). */
  int: () => mark(z.int(), { kind: 'int' }),
  /** Go uint8 (byte): a number in 0..255. */
  uint8: () => uint(8),
  /** Go uint16: a number in 0..65535. */
  uint16: () => uint(16),
  /** Go uint32: a number in 0..2^32-1. */
  uint32: () => uint(32),
  /** Go uint64: always a bigint. */
  uint64: () => mark(z.uint64(), { kind: 'uint', bits: 64 }),
  /** Go uint (64-bit): a non-negative safe-integer number; beyond 2^53-1 needs go.uint64(). */
  uint: () => mark(z.int().min(0), { kind: 'uint' }),
  /** Go uintptr: as go.uint() (gob sends it as a uint). */
  uintptr: () => mark(z.int().min(0), { kind: 'uint' }),
  /** Go float32: any number (NaN and ±Inf included), sent as float32. */
  float32: () => mark(anyNumber(), { kind: 'float', bits: 32 }),
  /** Go float64: any number, NaN and ±Inf included. */
  float64: () => mark(anyNumber(), { kind: 'float', bits: 64 }),
  /** Go complex64: `{ real, imag }`. */
  complex64: () => complex(64),
  /** Go complex128: `{ real, imag }`. */
  complex128: () => complex(128),
  /** Go bool. */
  bool: () => mark(z.boolean(), { kind: 'bool' }),
  /** Go string, as a JS string (invalid UTF-8 becomes U+FFFD; see go.rawString). */
  string: () => mark(z.string(), { kind: 'string' }),
  /** Go string kept as its bytes: a Uint8Array, exact even when not valid UTF-8 (gob, msgpack). */
  rawString: () => mark(bytesSchema(), { kind: 'string', raw: true }),
  /** Go []byte: a Uint8Array (a Buffer is accepted), or null for a nil slice (JSON sends nil as null). */
  bytes: () => mark(bytesSchema().nullable(), { kind: 'bytes' }),
  /** Go time.Time: a GoTime (any Date is accepted, and sent as UTC milliseconds). */
  time: () => mark(z.date(), { kind: 'time' }) as unknown as z.ZodType<GoTime, Date>,
  /** Go [n]T: an array of exactly `n` elements. */
  array: <T extends z.ZodType>(elem: T, n: number) => mark(z.array(elem).length(n), { kind: 'array', len: n, elem: goTypeOf(elem, 'array') }),
  /** Go []T: an array, or null for a nil slice (JSON sends nil slices as null). */
  slice: <T extends z.ZodType>(elem: T) => mark(z.array(elem).nullable(), { kind: 'slice', elem: goTypeOf(elem, 'slice') }),
  /**
   * Go map[K]V: an object for string keys, a Map otherwise; null for a nil
   * map. `key` is go.string() or another key schema (go.int(), go.int64()…).
   */
  map: <K extends z.ZodType, V extends z.ZodType>(key: K, elem: V) => {
    const type: GoType = { kind: 'map', key: goTypeOf(key, 'map'), elem: goTypeOf(elem, 'map') };
    const schema = type.key.kind === 'string' && !type.key.raw ? z.record(z.string(), elem) : z.map(key, elem);
    return mark(schema.nullable(), type);
  },
  /** Go *T: the value, or null/undefined for nil. */
  pointer: <T extends z.ZodType>(elem: T) => mark(elem.nullish(), { kind: 'pointer', elem: goTypeOf(elem, 'pointer') }),
  /** A Go struct type named `name` (as gob.Register knows it, e.g. `main.Rect`) with these fields. */
  struct: <S extends z.ZodRawShape>(name: string, shape: S) => {
    const schema = z.object(shape);
    return mark(schema, withName(goTypeOf(schema, 'struct'), name));
  },
  /** The Go named type `name` of `schema` (`type Celsius float64`, `type IDs []uint64`). */
  named: <T extends z.ZodType>(name: string, schema: T) => mark(schema, withName(goTypeOf(schema, 'named'), name)),
  /**
   * Go interface{} (or any interface type): null for nil, otherwise
   * `{ type, value }` with the registered name of the concrete type. For
   * each name in `types` the value is checked against that schema and
   * encoded as its Go type (so `main.Rect{W: 3, H: 4}` goes as float64s);
   * other names are encoded from the value. Over json, interface values are
   * plain JSON values and are not checked.
   */
  interface: (types: Readonly<Record<string, z.ZodType>> = {}) => {
    const goTypes: Record<string, GoType> = {};
    for (const [name, schema] of Object.entries(types)) goTypes[name] = goTypeOf(schema, `interface ${name}`);
    const schema = z.unknown().superRefine((v, ctx) => {
      if (typeof v !== 'object' || v === null || !('type' in v) || typeof v.type !== 'string') return;
      const s = Object.hasOwn(types, v.type) ? types[v.type] : undefined;
      if (s === undefined) return;
      const parsed = s.safeParse((v as { value?: unknown }).value);
      if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['value', ...issue.path] } as never);
    });
    return mark(schema, { kind: 'interface', types: goTypes });
  },
};
