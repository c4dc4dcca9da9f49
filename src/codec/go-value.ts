import type { GoType } from './go-type.js';
import { GoTime, parseRFC3339 } from './go-time.js';

/**
 * ValueMismatch is thrown by conformValue: `path` names the field
 * (`Inner.Tags.2`, empty at top level) and `problem` says what is wrong.
 */
export class ValueMismatch extends Error {
  readonly path: string;
  readonly problem: string;

  constructor(path: string, problem: string) {
    super(path ? `${path}: ${problem}` : problem);
    this.path = path;
    this.problem = problem;
  }
}

/**
 * conformValue turns a decoded value into the one JS representation its
 * declared Go type has, whatever codec decoded it, so a contract sees the
 * same values over gob, json and msgpack:
 *
 * | declared | JS | converted from |
 * | --- | --- | --- |
 * | int64, uint64 (`bits: 64`) | bigint | a number |
 * | other ints, int, uint, uintptr | number | a bigint within ±(2^53-1); beyond, ValueMismatch suggesting int64/uint64 |
 * | float32, float64 | number | a bigint (JSON digits beyond 2^53) |
 * | []byte | Uint8Array | base64 text (JSON), a Buffer (msgpack) |
 * | time.Time | GoTime | RFC 3339 text (JSON), a Date (msgpack) |
 * | map with non-string keys | Map | an object with decimal keys (JSON) |
 * | raw string | Uint8Array | a string (its UTF-8 bytes) |
 * | interface with declared `types` | `{type, value}` | its value conformed to `types[type]` |
 *
 * Structs, slices, arrays, maps and pointers are walked; null and undefined
 * pass (nil). Containers are converted in place (decoded values belong to
 * the caller) and the result must be used in place of `value`. Values of
 * the wrong shape are left for validation to report.
 */
export function conformValue(value: unknown, type: GoType, path = '', depth = 0): unknown {
  if (value === null || value === undefined || depth > 1000) return value;
  switch (type.kind) {
    case 'int':
    case 'uint':
      return conformInt(value, type.kind, type.bits, path);
    case 'float':
      return typeof value === 'bigint' ? Number(value) : value;
    case 'bytes':
      return conformBytes(value);
    case 'string':
      return type.raw && typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'utf8')) : type.raw ? conformBytes(value) : value;
    case 'time':
      if (typeof value === 'string') return parseRFC3339(value) ?? value;
      if (value instanceof Date && !(value instanceof GoTime) && !Number.isNaN(value.getTime())) return GoTime.fromDate(value);
      return value;
    case 'pointer':
      return conformValue(value, type.elem, path, depth + 1);
    case 'slice':
    case 'array':
      if (type.elem.kind === 'uint' && type.elem.bits === 8 && type.kind === 'slice') return conformBytes(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) value[i] = conformValue(value[i], type.elem, join(path, i), depth + 1);
      }
      return value;
    case 'struct':
      if (typeof value === 'object' && !Array.isArray(value)) {
        const obj = value as Record<string, unknown>;
        for (const f of type.fields) {
          if (Object.hasOwn(obj, f.name)) obj[f.name] = conformValue(obj[f.name], f.type, join(path, f.name), depth + 1);
        }
      }
      return value;
    case 'map':
      return conformMap(value, type.key, type.elem, path, depth);
    case 'interface': {
      const types = type.types;
      if (types === undefined || typeof value !== 'object') return value;
      const iv = value as { type?: unknown; value?: unknown };
      const concrete = typeof iv.type === 'string' && Object.hasOwn(types, iv.type) ? types[iv.type] : undefined;
      if (concrete !== undefined) iv.value = conformValue(iv.value, concrete, path, depth + 1);
      return value;
    }
    default:
      return value;
  }
}

function join(path: string, key: string | number): string {
  return path ? `${path}.${key}` : String(key);
}

function conformInt(value: unknown, kind: 'int' | 'uint', bits: number | undefined, path: string): unknown {
  if (bits === 64) return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value !== 'bigint') return value;
  if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  const name = bits === undefined ? kind : `${kind}${bits}`;
  throw new ValueMismatch(path, `${value} is beyond the integers a JS number holds exactly (±(2^53-1)); declare the field ${kind}64 (a bigint) instead of ${name}`);
}

function conformBytes(value: unknown): unknown {
  if (typeof value === 'string') {
    const b = Buffer.from(value, 'base64');
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  if (Buffer.isBuffer(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

function conformMap(value: unknown, key: GoType, elem: GoType, path: string, depth: number): unknown {
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  const stringKeys = key.kind === 'string' && !key.raw;
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of value) out.set(conformValue(k, key, path, depth + 1), conformValue(v, elem, join(path, String(k)), depth + 1));
    return stringKeys ? Object.fromEntries(out) : out;
  }
  const obj = value as Record<string, unknown>;
  if (stringKeys) {
    for (const k of Object.keys(obj)) obj[k] = conformValue(obj[k], elem, join(path, k), depth + 1);
    return obj;
  }
  // JSON writes every map key as text: integer keys as decimal digits.
  const out = new Map<unknown, unknown>();
  for (const k of Object.keys(obj)) out.set(conformKey(k, key, path, depth), conformValue(obj[k], elem, join(path, k), depth + 1));
  return out;
}

function conformKey(text: string, key: GoType, path: string, depth: number): unknown {
  if ((key.kind === 'int' || key.kind === 'uint') && /^-?\d+$/.test(text)) {
    const n = BigInt(text);
    return conformValue(Number.isSafeInteger(Number(text)) ? Number(text) : n, key, path, depth + 1);
  }
  if (key.kind === 'bool' && (text === 'true' || text === 'false')) return text === 'true';
  if (key.kind === 'float' && text.trim() !== '' && !Number.isNaN(Number(text))) return Number(text);
  return conformValue(text, key, path, depth + 1);
}
