import type { GoField, GoType } from '../codec/go-type.js';
import { goTypeMark } from './go-mark.js';

/** The parts of a zod 4 schema's definition this module reads. */
interface ZodDefLike {
  readonly type: string;
  readonly format?: string;
  readonly checks?: readonly { readonly _zod: { readonly def: { readonly format?: string } } }[];
  readonly shape?: Record<string, ZodLike>;
  readonly element?: ZodLike;
  readonly items?: readonly ZodLike[];
  readonly keyType?: ZodLike;
  readonly valueType?: ZodLike;
  readonly innerType?: ZodLike;
  readonly in?: ZodLike;
  readonly out?: ZodLike;
  readonly getter?: () => ZodLike;
  readonly values?: readonly unknown[];
  readonly entries?: Record<string, unknown>;
  readonly options?: readonly ZodLike[];
}

/** ZodLike is the structural view of a zod 4 schema used here. */
export interface ZodLike {
  readonly _zod: { readonly def: ZodDefLike; readonly bag?: { readonly Class?: unknown } };
}

const NUMBER_FORMATS: Record<string, GoType> = {
  safeint: { kind: 'int' },
  int32: { kind: 'int', bits: 32 },
  uint32: { kind: 'uint', bits: 32 },
  float32: { kind: 'float', bits: 32 },
  float64: { kind: 'float' },
};

const BIGINT_FORMATS: Record<string, GoType> = {
  int64: { kind: 'int', bits: 64 },
  uint64: { kind: 'uint', bits: 64 },
};

function formatOf(def: ZodDefLike): string | undefined {
  if (def.format) return def.format;
  for (const c of def.checks ?? []) if (c._zod.def.format) return c._zod.def.format;
  return undefined;
}

function literalType(values: readonly unknown[]): GoType | undefined {
  if (values.length === 0) return undefined;
  if (values.every((v) => typeof v === 'string')) return { kind: 'string' };
  if (values.every((v) => typeof v === 'boolean')) return { kind: 'bool' };
  if (values.every((v) => typeof v === 'number')) return values.every((v) => Number.isInteger(v)) ? { kind: 'int' } : { kind: 'float' };
  if (values.every((v) => typeof v === 'bigint')) return { kind: 'int', bits: 64 };
  return undefined;
}

/**
 * zodToGoType derives the Go type a zod schema's values travel as over gob:
 *
 * | zod | Go |
 * | --- | --- |
 * | `z.number().int()`, `z.int()` | `int` |
 * | `z.int32()` / `z.uint32()` | `int32` / `uint32` |
 * | `z.number()`, `z.float64()` / `z.float32()` | `float64` / `float32` |
 * | `z.bigint()`, `z.int64()` / `z.uint64()` | `int64` / `uint64` |
 * | `z.string()`, `z.enum([...])` / `z.boolean()` | `string` / `bool` |
 * | `z.instanceof(Uint8Array)` (or Buffer) | `[]byte` |
 * | `z.date()` | `time.Time` |
 * | `z.array(T)` / `z.tuple` of one type | `[]T` |
 * | `z.object({...})` | `struct` with those fields |
 * | `z.record(z.string(), T)`, `z.map(K, V)` | `map[string]T`, `map[K]V` |
 * | `T.optional()`, `T.nullable()` | `*T` (omitted when absent) |
 * | `z.unknown()`, `z.any()`, unions of different kinds | not declared: inferred from the value |
 * | a `go.*` builder (`go.int8()`, `go.time()`, `go.interface({...})`…) | the Go type it was built for |
 *
 * It returns undefined when the schema says nothing usable; the encoder then
 * infers from the value. Recursive schemas are cut at `maxDepth`.
 */
export function zodToGoType(schema: ZodLike, maxDepth = 32): GoType | undefined {
  return convert(schema, 0, maxDepth);
}

function convert(schema: ZodLike, depth: number, maxDepth: number): GoType | undefined {
  if (depth > maxDepth) return undefined;
  const def = schema._zod.def;
  const next = (s: ZodLike | undefined): GoType | undefined => (s ? convert(s, depth + 1, maxDepth) : undefined);
  const marked = goTypeMark(def);
  if (marked !== undefined) return marked;
  switch (def.type) {
    case 'number':
      return NUMBER_FORMATS[formatOf(def) ?? 'float64'] ?? { kind: 'float' };
    case 'bigint':
      return BIGINT_FORMATS[formatOf(def) ?? 'int64'] ?? { kind: 'int', bits: 64 };
    case 'string':
    case 'enum':
      return def.type === 'enum' ? literalType(Object.values(def.entries ?? {})) : { kind: 'string' };
    case 'boolean':
      return { kind: 'bool' };
    case 'date':
      return { kind: 'time' };
    case 'literal':
      return literalType(def.values ?? []);
    case 'custom': {
      const cls = schema._zod.bag?.Class;
      return cls === Uint8Array || cls === Buffer ? { kind: 'bytes' } : undefined;
    }
    case 'array': {
      const elem = next(def.element);
      return elem ? { kind: 'slice', elem } : undefined;
    }
    case 'tuple': {
      const items = (def.items ?? []).map(next);
      const first = items[0];
      if (!first || items.some((t) => JSON.stringify(t) !== JSON.stringify(first))) return undefined;
      return { kind: 'array', len: items.length, elem: first };
    }
    case 'object': {
      const fields: GoField[] = [];
      for (const [name, field] of Object.entries(def.shape ?? {})) {
        const type = next(field);
        if (!type) return undefined;
        fields.push({ name, type });
      }
      return { kind: 'struct', fields };
    }
    case 'record':
    case 'map': {
      const key = next(def.keyType);
      const elem = next(def.valueType);
      return key && elem ? { kind: 'map', key, elem } : undefined;
    }
    case 'optional':
    case 'nullable': {
      const inner = next(def.innerType);
      return inner ? { kind: 'pointer', elem: inner } : undefined;
    }
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return next(def.innerType);
    case 'pipe':
      return next(def.out) ?? next(def.in);
    case 'lazy':
      return def.getter ? next(def.getter()) : undefined;
    case 'union': {
      const types = (def.options ?? []).map(next);
      const first = types[0];
      return first && types.every((t) => JSON.stringify(t) === JSON.stringify(first)) ? first : undefined;
    }
    default:
      return undefined;
  }
}
