/**
 * What a message costs to decode, for every codec, as deterministic
 * budgets: the values a message produces against the bytes it took (gob's
 * omitted zero fields included), the reads a gob value split across messages
 * costs, the memory gob's type table holds against the bytes that defined
 * it, the property reads encoding an inferred reply costs, msgpack
 * extensions the scanner must refuse before the decoder sees them, the
 * values-per-message limit of msgpack and JSON, and JSON brackets of the
 * wrong kind. Each class is a generator, not one hand-made case.
 */
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientResponse } from '../../src/codec/codec.js';
import { gobCodec } from '../../src/codec/gob/gob-codec.js';
import { StreamDecoder } from '../../src/codec/gob/decoder.js';
import { GobReader } from '../../src/codec/gob/reader.js';
import { MAX_TYPE_TABLE_BYTES } from '../../src/codec/gob/type-table.js';
import { jsonCodec } from '../../src/codec/json/json-codec.js';
import { measureJson } from '../../src/codec/json/json-measure.js';
import { msgpackCodec } from '../../src/codec/msgpack/msgpack-codec.js';
import { measureMsgpack } from '../../src/codec/msgpack/msgpack-measure.js';
import { ErrorCode, ProtocolError } from '../../src/errors.js';
import { resolveServerOptions } from '../../src/server/options.js';
import { builtinCodecs } from '../../src/codec/builtin.js';
import { DEFAULT_MAX_MESSAGE_VALUES } from '../../src/codec/limits.js';
import { GOB_INT, gobArrayDef as arrayDef, gobFrame, gobSliceDef as sliceDef, gobRequestHeader, gobSplitValue, gobStructDef, gobZeroFill, intFields, msgpackExt, msgpackRequest, splitGob } from './attacks.js';
import type { SplitContainer } from './attacks.js';
import { encodeRequest, encodeResponse } from '../support/codec-messages.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** countValues counts the values in a decoded tree (objects, arrays, Maps, their entries, scalars), every path separately. */
function countValues(v: unknown, cap = 1e8): number {
  let n = 0;
  const stack: unknown[] = [v];
  while (stack.length > 0 && n <= cap) {
    const x = stack.pop();
    n++;
    if (x === null || typeof x !== 'object' || x instanceof Uint8Array || x instanceof Date) continue;
    if (Array.isArray(x)) stack.push(...x);
    else if (x instanceof Map) for (const [k, e] of x) stack.push(k, e);
    else for (const e of Object.values(x)) stack.push(e);
  }
  return n;
}

/** gobServer feeds a gob byte stream to a fresh server codec and returns the requests it decoded. */
function decodeGobRequests(bytes: Uint8Array, maxValues?: number) {
  const codec = gobCodec.newServerCodec({ maxDepth: 100, ...(maxValues ? { maxValues } : {}) });
  const requests = [];
  for (const f of splitGob(bytes)) {
    const m = codec.decodeFrame(f);
    if (m !== undefined) requests.push(m);
  }
  return requests;
}

const GOB_VALUES_PER_MESSAGE = 4096;
const GOB_VALUES_PER_BYTE = 64;

describe('gob: omitted zero fields cost what the bytes of their message allow', () => {
  it('a slice of structs whose fields are all omitted decodes to at most 4096 + 64 values a byte, or is refused (RPC_MESSAGE_TOO_LARGE) with the stream in sync', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 4000 }), (fields, count) => {
        const body = gobZeroFill(fields, count);
        const valueFrame = splitGob(body.frames).at(-1)!;
        const follow = decodeFollowUp();
        const requests = decodeGobRequests(Buffer.concat([gobRequestHeader('Echo.Echo', 1), body.frames, follow.bytes]));
        expect(requests).toHaveLength(2);
        const [first, second] = requests as unknown as [{ args: unknown; argsError?: ProtocolError }, { args: unknown }];
        const budget = GOB_VALUES_PER_MESSAGE + GOB_VALUES_PER_BYTE * valueFrame.length;
        if (body.values <= budget) {
          // Within the budget: every omitted field comes back as Go's zero.
          expect(first.argsError).toBeUndefined();
          const list = first.args as Record<string, number>[];
          expect(list).toHaveLength(count);
          for (const el of list) expect(Object.keys(el)).toHaveLength(fields);
          if (count > 0) expect(Object.values(list[count - 1]!).every((x) => x === 0)).toBe(true);
        } else {
          expect(first.argsError).toBeInstanceOf(ProtocolError);
          expect(first.argsError!.code).toBe(ErrorCode.MessageTooLarge);
        }
        expect(countValues(first.args)).toBeLessThanOrEqual(budget);
        expect(second.args).toEqual(follow.args);
      }),
      { numRuns: 40 },
    );
  });

  it('zero arrays nested in omitted struct fields are charged element by element', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 300 }), (len, inner, count) => {
        // type A [len]int; type B [inner]A-like nesting is one level here: struct { Z [len][inner]int }, count of them, all omitted.
        const w = Buffer.concat([
          arrayDef(2000, GOB_INT, inner),
          arrayDef(2001, 2000, len),
          gobStructDef(2002, [['Z', 2001]]),
          sliceDef(2003, 2002),
          gobFrame((g) => {
            g.writeInt(2003);
            g.writeUint(0);
            g.writeUint(count);
            for (let i = 0; i < count; i++) g.writeUint(0);
          }),
        ]);
        const frames = splitGob(w);
        const dec = new StreamDecoder(100);
        for (const f of frames.slice(0, -1)) dec.decodeFrame(f);
        const last = frames.at(-1)!;
        const budget = GOB_VALUES_PER_MESSAGE + GOB_VALUES_PER_BYTE * last.length;
        let value: unknown;
        try {
          const r = dec.decodeFrame(last);
          value = r.kind === 'value' ? r.value : undefined;
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
          expect((err as ProtocolError).code).toBe(ErrorCode.MessageTooLarge);
          return;
        }
        const list = value as { Z: number[][] }[];
        expect(list).toHaveLength(count);
        expect(list[0]!.Z).toHaveLength(len);
        expect(list[0]!.Z[0]).toEqual(new Array<number>(inner).fill(0));
        expect(countValues(value)).toBeLessThanOrEqual(budget);
      }),
      { numRuns: 40 },
    );
  });
});

/** decodeFollowUp is a second call on the same stream (its header type is already defined). */
function decodeFollowUp(): { bytes: Buffer; args: unknown } {
  const client = gobCodec.newClientCodec({ maxDepth: 100 });
  encodeRequest(client, 1, 'Echo.Echo', 0); // defines Request on this client's stream, as the header above did
  return { bytes: Buffer.from(encodeRequest(client, 2, 'Arith.Add', { A: 20, B: 22 })), args: { A: 20, B: 22 } };
}

/** countReads counts the gob reader's primitive reads while `body` runs. */
function countReads(body: () => void): number {
  const spies = (['readUint', 'readFloat', 'readString', 'readBytes'] as const).map((m) => vi.spyOn(GobReader.prototype, m));
  body();
  const n = spies.reduce((sum, s) => sum + s.mock.calls.length, 0);
  for (const s of spies) s.mockRestore();
  return n;
}

describe('gob: a value split across messages is read once', () => {
  it('a value whose interfaces Go split over up to 400 messages costs no more reads than it has bytes, and decodes exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.constantFrom<SplitContainer>('struct', 'slice', 'map'), fc.integer({ min: 1, max: 6 }), (count, container, fields) => {
        const split = gobSplitValue(count, container, fields);
        const frames = splitGob(split.frames);
        const dec = new StreamDecoder(100);
        let value: unknown;
        let partial = 0;
        const reads = countReads(() => {
          for (const f of frames) {
            const r = dec.decodeFrame(f);
            if (r.kind === 'partial') partial++;
            if (r.kind === 'value') value = r.value;
          }
        });
        expect(partial).toBe(split.messages - 1);
        expect(value).toEqual(split.expected);
        // Every primitive read takes at least one byte, so a decoder that reads each byte once stays within them.
        expect(reads).toBeLessThanOrEqual(split.frames.length);
      }),
      { numRuns: 60 },
    );
  });

  it('a split value abandoned half way leaves nothing pending: the next value decodes', () => {
    const split = gobSplitValue(5, 'slice');
    const frames = splitGob(split.frames);
    const dec = new StreamDecoder(100);
    for (const f of frames.slice(0, 3)) dec.decodeFrame(f);
    // A malformed continuation ends the value with a ProtocolError...
    expect(() => dec.decodeFrame(gobFrame((w) => w.writeInt(0)))).toThrow(ProtocolError);
    // ...and the decoder is not left waiting for more of it.
    const r = dec.decodeFrame(gobFrame((w) => { w.writeInt(GOB_INT); w.writeUint(0); w.writeInt(-3); }));
    expect(r).toMatchObject({ kind: 'value', value: -3 });
  });
});

describe('gob: the type table is bounded by bytes', () => {
  it('definitions are refused (RPC_PROTOCOL) once they would hold more than 4 MiB, and hold at most 36 bytes per byte received', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 12 }), (fields, nameLength) => {
        const codec = gobCodec.newServerCodec({ maxDepth: 100 });
        const list = Array.from({ length: fields }, (_, i) => [`${'N'.repeat(nameLength)}${nameLength > 0 ? i : ''}`, GOB_INT] as [string, number]);
        let sent = 0;
        let refused: unknown;
        for (let id = 100; id < 200_000 && refused === undefined; id++) {
          const def = gobStructDef(id, list);
          try {
            codec.decodeFrame(def);
          } catch (err) {
            refused = err;
            break;
          }
          sent += def.length;
          const held = codec.heldBytes!;
          expect(held).toBeLessThanOrEqual(MAX_TYPE_TABLE_BYTES);
          expect(held).toBeLessThanOrEqual(36 * sent);
        }
        expect(refused).toBeInstanceOf(ProtocolError);
        expect((refused as ProtocolError).code).toBe(ErrorCode.Protocol);
        // What one connection can make the server hold is bounded, whatever it sends.
        expect(sent).toBeLessThanOrEqual(MAX_TYPE_TABLE_BYTES);
      }),
      { numRuns: 25 },
    );
  });
});

describe('gob: inferring and encoding a reply is linear in its size', () => {
  it('echoing a list of objects with differing keys reads each property a bounded number of times', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2500 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5000 }), (count, perObject, pool) => {
        let reads = 0;
        let props = 0;
        const handler: ProxyHandler<Record<string, unknown>> = {
          get(target, key, receiver) {
            reads++;
            return Reflect.get(target, key, receiver) as unknown;
          },
        };
        const list = Array.from({ length: count }, (_, i) => {
          const o: Record<string, unknown> = {};
          for (let k = 0; k < perObject; k++) o[`k${(i * 7 + k * 13) % pool}`] = i + k;
          props += Object.keys(o).length;
          return new Proxy(o, handler);
        });
        const server = gobCodec.newServerCodec({ maxDepth: 100 });
        const bytes = encodeResponse(server, 1, 'Echo.Echo', null, list);
        // Inference reads each property once; encoding once more (and looks up a few absent ones for small types).
        expect(reads).toBeLessThanOrEqual(3 * props + 64 * count);
        const client = gobCodec.newClientCodec({ maxDepth: 100 });
        let reply: { reply: unknown; error: string | null } | undefined;
        for (const f of splitGob(bytes)) reply = (client.decodeFrame(f) as ClientResponse | undefined) ?? reply;
        // Decoded, each element gets every field of the union (Go's zero fill): count × fields values,
        // which only fits the receiving budget while the union is small.
        const union = new Set(list.flatMap((o) => Object.keys(o))).size;
        if (count * (union + 1) + 1 > Math.min(DEFAULT_MAX_MESSAGE_VALUES, GOB_VALUES_PER_MESSAGE + GOB_VALUES_PER_BYTE * splitGob(bytes).at(-1)!.length)) {
          expect(reply!.error).toMatch(/value decodes to more than \d+ values/);
          return;
        }
        const back = reply!.reply as Record<string, unknown>[];
        expect(back).toHaveLength(count);
        const first = list[0]!;
        for (const k of Object.keys(first)) expect(back[0]![k]).toBe(first[k]);
      }),
      { numRuns: 30 },
    );
  });
});

/** A msgpack-rpc argument that hides an extension of `type` with `data` at some depth. */
const extensionArg = fc
  .tuple(
    fc.integer({ min: -128, max: 127 }).filter((t) => t !== -1),
    fc.uint8Array({ maxLength: 300 }),
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom('array', 'map'),
  )
  .map(([type, data, depth, wrap]) => {
    let v = msgpackExt(type, data);
    for (let i = 0; i < depth; i++) v = wrap === 'array' ? Buffer.concat([Buffer.from([0x92, 0x01]), v]) : Buffer.concat([Buffer.from([0x81, 0xa1, 0x6b]), v]);
    return { type, bytes: msgpackRequest(v) };
  });

const packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true });

describe('msgpack: the scanner and the decoder agree on every byte', () => {
  it('an extension of any type but the timestamp (-1), of any length, anywhere, is refused by the scanner (RPC_PROTOCOL)', () => {
    const measure = measureMsgpack(100);
    fc.assert(
      fc.property(extensionArg, ({ bytes }) => {
        let err: unknown;
        try {
          measure(bytes, 0, bytes.length);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ProtocolError);
        expect((err as ProtocolError).code).toBe(ErrorCode.Protocol);
      }),
      { numRuns: 500 },
    );
  });

  it('a frame the scanner accepts is decoded from exactly its bytes, into no more values than the scanner counted', () => {
    // Extension bodies msgpackr would read as structure: references (0x69, 0x70), records (0x72), sets, errors, bundles.
    const structural = fc.constantFrom(
      Buffer.from([0xd6, 0x69, 0, 0, 0, 0]),
      Buffer.from([0xd6, 0x70, 0, 0, 0, 0]),
      Buffer.from([0xd4, 0x72, 0x40]),
      Buffer.from([0xd4, 0x73, 0x00]),
      Buffer.from([0xd4, 0x65, 0x00]),
      Buffer.from([0xd6, 0x62, 0, 0, 0, 8]),
      Buffer.from([0xd6, 0xff, 0, 0, 0, 1]),
      Buffer.from([0xd7, 0xff, 0, 0, 0, 0, 0, 0, 0, 1]),
    );
    const piece = fc.oneof(structural, fc.constantFrom(Buffer.from([0x92]), Buffer.from([0x91]), Buffer.from([0x01]), Buffer.from([0x81, 0xa1, 0x61])));
    const body = fc.array(piece, { minLength: 1, maxLength: 12 }).map((ps) => msgpackRequest(Buffer.concat(ps)));
    const server = msgpackCodec.newServerCodec({ maxDepth: 100 });
    fc.assert(
      fc.property(body, (bytes) => {
        let n: number;
        try {
          n = server.measure(bytes, 0, bytes.length);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
          return;
        }
        if (n < 0) return;
        let decoded: unknown;
        try {
          decoded = server.decodeFrame(bytes, 0, n);
        } catch (err) {
          // Not a msgpack-rpc request is fine; reading past or short of the frame is a disagreement.
          expect((err as Error).message).not.toMatch(/end of|not reached|Unexpected|extension/i);
          return;
        }
        expect(countValues((decoded as { args: unknown }).args)).toBeLessThanOrEqual(server.decodedValues!);
      }),
      { numRuns: 2000 },
    );
  });

  it('what netrpc encodes uses no extension but the timestamp: sets, errors, regular expressions and typed arrays go out as plain msgpack', () => {
    const measure = measureMsgpack(100);
    const server = msgpackCodec.newServerCodec({ maxDepth: 100 });
    fc.assert(
      fc.property(
        fc.anything({ maxDepth: 3, withMap: true, withSet: true, withDate: true, withTypedArray: true, withBigInt: true, withNullPrototype: false, withObjectString: false, withBoxedValues: false, withSparseArray: false }),
        fc.constantFrom<unknown>(new Error('e'), /re/g, new Float64Array([1.5]), new Set([1, 2])),
        (v, odd) => {
          let bytes: Uint8Array;
          try {
            bytes = encodeResponse(server, 1, 'S.M', null, [v, odd]);
          } catch {
            return; // a bigint beyond 64 bits cannot be encoded: RPC_ENCODE, not an extension
          }
          expect(measure(bytes, 0, bytes.length)).toBe(bytes.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('msgpack and json: values per message', () => {
  const element = fc.constantFrom(
    { mp: 0x80, js: '{}' },
    { mp: 0x90, js: '[]' },
    { mp: 0x00, js: '0' },
    { mp: 0xa0, js: '""' },
  );
  it('a message of more values than maxValues is refused (RPC_MESSAGE_TOO_LARGE) as soon as that many are buffered, whatever the cut', () => {
    fc.assert(
      fc.property(element, fc.integer({ min: 16, max: 4000 }), fc.integer({ min: -20, max: 20 }), fc.double({ min: 0, max: 1, noNaN: true }), (el, limit, delta, cutAt) => {
        const count = Math.max(1, limit + delta);
        const mp = msgpackRequest(Buffer.concat([Buffer.from([0xdd, count >>> 24, (count >> 16) & 0xff, (count >> 8) & 0xff, count & 0xff]), Buffer.alloc(count, el.mp)]));
        const js = Buffer.from(`{"method":"Echo.Echo","params":[[${Array<string>(count).fill(el.js).join(',')}]],"id":1}`);
        for (const [measure, bytes, envelope] of [
          [measureMsgpack(100, limit), mp, 6],
          [measureJson(100, limit), js, 8],
        ] as const) {
          const over = count + envelope > limit;
          const cut = over ? bytes.length : Math.max(1, Math.floor(bytes.length * cutAt));
          let result: number | undefined;
          let err: unknown;
          try {
            result = measure(bytes, 0, over ? bytes.length : cut);
          } catch (e) {
            err = e;
          }
          if (over) {
            expect(err).toBeInstanceOf(ProtocolError);
            expect((err as ProtocolError).code).toBe(ErrorCode.MessageTooLarge);
          } else {
            expect(err).toBeUndefined();
            if (cut === bytes.length) expect(result).toBe(bytes.length);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a message decodes to no more values than it has bytes, and the codec reports the count it charged', () => {
    const json = jsonCodec.newServerCodec({ maxDepth: 100 });
    const mp = msgpackCodec.newServerCodec({ maxDepth: 100 });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (arg) => {
        for (const [codec, bytes] of [
          [mp, Buffer.from(packr.pack([0, 1, 'Echo.Echo', [arg]]))],
          [json, Buffer.from(JSON.stringify({ method: 'Echo.Echo', params: [arg], id: 1 }))],
        ] as const) {
          const n = codec.measure(bytes, 0, bytes.length);
          expect(n).toBe(bytes.length);
          const msg = codec.decodeFrame(bytes, 0, n) as { args: unknown };
          const values = countValues(msg.args);
          expect(values).toBeLessThanOrEqual(codec.decodedValues!);
          expect(codec.decodedValues!).toBeLessThanOrEqual(bytes.length);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('by default a message is at most 16 MiB and 1 048 576 values, on the server and in every codec', () => {
    const o = resolveServerOptions({}, builtinCodecs);
    expect(o.maxMessageBytes).toBe(16 * 1024 * 1024);
    expect(o.maxMessageValues).toBe(1024 * 1024);
    const big = Buffer.concat([Buffer.from([0xdd, 0x00, 0x10, 0x00, 0x01]), Buffer.alloc(0x100001, 0x90)]);
    expect(() => msgpackCodec.newServerCodec({ maxDepth: 100 }).measure(big, 0, big.length)).toThrow(expect.objectContaining({ code: ErrorCode.MessageTooLarge }));
  });
});

describe('json: brackets must match', () => {
  const open = fc.array(fc.constantFrom('[', '{"k":'), { minLength: 1, maxLength: 60 });
  it('a closing bracket of the wrong kind is refused (RPC_PROTOCOL) at once, however deep and whatever follows', () => {
    const measure = measureJson(100);
    fc.assert(
      fc.property(open, fc.nat(), fc.string({ maxLength: 20 }), (opens, at, tail) => {
        // Close the innermost levels correctly, then one level with the wrong bracket.
        const good = at % opens.length;
        const closes = opens.slice(opens.length - good).reverse().map((o) => (o === '[' ? ']' : '}'));
        const wrong = opens[opens.length - good - 1] === '[' ? '}' : ']';
        const text = `{"method":${opens.join('')}1${closes.join('')}${wrong}${tail.replace(/["\\]/g, '')}`;
        const bytes = Buffer.from(text);
        let err: unknown;
        try {
          measure(bytes, 0, bytes.length);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ProtocolError);
        expect((err as ProtocolError).code).toBe(ErrorCode.Protocol);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the attack builders', () => {
  it('the struct of omitted fields netrpc counts matches intFields', () => {
    // A guard on the builders the cases above rely on: a struct of 3 omitted int fields is 3 zeros.
    const body = gobZeroFill(3, 2);
    const [req] = decodeGobRequests(Buffer.concat([gobRequestHeader('Echo.Echo'), body.frames]));
    expect((req as { args: unknown }).args).toEqual([Object.fromEntries(intFields(3).map(([n]) => [n, 0])), Object.fromEntries(intFields(3).map(([n]) => [n, 0]))]);
  });
});
