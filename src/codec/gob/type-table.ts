import { protocolError, UnsupportedValueError } from './errors.js';
import type { GobReader } from './reader.js';
import { GOB_KINDS } from './kinds.js';
import type { EncType } from './enc-type.js';

/** Kind numbers of decoded gob types (the scalar ones equal their type ids). */
export const DecodeKind = {
  ...GOB_KINDS,
  /** GobEncoder / BinaryMarshaler / TextMarshaler: an opaque byte payload. */
  External: 13,
} as const;

/** Lowest type id a sender may define (ids below are predefined by gob). */
export const FIRST_USER_ID = 64;

/** Most type definitions accepted on one stream. */
export const MAX_TYPES = 65536;

/**
 * MAX_TYPE_TABLE_BYTES bounds the memory one stream's type definitions may
 * hold, as estimated by {@link footprint}. A definition takes at least 3
 * bytes a field and 8 a type on the wire and is charged 24 a field (its
 * field lists) and 288 a type, so the table holds at most
 * DEFINITION_COST_FACTOR times the bytes that defined it (8 times for
 * struct types with many fields), and never more than this.
 */
export const MAX_TYPE_TABLE_BYTES = 4 * 1024 * 1024;

/** DEFINITION_COST_FACTOR bounds a definition's estimated heap by its bytes on the wire (see MAX_TYPE_TABLE_BYTES). */
export const DEFINITION_COST_FACTOR = 36;

/** TYPE_BYTES and FIELD_BYTES are a definition's estimated heap: the DecType and its table entry, and per struct field. */
const TYPE_BYTES = 288;
const FIELD_BYTES = 24;

/** NO_IDS and NO_NAMES are the field lists of every type that is not a struct (never written to). */
const NO_IDS: number[] = Object.freeze([]) as unknown as number[];
const NO_NAMES: string[] = Object.freeze([]) as unknown as string[];
const NO_FIELDS: DecType[] = Object.freeze([]) as unknown as DecType[];

/**
 * DecType is a type the peer defined (or a predefined one). Child types are
 * linked by reference once `resolved` is set; until then only the ids are known.
 */
export class DecType {
  kind: number;
  id: number;
  name: string;
  /** Array length. */
  len = 0;
  elemId = 0;
  keyId = 0;
  fieldIds: number[] = NO_IDS;
  fieldNames: string[] = NO_NAMES;
  elem: DecType | null = null;
  key: DecType | null = null;
  fields: DecType[] = NO_FIELDS;
  resolved: boolean;
  /** An External type named Time: decoded as a Date when its bytes are a valid time.Time. */
  isTime = false;
  /**
   * An External type with no name: Go sends a top-level pointer to a
   * GobEncoder (net/rpc's `*time.Time` reply) under the name ''. Decoded as
   * a Date only when its bytes are a plausible time.Time within Date's range.
   */
  maybeTime = false;
  /** Used by resolve() to find cycles of arrays. */
  mark = 0;
  /** zeroExpansion's result once computed, else -1. */
  expansion = -1;
  /** encTypeOfWire's result once computed (null: none), else undefined. */
  encType: EncType | null | undefined = undefined;

  constructor(kind: number, id: number, name: string, resolved: boolean) {
    this.kind = kind;
    this.id = id;
    this.name = name;
    this.resolved = resolved;
  }
}

const predefined: DecType[] = [];
for (const [name, kind] of [
  ['bool', DecodeKind.Bool],
  ['int', DecodeKind.Int],
  ['uint', DecodeKind.Uint],
  ['float', DecodeKind.Float],
  ['bytes', DecodeKind.Bytes],
  ['string', DecodeKind.String],
  ['complex', DecodeKind.Complex],
  ['interface', DecodeKind.Interface],
] as const) {
  predefined[kind] = new DecType(kind, kind, name, true);
}

/** badField rejects a field number the type-definition structs do not have (Go never sends one). */
function badField(where: string, field: number): never {
  throw protocolError(`unknown field ${field} in ${where}`);
}

/** readCommon reads a CommonType {Name string; Id int} and returns the name. */
function readCommon(r: GobReader): string {
  let name = '';
  let field = -1;
  for (;;) {
    const d = r.readSmallUint('field delta');
    if (d === 0) return name;
    field += d;
    if (field === 0) name = r.readString();
    else if (field === 1) r.readSmallInt('type id');
    else badField('CommonType', field);
  }
}

function readTypeId(r: GobReader): number {
  const id = r.readSmallInt('type id');
  if (id <= 0) throw protocolError(`invalid type id ${id}`);
  return id;
}

/** readFieldList reads []*fieldType into t. */
function readFieldList(r: GobReader, t: DecType): void {
  const n = r.readCount('struct field count', 1);
  const names = new Array<string>(n);
  const ids = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let name = '';
    let id = 0;
    let field = -1;
    for (;;) {
      const d = r.readSmallUint('field delta');
      if (d === 0) break;
      field += d;
      if (field === 0) name = r.readString();
      else if (field === 1) id = readTypeId(r);
      else badField('fieldType', field);
    }
    if (id === 0) throw protocolError(`struct field ${JSON.stringify(name)} has no type`);
    if (name === '__proto__') throw protocolError('invalid struct field name __proto__');
    names[i] = name;
    ids[i] = id;
  }
  t.fieldNames = names;
  t.fieldIds = ids;
}

/** footprint estimates the heap a definition holds once resolved (see MAX_TYPE_TABLE_BYTES). */
function footprint(t: DecType): number {
  let n = TYPE_BYTES + t.name.length;
  const names = t.fieldNames;
  for (let i = 0; i < names.length; i++) n += FIELD_BYTES + (names[i]!.length > 0 ? 24 + names[i]!.length : 0);
  return n;
}

/**
 * readWireType reads a wireType value (the body of a type definition
 * message) and returns the unresolved type it defines as `id`.
 * The layout is fixed, so this reads without recursion.
 */
export function readWireType(r: GobReader, id: number): DecType {
  let t: DecType | null = null;
  let field = -1;
  for (;;) {
    const d = r.readSmallUint('field delta');
    if (d === 0) break;
    field += d;
    if (t !== null) throw protocolError(`type ${id} defines more than one kind`);
    let kind: number;
    switch (field) {
      case 0: kind = DecodeKind.Array; break;
      case 1: kind = DecodeKind.Slice; break;
      case 2: kind = DecodeKind.Struct; break;
      case 3: kind = DecodeKind.Map; break;
      case 4: case 5: case 6: kind = DecodeKind.External; break;
      default: badField('wireType', field);
    }
    t = new DecType(kind, id, '', false);
    let f = -1;
    for (;;) {
      const fd = r.readSmallUint('field delta');
      if (fd === 0) break;
      f += fd;
      if (f === 0) {
        t.name = readCommon(r);
        continue;
      }
      switch (kind) {
        case DecodeKind.Array:
          if (f === 1) t.elemId = readTypeId(r);
          else if (f === 2) {
            const len = r.readSmallInt('array length');
            if (len < 0) throw protocolError(`negative array length ${len}`);
            t.len = len;
          } else badField('arrayType', f);
          break;
        case DecodeKind.Slice:
          if (f === 1) t.elemId = readTypeId(r);
          else badField('sliceType', f);
          break;
        case DecodeKind.Struct:
          if (f === 1) readFieldList(r, t);
          else badField('structType', f);
          break;
        case DecodeKind.Map:
          if (f === 1) t.keyId = readTypeId(r);
          else if (f === 2) t.elemId = readTypeId(r);
          else badField('mapType', f);
          break;
        default:
          badField('gobEncoderType', f);
      }
    }
    if ((kind === DecodeKind.Array || kind === DecodeKind.Slice || kind === DecodeKind.Map) && t.elemId === 0) {
      throw protocolError(`type ${id} has no element type`);
    }
    if (kind === DecodeKind.Map && t.keyId === 0) throw protocolError(`map type ${id} has no key type`);
    if (kind === DecodeKind.External) {
      t.isTime = t.name === 'Time' || t.name === 'time.Time';
      t.maybeTime = t.name === '';
    }
  }
  if (t === null) throw protocolError(`empty type definition for id ${id}`);
  t.resolved = t.kind === DecodeKind.External;
  return t;
}

/**
 * TypeTable is one stream's decode-side type table: the predefined types
 * plus the sender's definitions, keyed by the sender's ids.
 */
export class TypeTable {
  private readonly types = new Map<number, DecType>();
  private stamp = 0;
  private held = 0;
  private readonly maxBytes: number;

  constructor(maxBytes = MAX_TYPE_TABLE_BYTES) {
    this.maxBytes = maxBytes;
  }

  /** peek returns the resolved type `id` when it is defined and valid, else undefined (never throws). */
  peek(id: number): DecType | undefined {
    try {
      return this.get(id);
    } catch {
      return undefined;
    }
  }

  /** bytes is the estimated heap the definitions hold (see MAX_TYPE_TABLE_BYTES). */
  get bytes(): number {
    return this.held;
  }

  /**
   * define records a type definition; ids must be new and not predefined,
   * and the table must stay within its count and byte limits
   * (a ProtocolError otherwise).
   */
  define(t: DecType): void {
    if (t.id < FIRST_USER_ID) throw protocolError(`type definition for reserved id ${t.id}`);
    if (this.types.has(t.id)) throw protocolError(`duplicate type id ${t.id}`);
    if (this.types.size >= MAX_TYPES) throw protocolError(`more than ${MAX_TYPES} type definitions`);
    const cost = footprint(t);
    if (this.held + cost > this.maxBytes) throw protocolError(`type definitions take more than ${this.maxBytes} bytes`);
    this.held += cost;
    this.types.set(t.id, t);
  }

  private lookup(id: number): DecType {
    const t = predefined[id] ?? this.types.get(id);
    if (t !== undefined) return t;
    if (id >= 16 && id < FIRST_USER_ID) throw new UnsupportedValueError(`rpc: gob: unsupported predefined type id ${id}`);
    throw protocolError(`undefined type id ${id}`);
  }

  /**
   * get returns the type `id` with every type it reaches linked. It throws
   * a ProtocolError when one of them is undefined, or when arrays contain
   * themselves (a value of such a type could never end). Iterative.
   */
  get(id: number): DecType {
    const root = this.lookup(id);
    if (root.resolved) return root;
    const pending: DecType[] = [root];
    const linked: DecType[] = [];
    const seen = new Set<DecType>([root]);
    while (pending.length > 0) {
      const t = pending.pop()!;
      linked.push(t);
      if (t.elemId !== 0) t.elem = this.lookup(t.elemId);
      if (t.keyId !== 0) t.key = this.lookup(t.keyId);
      if (t.kind === DecodeKind.Struct) {
        const ids = t.fieldIds;
        const fields = new Array<DecType>(ids.length);
        for (let i = 0; i < ids.length; i++) fields[i] = this.lookup(ids[i]!);
        t.fields = fields;
      }
      for (const c of [t.elem, t.key]) {
        if (c !== null && !c.resolved && !seen.has(c)) {
          seen.add(c);
          pending.push(c);
        }
      }
      for (const c of t.fields) {
        if (!c.resolved && !seen.has(c)) {
          seen.add(c);
          pending.push(c);
        }
      }
    }
    // Arrays have one out-edge each: walk chains of arrays, stamping each
    // walk, to find a cycle in linear time.
    for (const t of linked) {
      if (t.kind !== DecodeKind.Array || t.mark !== 0) continue;
      const s = ++this.stamp;
      let c: DecType | null = t;
      while (c !== null && c.kind === DecodeKind.Array && !c.resolved) {
        if (c.mark === s) throw protocolError(`array type ${c.id} contains itself`);
        if (c.mark !== 0) break;
        c.mark = s;
        c = c.elem;
      }
    }
    for (const t of linked) t.resolved = true;
    return root;
  }
}
