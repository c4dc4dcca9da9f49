import { RpcError } from '../../errors.js';
import type { GoType } from '../go-type.js';
import { concreteType, EncodeKind, fromGoType, inferType, sparseFields, type EncType } from './enc-type.js';
import { encodeError } from './errors.js';
import { WireShapes } from './shapes.js';
import { encodeGoTime, isZeroTime } from './time.js';
import { GobWriter } from './writer.js';

/** First type id this encoder assigns (the first id Go's encoder gives a user type). */
export const FIRST_SENT_ID = 65;

/**
 * StreamEncoder writes one direction of a gob stream. It assigns type ids
 * (one per distinct wire shape) and sends each type definition once.
 * A message group is built with begin(), encode()…, finish(); when encoding
 * throws, rollback() forgets the ids the group assigned, so the stream's
 * state is as if the group was never attempted. Types that have the same
 * wire shape (see WireShapes) share an id.
 */
export class StreamEncoder {
  private readonly shapes: WireShapes;
  /** Wire ids by shape number. */
  private readonly ids = new Map<number, number>();
  private nextId = FIRST_SENT_ID;
  private readonly added: number[] = [];
  private readonly out = new GobWriter();
  private readonly body = new GobWriter();
  private readonly maxDepth: number;

  constructor(maxDepth: number) {
    this.maxDepth = maxDepth;
    this.shapes = new WireShapes(maxDepth);
  }

  /** begin starts a message group. */
  begin(): void {
    this.out.reset();
    this.added.length = 0;
  }

  /** finish returns the group's bytes in one buffer (see finishParts). */
  finish(): Uint8Array {
    const out = this.finishParts();
    return Array.isArray(out) ? Buffer.concat(out) : out;
  }

  /** finishParts returns the group's bytes: one buffer, or consecutive parts holding large byte arrays by reference. */
  finishParts(): Uint8Array | Uint8Array[] {
    this.added.length = 0;
    return this.out.takeParts(0);
  }

  /** rollback discards the group and the type ids it assigned. */
  rollback(): void {
    for (const shape of this.added) this.ids.delete(shape);
    this.nextId -= this.added.length;
    this.added.length = 0;
    this.out.reset();
  }

  /** encode appends the type definitions `v` needs and then the value message. */
  encode(v: unknown, t: EncType): void {
    const b = this.body;
    b.reset();
    const id = this.typeId(t, 0);
    const start = b.beginLength();
    b.writeInt(id);
    this.top(b, t, v, 1);
    b.endLength(start);
    this.out.append(b);
  }

  private top(b: GobWriter, t: EncType, v: unknown, depth: number): void {
    if (t.k === EncodeKind.Struct) {
      this.struct(b, t, v, depth);
      return;
    }
    if (v === null || v === undefined) throw encodeError('cannot encode a nil value');
    b.writeUint(0);
    this.value(b, t, v, depth);
  }

  /** typeId returns the wire id of t, sending its definition (and its parts') first if needed. */
  private typeId(t: EncType, depth: number): number {
    if (t.k <= EncodeKind.Interface) return t.k;
    const shape = this.shapes.number(t, depth);
    const known = this.ids.get(shape);
    if (known !== undefined) return known;
    if (depth > this.maxDepth) throw encodeError(`type nests deeper than ${this.maxDepth} levels`);
    const id = this.nextId++;
    this.ids.set(shape, id);
    this.added.push(shape);
    const o = this.out;
    let elemId = 0;
    let keyId = 0;
    let fieldIds: number[] | null = null;
    if (t.key !== null) keyId = this.typeId(t.key, depth + 1);
    if (t.elem !== null) elemId = this.typeId(t.elem, depth + 1);
    if (t.k === EncodeKind.Struct) {
      fieldIds = [];
      for (const ft of t.fieldTypes) fieldIds.push(this.typeId(ft, depth + 1));
    }
    const s = o.beginLength();
    o.writeInt(-id);
    switch (t.k) {
      case EncodeKind.Array:
        o.writeUint(1);
        this.common(t.name, id);
        o.writeUint(1);
        o.writeInt(elemId);
        if (t.len > 0) {
          o.writeUint(1);
          o.writeInt(t.len);
        }
        break;
      case EncodeKind.Slice:
        o.writeUint(2);
        this.common(t.name, id);
        o.writeUint(1);
        o.writeInt(elemId);
        break;
      case EncodeKind.Struct: {
        o.writeUint(3);
        this.common(t.name, id);
        const n = t.fieldNames.length;
        if (n > 0) {
          o.writeUint(1);
          o.writeUint(n);
          for (let i = 0; i < n; i++) {
            const name = t.fieldNames[i]!;
            if (name !== '') {
              o.writeUint(1);
              o.writeString(name);
              o.writeUint(1);
            } else {
              o.writeUint(2);
            }
            o.writeInt(fieldIds![i]!);
            o.writeUint(0);
          }
        }
        break;
      }
      case EncodeKind.Map:
        o.writeUint(4);
        this.common(t.name, id);
        o.writeUint(1);
        o.writeInt(keyId);
        o.writeUint(1);
        o.writeInt(elemId);
        break;
      default: // EncodeKind.Time: a GobEncoder, as Go sends time.Time
        o.writeUint(5);
        this.common('Time', id);
        break;
    }
    o.writeUint(0); // end of the xxxType struct
    o.writeUint(0); // end of wireType
    o.endLength(s);
    return id;
  }

  /** common writes field 0 (CommonType{Name, Id}) of a type struct. */
  private common(name: string, id: number): void {
    const o = this.out;
    o.writeUint(1);
    if (name !== '') {
      o.writeUint(1);
      o.writeString(name);
      o.writeUint(1);
    } else {
      o.writeUint(2);
    }
    o.writeInt(id);
    o.writeUint(0);
  }

  private struct(b: GobWriter, t: EncType, v: unknown, depth: number): void {
    if (depth > this.maxDepth) throw encodeError(`value nests deeper than ${this.maxDepth} levels`);
    if (v === null || v === undefined) {
      if (depth === 1) {
        b.writeUint(0);
        return;
      }
      throw encodeError('cannot encode a nil struct');
    }
    if (typeof v !== 'object' || Array.isArray(v)) throw encodeError(`cannot encode ${describe(v)} as a struct`);
    const obj = v as Record<string, unknown>;
    const names = t.fieldNames;
    const types = t.fieldTypes;
    const order = sparseFields(t, obj);
    const n = order === null ? names.length : order.length;
    let last = -1;
    for (let j = 0; j < n; j++) {
      const i = order === null ? j : order[j]!;
      const x = obj[names[i]!];
      if (x === null || x === undefined) continue;
      const ft = types[i]!;
      if (isZero(ft, x)) continue;
      b.writeUint(i - last);
      last = i;
      if (ft.k === EncodeKind.Struct) this.struct(b, ft, x, depth + 1);
      else this.value(b, ft, x, depth + 1);
    }
    b.writeUint(0);
  }

  private value(b: GobWriter, t: EncType, v: unknown, depth: number): void {
    switch (t.k) {
      case EncodeKind.Bool:
        if (typeof v !== 'boolean') throw mismatch('bool', v);
        b.writeUint(v ? 1 : 0);
        return;
      case EncodeKind.Int:
        writeInt(b, v, t.bits);
        return;
      case EncodeKind.Uint:
        writeUint(b, v, t.bits);
        return;
      case EncodeKind.Float:
        if (typeof v !== 'number') throw mismatch('float', v);
        b.writeFloat(v);
        return;
      case EncodeKind.Bytes:
        if (!(v instanceof Uint8Array)) throw mismatch('[]byte', v);
        b.writeBytes(v);
        return;
      case EncodeKind.String:
        if (v instanceof Uint8Array) {
          b.writeBytes(v); // a raw string: its bytes as they are
          return;
        }
        if (typeof v !== 'string') throw mismatch('string', v);
        b.writeString(v);
        return;
      case EncodeKind.Complex: {
        if (typeof v === 'number') {
          b.writeFloat(v);
          b.writeFloat(0);
          return;
        }
        const c = v as { real?: unknown; imag?: unknown } | null;
        if (typeof c !== 'object' || c === null || typeof c.real !== 'number' || typeof c.imag !== 'number') throw mismatch('complex ({real, imag})', v);
        b.writeFloat(c.real);
        b.writeFloat(c.imag);
        return;
      }
      case EncodeKind.Interface:
        this.iface(b, v, depth, t.concrete);
        return;
      case EncodeKind.Struct:
        this.struct(b, t, v, depth);
        return;
      case EncodeKind.Array:
      case EncodeKind.Slice: {
        if (depth > this.maxDepth) throw encodeError(`value nests deeper than ${this.maxDepth} levels`);
        if (!Array.isArray(v)) throw mismatch(t.k === EncodeKind.Slice ? 'slice' : 'array', v);
        if (t.k === EncodeKind.Array && v.length !== t.len) throw encodeError(`array of length ${v.length} for [${t.len}] type`);
        b.writeUint(v.length);
        const elem = t.elem!;
        for (let i = 0; i < v.length; i++) this.element(b, elem, v[i], depth + 1);
        return;
      }
      case EncodeKind.Map: {
        if (depth > this.maxDepth) throw encodeError(`value nests deeper than ${this.maxDepth} levels`);
        const key = t.key!;
        const elem = t.elem!;
        if (v instanceof Map) {
          b.writeUint(v.size);
          for (const [k, x] of v) {
            this.element(b, key, k, depth + 1);
            this.element(b, elem, x, depth + 1);
          }
          return;
        }
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw mismatch('map', v);
        const obj = v as Record<string, unknown>;
        const keys = Object.keys(obj);
        b.writeUint(keys.length);
        for (const k of keys) {
          this.element(b, key, k, depth + 1);
          this.element(b, elem, obj[k], depth + 1);
        }
        return;
      }
      default: {
        if (!(v instanceof Date)) throw mismatch('time.Time (Date)', v);
        const bytes = encodeGoTime(v);
        if (bytes === null) throw encodeError('cannot encode an invalid Date');
        b.writeBytes(bytes);
      }
    }
  }

  private element(b: GobWriter, t: EncType, v: unknown, depth: number): void {
    if (v === null || v === undefined) {
      if (t.k === EncodeKind.Interface) {
        b.writeUint(0);
        return;
      }
      throw encodeError('cannot encode a nil element');
    }
    this.value(b, t, v, depth);
  }

  /** iface writes an interface value `{type, value}`; its concrete type is declared in `concrete` or inferred. */
  private iface(b: GobWriter, v: unknown, depth: number, concrete?: Readonly<Record<string, GoType>>): void {
    if (v === null || v === undefined) {
      b.writeUint(0);
      return;
    }
    if (depth > this.maxDepth) throw encodeError(`value nests deeper than ${this.maxDepth} levels`);
    const iv = v as { type?: unknown; value?: unknown };
    if (typeof iv !== 'object' || typeof iv.type !== 'string' || iv.type === '') {
      throw encodeError('an interface value must be { type: registeredGoName, value } or null');
    }
    const declared = concrete !== undefined && Object.hasOwn(concrete, iv.type) ? concrete[iv.type] : undefined;
    const ct = declared !== undefined ? fromGoType(declared, this.maxDepth) : (concreteType(iv) ?? inferType(iv.value, this.maxDepth));
    if (ct === null) throw encodeError(`cannot infer the concrete type of interface value ${JSON.stringify(iv.type)}`);
    b.writeString(iv.type);
    b.writeInt(this.typeId(ct, 0));
    const start = b.beginLength();
    this.top(b, ct, iv.value, depth + 1);
    b.endLength(start);
  }
}

function isZero(t: EncType, x: unknown): boolean {
  switch (t.k) {
    case EncodeKind.Bool:
      return x === false;
    case EncodeKind.Int:
    case EncodeKind.Uint:
    case EncodeKind.Float:
      return x === 0 || x === 0n;
    case EncodeKind.String:
      return x === '';
    case EncodeKind.Bytes:
    case EncodeKind.Slice:
      return (x instanceof Uint8Array || Array.isArray(x)) && x.length === 0;
    case EncodeKind.Map:
      return false; // Go sends an empty map; only nil (null) is left out
    case EncodeKind.Time:
      return isZeroTime(x);
    case EncodeKind.Complex: {
      const c = x as { real?: unknown; imag?: unknown };
      return x === 0 || (typeof c === 'object' && c.real === 0 && c.imag === 0);
    }
    default:
      return false;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

function mismatch(want: string, v: unknown): RpcError {
  return encodeError(`cannot encode ${describe(v)} as ${want}`);
}

function writeInt(b: GobWriter, v: unknown, bits: number): void {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw encodeError(`cannot encode ${v} as an int`);
    const lim = 2 ** (bits - 1);
    if (v < -lim || v >= lim) throw encodeError(`${v} overflows int${bits}`);
    b.writeInt(v);
    return;
  }
  if (typeof v === 'bigint') {
    const lim = 1n << BigInt(bits - 1);
    if (v < -lim || v >= lim) throw encodeError(`${v} overflows int${bits}`);
    b.writeIntBig(v);
    return;
  }
  throw mismatch('int', v);
}

function writeUint(b: GobWriter, v: unknown, bits: number): void {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0) throw encodeError(`cannot encode ${v} as a uint`);
    if (v >= 2 ** bits) throw encodeError(`${v} overflows uint${bits}`);
    b.writeUint(v);
    return;
  }
  if (typeof v === 'bigint') {
    if (v < 0n || v >= 1n << BigInt(bits)) throw encodeError(`${v} overflows uint${bits}`);
    b.writeUintBig(v);
    return;
  }
  throw mismatch('uint', v);
}
