import { zeroExpansion } from './cost-bound.js';
import { protocolError, tooDeepError } from './errors.js';
import { GobReader } from './reader.js';
import { Level, LevelKind, SUSPENDED } from './suspension.js';
import { decodeExternal } from './time.js';
import { DecType, DecodeKind, readWireType, TypeTable } from './type-table.js';
import { ValueBudget } from './value-budget.js';
import { rememberInterface, rememberWireType } from './wire-memory.js';
import { zeroValue } from './zero.js';

/**
 * GobInterfaceValue is how a decoded Go interface value is represented:
 * the name the Go side registered the concrete type under (gob.Register)
 * and the decoded concrete value. A nil interface decodes as null.
 * The encoder accepts the same shape for fields whose GoType is 'interface'.
 */
export interface GobInterfaceValue {
  readonly type: string;
  readonly value: unknown;
}

/**
 * ValueReader reads gob values from the message in its reader `r`, with
 * the stream's type table, as {@link StreamDecoder} documents them.
 * Nesting is bounded by `maxDepth` and the values one value produces by
 * `budget`. A reader that reaches the end of the message inside a value
 * records the levels it was in (`saved`) and returns SUSPENDED; resume()
 * carries on from there with the next message in `r`. It is the value half
 * of StreamDecoder, which frames messages and owns the continuation state.
 */
export class ValueReader {
  /** The message being read. */
  protected readonly r = new GobReader();
  /** The stream's type definitions so far. */
  protected readonly table = new TypeTable();
  /** Levels of the value being continued, innermost first; empty when none. */
  protected readonly saved: Level[] = [];
  /** The values the current value may still produce. */
  protected readonly budget: ValueBudget;
  /**
   * Whether decoded values remember the wire type they arrived as (see
   * rememberWireType); off for values that are never encoded again (net/rpc's
   * headers), which then cost no WeakMap entry.
   */
  remember = true;

  /** `maxValues` bounds the values one value may produce (and sizes `budget`). */
  constructor(protected readonly maxDepth: number, protected readonly maxValues: number) {
    this.budget = new ValueBudget(maxValues);
  }

  /** topValue decodes a value as sent at top level or inside an interface; SUSPENDED when the message ends inside it. */
  protected topValue(t: DecType, depth: number): unknown {
    if (t.kind === DecodeKind.Struct) {
      this.budget.spend(1);
      return this.struct(t, depth);
    }
    if (this.r.readSmallUint('field delta') !== 0) throw protocolError('non-zero delta for singleton value');
    return this.value(t, depth);
  }

  private value(t: DecType, depth: number): unknown {
    const r = this.r;
    const budget = this.budget;
    if (--budget.left < 0) budget.spend(0);
    switch (t.kind) {
      case DecodeKind.Bool: {
        const u = r.readUint();
        if (u !== 0 && u !== 1) throw protocolError('invalid bool');
        return u === 1;
      }
      case DecodeKind.Int:
        return r.readInt();
      case DecodeKind.Uint:
        return r.readUint();
      case DecodeKind.Float:
        return r.readFloat();
      case DecodeKind.Bytes:
        return r.readBytes();
      case DecodeKind.String:
        return r.readString();
      case DecodeKind.Complex: {
        const real = r.readFloat();
        return { real, imag: r.readFloat() };
      }
      case DecodeKind.Interface:
        return this.iface(depth);
      case DecodeKind.Struct:
        return this.struct(t, depth);
      case DecodeKind.Array:
      case DecodeKind.Slice: {
        if (depth > this.maxDepth) throw tooDeepError(this.maxDepth);
        const n = this.count(t.elem!, 'element count', 1);
        if (t.kind === DecodeKind.Array && n !== t.len) throw protocolError(`array length ${n}, want ${t.len}`);
        const list = this.list(t.elem!, new Array<unknown>(n), 0, depth);
        if (list !== SUSPENDED && this.remember) rememberWireType(list as object, t);
        return list;
      }
      case DecodeKind.Map: {
        const m = this.map(t, depth);
        if (m !== SUSPENDED && this.remember) rememberWireType(m as object, t);
        return m;
      }
      default:
        return decodeExternal(t, r.readBytes());
    }
  }

  /**
   * count reads the length of a slice, array or map and checks it before
   * anything is allocated: against the bytes left in the message, at
   * `minBytes` an element; or, when the elements may hold interfaces (whose
   * value Go may continue in later messages, so the bytes are not all
   * here), against the value budget.
   */
  private count(elem: DecType, what: string, minBytes: number): number {
    if (zeroExpansion(elem, this.maxValues) !== Infinity) return this.r.readCount(what, minBytes);
    const n = this.r.readSmallUint(what);
    if (n > this.budget.left) this.budget.spend(n);
    return n;
  }

  /** list decodes elements `i`… of `out` (a slice or array being built). */
  private list(elem: DecType, out: unknown[], i: number, depth: number): unknown {
    for (const n = out.length; i < n; i++) {
      const v = this.value(elem, depth + 1);
      if (v === SUSPENDED) return this.suspend(LevelKind.List, elem, out, i, 0, undefined, 0, depth);
      out[i] = v;
    }
    return out;
  }

  private struct(t: DecType, depth: number): unknown {
    if (depth > this.maxDepth) throw tooDeepError(this.maxDepth);
    return this.fields(t, {}, -1, 0, depth);
  }

  /** fields decodes the struct fields that follow field number `field`, `seen` of them already in `obj`. */
  private fields(t: DecType, obj: Record<string, unknown>, field: number, seen: number, depth: number): unknown {
    const r = this.r;
    const names = t.fieldNames;
    const types = t.fields;
    const nf = names.length;
    for (;;) {
      const d = r.readSmallUint('field delta');
      if (d === 0) break;
      field += d;
      if (field >= nf) throw protocolError(`field ${field} out of range for type ${t.id}`);
      const v = this.value(types[field]!, depth + 1);
      if (v === SUSPENDED) return this.suspend(LevelKind.Struct, t, obj, field, seen, undefined, 0, depth);
      obj[names[field]!] = v;
      seen++;
    }
    if (seen < nf) {
      this.budget.spend(nf - seen);
      for (let i = 0; i < nf; i++) {
        const name = names[i]!;
        if (!Object.hasOwn(obj, name)) obj[name] = zeroValue(types[i]!, depth + 1, this.maxDepth, this.budget);
      }
    }
    if (this.remember) rememberWireType(obj, t);
    return obj;
  }

  private map(t: DecType, depth: number): unknown {
    if (depth > this.maxDepth) throw tooDeepError(this.maxDepth);
    const n = this.count(t.elem!, 'map size', 2);
    if (t.key!.kind === DecodeKind.String) return this.stringMap(t.elem!, {}, 0, n, depth);
    return this.anyMap(t, new Map<unknown, unknown>(), 0, n, undefined, 0, depth);
  }

  /** stringMap decodes entries `i`… of `n` of a map with string keys into `obj`. */
  private stringMap(elem: DecType, obj: Record<string, unknown>, i: number, n: number, depth: number): unknown {
    for (; i < n; i++) {
      this.budget.spend(1);
      const k = this.r.readString();
      const v = this.value(elem, depth + 1);
      if (v === SUSPENDED) return this.suspend(LevelKind.StringMap, elem, obj, i, n, k, 0, depth);
      setEntry(obj, k, v);
    }
    return obj;
  }

  /** anyMap decodes entries `i`… of `n` into `m`; `stage` 1 means the key of entry `i` is `k` already. */
  private anyMap(t: DecType, m: Map<unknown, unknown>, i: number, n: number, k: unknown, stage: number, depth: number): unknown {
    for (; i < n; i++, stage = 0) {
      if (stage === 0) {
        k = this.value(t.key!, depth + 1);
        if (k === SUSPENDED) return this.suspend(LevelKind.Map, t, m, i, n, undefined, 0, depth);
      }
      const v = this.value(t.elem!, depth + 1);
      if (v === SUSPENDED) return this.suspend(LevelKind.Map, t, m, i, n, k, 1, depth);
      m.set(k, v);
    }
    return m;
  }

  private iface(depth: number): unknown {
    if (depth > this.maxDepth) throw tooDeepError(this.maxDepth);
    const name = this.r.readString();
    if (name === '') return null;
    if (name.length > 1024) throw protocolError('interface type name longer than 1024 bytes');
    return this.ifaceTypes(name, depth);
  }

  /** ifaceTypes reads an interface's type sequence and then its concrete value. */
  private ifaceTypes(name: string, depth: number): unknown {
    const id = this.typeSequence();
    if (id === 0) return this.suspend(LevelKind.Interface, null, undefined, 0, 0, name, 0, depth);
    this.r.readUint(); // byte count of the value; only useful to skip it
    const concrete = this.table.get(id);
    const v = this.topValue(concrete, depth + 1);
    if (v === SUSPENDED) return this.suspend(LevelKind.Interface, concrete, undefined, 0, 0, name, 1, depth);
    const iv: GobInterfaceValue = { type: name, value: v };
    if (this.remember) rememberInterface(iv, concrete);
    return iv;
  }

  /**
   * typeSequence reads the type definitions that may precede an interface's
   * concrete type id, as Go's decoder does. It returns the concrete id, or
   * 0 when the message ends first: the sequence goes on in the next message.
   */
  private typeSequence(): number {
    const r = this.r;
    for (;;) {
      if (r.pos >= r.end) return 0;
      const id = r.readSmallInt('type id');
      if (id > 0) return id;
      if (id === 0) throw protocolError('invalid type id 0');
      this.table.define(readWireType(r, -id));
      if (r.pos < r.end) r.readUint();
    }
  }

  /** suspend records a level interrupted by the end of a message and passes SUSPENDED up. */
  private suspend(kind: number, type: DecType | null, into: unknown, index: number, count: number, key: unknown, stage: number, depth: number): typeof SUSPENDED {
    this.saved.push(new Level(kind, type, into, index, count, key, stage, depth));
    return SUSPENDED;
  }

  /**
   * resume carries on with the outermost suspended level in `saved` (each
   * level resumes the one inside it first), reading the next message in
   * `r`; SUSPENDED when that message ends inside the value too.
   */
  protected resume(): unknown {
    const s = this.saved.pop()!;
    if (s.kind === LevelKind.Interface && s.stage === 0) return this.ifaceTypes(s.key as string, s.depth);
    const v = this.resume();
    if (v === SUSPENDED) {
      this.saved.push(s);
      return SUSPENDED;
    }
    switch (s.kind) {
      case LevelKind.List: {
        const out = s.into as unknown[];
        out[s.index] = v;
        return this.list(s.type!, out, s.index + 1, s.depth);
      }
      case LevelKind.Struct: {
        const obj = s.into as Record<string, unknown>;
        obj[s.type!.fieldNames[s.index]!] = v;
        return this.fields(s.type!, obj, s.index, s.count + 1, s.depth);
      }
      case LevelKind.StringMap: {
        const obj = s.into as Record<string, unknown>;
        setEntry(obj, s.key as string, v);
        return this.stringMap(s.type!, obj, s.index + 1, s.count, s.depth);
      }
      case LevelKind.Map: {
        const m = s.into as Map<unknown, unknown>;
        if (s.stage === 0) return this.anyMap(s.type!, m, s.index, s.count, v, 1, s.depth);
        m.set(s.key, v);
        return this.anyMap(s.type!, m, s.index + 1, s.count, undefined, 0, s.depth);
      }
      default: {
        const iv: GobInterfaceValue = { type: s.key as string, value: v };
        if (s.type !== null && this.remember) rememberInterface(iv, s.type);
        return iv;
      }
    }
  }
}

/** setEntry stores a decoded map entry; a `__proto__` key becomes an own property, never the prototype. */
function setEntry(obj: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
  else obj[k] = v;
}
