/**
 * Builders of hostile messages, one per class of decoding attack, sized by
 * parameters so the property tests can generate a family of each (and
 * measurement scripts can build the large ones): gob structs whose omitted
 * fields are rebuilt as zeros, gob lists of maps with differing keys (echoed
 * back, their reply type is inferred), gob values split across many
 * messages, gob type tables made of large definitions, msgpack values with
 * extension bodies, msgpack and JSON messages made of empty containers, and
 * JSON with mismatched brackets.
 */
import { gobCodec, measureGob } from '../../src/codec/gob/gob-codec.js';
import { GobWriter } from '../../src/codec/gob/writer.js';
import { clientCodecOf } from './harness.js';
import { encodeRequest, encodeResponse } from '../support/codec-messages.js';

/** GOB_INT, GOB_STRING and GOB_INTERFACE are gob's predefined type ids. */
export const GOB_INT = 2;
export const GOB_STRING = 6;
export const GOB_INTERFACE = 8;

/** gobFrame wraps a payload written by `fill` in a gob length prefix. */
export function gobFrame(fill: (w: GobWriter) => void): Buffer {
  const w = new GobWriter();
  const s = w.beginLength();
  fill(w);
  w.endLength(s);
  return Buffer.from(w.take());
}

/** commonType writes field 0 of a wireType's xxxType: CommonType{Name, Id}. */
function commonType(w: GobWriter, id: number, name = ''): void {
  w.writeUint(1); // CommonType
  if (name !== '') {
    w.writeUint(1);
    w.writeString(name);
    w.writeUint(1);
  } else {
    w.writeUint(2);
  }
  w.writeInt(id);
  w.writeUint(0);
}

/** gobSliceDef defines `id` as []elem. */
export function gobSliceDef(id: number, elem: number): Buffer {
  return gobFrame((w) => {
    w.writeInt(-id);
    w.writeUint(2); // wireType.SliceT
    commonType(w, id);
    w.writeUint(1);
    w.writeInt(elem);
    w.writeUint(0);
    w.writeUint(0);
  });
}

/** gobArrayDef defines `id` as [len]elem. */
export function gobArrayDef(id: number, elem: number, len: number): Buffer {
  return gobFrame((w) => {
    w.writeInt(-id);
    w.writeUint(1); // wireType.ArrayT
    commonType(w, id);
    w.writeUint(1);
    w.writeInt(elem);
    w.writeUint(1);
    w.writeInt(len);
    w.writeUint(0);
    w.writeUint(0);
  });
}

/** gobMapDef defines `id` as map[key]elem. */
export function gobMapDef(id: number, key: number, elem: number): Buffer {
  return gobFrame((w) => {
    w.writeInt(-id);
    w.writeUint(4); // wireType.MapT
    commonType(w, id);
    w.writeUint(1);
    w.writeInt(key);
    w.writeUint(1);
    w.writeInt(elem);
    w.writeUint(0);
    w.writeUint(0);
  });
}

/** writeStructType writes a StructT wireType body (after the type id) with the given fields. */
function writeStructType(w: GobWriter, id: number, fields: readonly (readonly [string, number])[], name = ''): void {
  w.writeUint(3); // wireType.StructT
  commonType(w, id, name);
  w.writeUint(1); // Field
  w.writeUint(fields.length);
  for (const [fieldName, fieldId] of fields) {
    if (fieldName !== '') {
      w.writeUint(1);
      w.writeString(fieldName);
      w.writeUint(1);
    } else {
      w.writeUint(2);
    }
    w.writeInt(fieldId);
    w.writeUint(0);
  }
  w.writeUint(0);
  w.writeUint(0);
}

/** gobStructDef defines `id` as a struct with the given [name, type id] fields. */
export function gobStructDef(id: number, fields: readonly (readonly [string, number])[], name = ''): Buffer {
  return gobFrame((w) => {
    w.writeInt(-id);
    writeStructType(w, id, fields, name);
  });
}

/** intFields returns `count` int fields named F0, F1, ... */
export function intFields(count: number): [string, number][] {
  return Array.from({ length: count }, (_, i) => [`F${i}`, GOB_INT] as [string, number]);
}

/** splitGob cuts a gob byte stream into its length-prefixed messages (an incomplete tail is left out). */
export function splitGob(bytes: Uint8Array): Buffer[] {
  const frames: Buffer[] = [];
  for (let p = 0; p < bytes.length; ) {
    const n = measureGob(bytes, p, bytes.length);
    if (n < 0) break;
    frames.push(Buffer.from(bytes.subarray(p, p + n)));
    p += n;
  }
  return frames;
}

/**
 * gobRequestHeader returns what a stock client sends before a call's body:
 * the `rpc.Request` type definition (on the first call of a stream) and the
 * header value for `method`.
 */
export function gobRequestHeader(method: string, seq = 1): Buffer {
  return Buffer.concat(splitGob(encodeRequest(clientCodecOf('gob'), seq, method, 0)).slice(0, -1));
}

/** gobResponseHeader is gobRequestHeader's mirror: what a server sends before a reply's body. */
export function gobResponseHeader(seq: number, method = 'Echo.Echo'): Buffer {
  const server = gobCodec.newServerCodec({ maxDepth: 100 });
  return Buffer.concat(splitGob(encodeResponse(server, seq, method, null, 0)).slice(0, -1));
}

/** A gob body: its type definitions and its value, as frames sent after a header. */
export interface GobBody {
  readonly frames: Buffer;
  /** Values a faithful decoder produces for it (structs, fields and elements, zeros included). */
  readonly values: number;
}

/**
 * gobZeroFill is a slice of `count` structs of `fields` int fields, every
 * field omitted (zero): each element is one byte on the wire but decodes to
 * an object of `fields` zeros.
 */
export function gobZeroFill(fields: number, count: number, firstId = 2000): GobBody {
  const structId = firstId;
  const sliceId = firstId + 1;
  const value = gobFrame((w) => {
    w.writeInt(sliceId);
    w.writeUint(0);
    w.writeUint(count);
    for (let i = 0; i < count; i++) w.writeUint(0);
  });
  return {
    frames: Buffer.concat([gobStructDef(structId, intFields(fields)), gobSliceDef(sliceId, structId), value]),
    values: 1 + count * (1 + fields),
  };
}

/**
 * gobKeyedMaps is a []map[string]int whose `count` maps each hold one entry
 * under a key no other map has (what a Go client sends for a list of
 * objects with differing keys): echoed, its reply type is the union of them.
 */
export function gobKeyedMaps(count: number, keyOf: (i: number) => string = (i) => `k${i}`, firstId = 2000): GobBody {
  const mapId = firstId;
  const sliceId = firstId + 1;
  const value = gobFrame((w) => {
    w.writeInt(sliceId);
    w.writeUint(0);
    w.writeUint(count);
    for (let i = 0; i < count; i++) {
      w.writeUint(1);
      w.writeString(keyOf(i));
      w.writeInt(i);
    }
  });
  return { frames: Buffer.concat([gobMapDef(mapId, GOB_STRING, GOB_INT), gobSliceDef(sliceId, mapId), value]), values: 1 + count * 3 };
}

/**
 * gobSplitInterface is a top-level interface value whose type sequence is
 * spread over `continuations` further messages, each a struct type
 * definition of `fieldsPerDef` fields, as Go's encoder splits a value
 * around the definitions of new concrete types; the last message holds the
 * concrete type id and the value (the int 7).
 */
export function gobSplitInterface(continuations: number, fieldsPerDef: number, firstId = 3000): Buffer {
  const frames: Buffer[] = [
    gobFrame((w) => {
      w.writeInt(GOB_INTERFACE);
      w.writeUint(0);
      w.writeString('T');
    }),
  ];
  const fields = intFields(fieldsPerDef);
  for (let i = 0; i < continuations; i++) {
    frames.push(
      gobFrame((w) => {
        w.writeInt(-(firstId + i));
        writeStructType(w, firstId + i, fields);
      }),
    );
  }
  frames.push(
    gobFrame((w) => {
      w.writeInt(GOB_INT);
      w.writeUint(2); // the value's byte count
      w.writeUint(0);
      w.writeInt(7);
    }),
  );
  return Buffer.concat(frames);
}

/** Where the interfaces of a split value sit. */
export type SplitContainer = 'struct' | 'slice' | 'map';

/** A gob stream of one value Go split across messages, and the value it decodes to. */
export interface SplitValue {
  /** The type definitions and the value's messages (after a request header). */
  readonly frames: Buffer;
  /** How many messages the value spans. */
  readonly messages: number;
  readonly expected: unknown;
}

/**
 * gobSplitValue is a value holding `count` interfaces, each of a concrete
 * struct type (of `fields` int fields, the first set to its position + 1)
 * sent for the first time: as Go's encoder does, each message ends after
 * the definition of the next interface's type, so the value spans
 * `count + 1` messages. The interfaces are the fields of a struct, the
 * elements of a []interface{} or the values of a map[string]interface{}.
 */
export function gobSplitValue(count: number, container: SplitContainer, fields = 1, firstId = 5000): SplitValue {
  const outer = firstId;
  const concrete = (i: number): number => firstId + 1 + i;
  const defs: Buffer[] = [];
  if (container === 'struct') defs.push(gobStructDef(outer, Array.from({ length: count }, (_, i) => [`I${i}`, GOB_INTERFACE] as [string, number])));
  else if (container === 'slice') defs.push(gobSliceDef(outer, GOB_INTERFACE));
  else defs.push(gobMapDef(outer, GOB_STRING, GOB_INTERFACE));
  const typeFields = intFields(fields);
  /** the next interface: its place in the container, its name and its type's definition; the message ends after it. */
  const startInterface = (w: GobWriter, i: number): void => {
    if (container === 'struct') w.writeUint(1);
    else if (container === 'map') w.writeString(`k${i}`);
    w.writeString(`T${i}`);
    w.writeInt(-concrete(i));
    writeStructType(w, concrete(i), typeFields);
  };
  /** the concrete value of interface i: its type id, its byte count and the struct {F0: i + 1}. */
  const finishInterface = (w: GobWriter, i: number): void => {
    const body = new GobWriter();
    body.writeUint(1);
    body.writeInt(i + 1);
    body.writeUint(0);
    w.writeInt(concrete(i));
    w.writeUint(body.pos);
    w.writeRaw(body.buf.subarray(0, body.pos));
  };
  const messages: Buffer[] = [];
  messages.push(
    gobFrame((w) => {
      w.writeInt(outer);
      if (container !== 'struct') {
        w.writeUint(0);
        w.writeUint(count);
      }
      if (count > 0) startInterface(w, 0);
      else if (container === 'struct') w.writeUint(0);
    }),
  );
  for (let i = 1; i <= count; i++) {
    messages.push(
      gobFrame((w) => {
        finishInterface(w, i - 1);
        if (i < count) startInterface(w, i);
        else if (container === 'struct') w.writeUint(0);
      }),
    );
  }
  const value = (i: number) => ({ type: `T${i}`, value: Object.fromEntries(typeFields.map(([name], f) => [name, f === 0 ? i + 1 : 0])) });
  const expected =
    container === 'struct'
      ? Object.fromEntries(Array.from({ length: count }, (_, i) => [`I${i}`, value(i)]))
      : container === 'slice'
        ? Array.from({ length: count }, (_, i) => value(i))
        : Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, value(i)]));
  return { frames: Buffer.concat([...defs, ...messages]), messages: messages.length, expected };
}

/** gobTypeFlood is `count` struct type definitions of `fields` fields each, with empty field names (3 bytes a field). */
export function gobTypeFlood(count: number, fields: number, firstId = 4000): Buffer {
  const list: [string, number][] = Array.from({ length: fields }, () => ['', GOB_INT]);
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) frames.push(gobStructDef(firstId + i, list));
  return Buffer.concat(frames);
}

/** msgpackRequest wraps an encoded argument in `[0, seq, method, [arg]]`. */
export function msgpackRequest(arg: Uint8Array, method = 'Echo.Echo', seq = 1): Buffer {
  const m = Buffer.from(method);
  return Buffer.concat([Buffer.from([0x94, 0x00, seq, 0xa0 | m.length]), m, Buffer.from([0x91]), arg]);
}

/** msgpackResponse wraps an encoded result in `[1, seq, nil, result]`. */
export function msgpackResponse(result: Uint8Array, seq = 0): Buffer {
  return Buffer.concat([Buffer.from([0x94, 0x01, seq, 0xc0]), result]);
}

/** msgpackArrayHeader is the header of an array of `n` elements. */
export function msgpackArrayHeader(n: number): Buffer {
  if (n < 16) return Buffer.from([0x90 | n]);
  if (n < 0x10000) return Buffer.from([0xdc, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = 0xdd;
  b.writeUInt32BE(n, 1);
  return b;
}

/** msgpackEmpties is an array of `count` copies of the one-byte value `element` (0x80 `{}` or 0x90 `[]`). */
export function msgpackEmpties(count: number, element = 0x80): Buffer {
  return Buffer.concat([msgpackArrayHeader(count), Buffer.alloc(count, element)]);
}

/**
 * msgpackReferenceDag is msgpackr's structured-clone encoding of a value
 * whose every level is a pair of references to the level below: `levels`
 * levels are a few bytes each but denote 2^levels leaves.
 */
export function msgpackReferenceDag(levels: number): Buffer {
  const id = (type: number, n: number): Buffer => {
    const b = Buffer.alloc(6);
    b[0] = 0xd6; // fixext 4
    b[1] = type;
    b.writeUInt32BE(n, 2);
    return b;
  };
  // Level k is "id k = [level k-1, ref k-1]": the first element defines id k-1,
  // the second points back at it; level 0 is [1, 1].
  const out: Buffer[] = [];
  const build = (k: number): void => {
    if (k === 0) {
      out.push(id(0x69, 0), Buffer.from([0x92, 0x01, 0x01]));
      return;
    }
    out.push(id(0x69, k), Buffer.from([0x92]));
    build(k - 1);
    out.push(id(0x70, k - 1));
  };
  build(levels);
  return Buffer.concat(out);
}

/** msgpackExt is an extension value of `type` with `data`, in the shortest form. */
export function msgpackExt(type: number, data: Uint8Array): Buffer {
  const fixed: Record<number, number> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 };
  const head = fixed[data.length];
  if (head !== undefined) return Buffer.concat([Buffer.from([head, type & 0xff]), data]);
  if (data.length < 0x100) return Buffer.concat([Buffer.from([0xc7, data.length, type & 0xff]), data]);
  const b = Buffer.alloc(4);
  b[0] = 0xc8;
  b.writeUInt16BE(data.length, 1);
  b[3] = type & 0xff;
  return Buffer.concat([b, data]);
}

/** jsonRequest wraps a JSON argument text in a JSON-RPC request line. */
export function jsonRequest(arg: string, method = 'Echo.Echo', id = 1): Buffer {
  return Buffer.from(`{"method":"${method}","params":[${arg}],"id":${id}}\n`);
}

/** jsonEmpties is a JSON-RPC request whose argument is an array of `count` empty objects. */
export function jsonEmpties(count: number): Buffer {
  return Buffer.from(`{"method":"Echo.Echo","params":[[${Array<string>(count).fill('{}').join(',')}]],"id":1}\n`);
}
