/**
 * Property tests of the gob codec: generated values round-trip through the
 * client and server codecs (within what inference can represent), and
 * mutated or truncated streams end in a decode or a coded error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClientCodec, ServerCodec } from '../../../src/codec/codec.js';
import type { GoType } from '../../../src/codec/go-type.js';
import { gobCodec } from '../../../src/codec/gob/gob-codec.js';
import { StreamDecoder } from '../../../src/codec/gob/decoder.js';
import { ErrorCode, RpcError } from '../../../src/errors.js';
import { gobFrame as frame } from '../../hostile/attacks.js';
import { encodeRequest, encodeResponse } from '../../support/codec-messages.js';

const opts = { maxDepth: 64 };
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * A Schema is a Go type as inference sees it; values are generated per
 * schema so arrays are homogeneous and struct elements share their fields.
 * Nothing generated infers to "unknown" (no null, no empty nested array,
 * map or object), so every field survives the trip.
 */
type Schema =
  | { readonly k: 'int' | 'int64' | 'uint64' | 'float' | 'string' | 'bool' | 'bytes' | 'time' }
  | { readonly k: 'slice'; readonly elem: Schema }
  | { readonly k: 'strmap' | 'intmap'; readonly elem: Schema }
  | { readonly k: 'struct'; readonly fields: readonly (readonly [string, Schema])[] };

const scalarSchema: fc.Arbitrary<Schema> = fc.constantFrom<Schema>(
  { k: 'int' },
  { k: 'int64' },
  { k: 'uint64' },
  { k: 'float' },
  { k: 'string' },
  { k: 'bool' },
  { k: 'bytes' },
  { k: 'time' },
);

const fieldName = fc.stringMatching(/^[A-Z][A-Za-z0-9_]{0,6}$/);

const schemaArb: fc.Arbitrary<Schema> = fc.letrec<{ schema: Schema }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarSchema,
    tie('schema').map((elem): Schema => ({ k: 'slice', elem })),
    tie('schema').map((elem): Schema => ({ k: 'strmap', elem })),
    tie('schema').map((elem): Schema => ({ k: 'intmap', elem })),
    fc.uniqueArray(fc.tuple(fieldName, tie('schema')), { minLength: 1, maxLength: 4, selector: ([n]) => n }).map((fields): Schema => ({ k: 'struct', fields })),
  ),
})).schema;

const noNegZero = (x: number): number => (Object.is(x, -0) ? 0 : x);

/** valueOf generates values of a schema. */
function valueOf(s: Schema): fc.Arbitrary<unknown> {
  switch (s.k) {
    case 'int':
      return fc.maxSafeInteger();
    case 'int64':
      return fc.bigInt(INT64_MIN, INT64_MAX);
    case 'uint64':
      return fc.bigInt(INT64_MAX + 1n, UINT64_MAX);
    case 'float':
      return fc.double().map(noNegZero);
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 12 });
    case 'bool':
      return fc.boolean();
    case 'bytes':
      return fc.uint8Array({ maxLength: 24 });
    case 'time':
      return fc.date({ noInvalidDate: true });
    case 'slice':
      return fc.array(valueOf(s.elem), { minLength: 1, maxLength: 4 });
    case 'strmap':
      return fc
        .uniqueArray(fc.tuple(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constantFrom('__proto__', 'constructor')), valueOf(s.elem)), {
          minLength: 1,
          maxLength: 4,
          selector: ([k]) => k,
        })
        .map((entries) => new Map(entries));
    case 'intmap':
      return fc
        .uniqueArray(fc.tuple(fc.maxSafeInteger(), valueOf(s.elem)), { minLength: 1, maxLength: 4, selector: ([k]) => k })
        .map((entries) => new Map(entries));
    case 'struct':
      return fc.tuple(...s.fields.map(([, f]) => valueOf(f))).map((vals) => {
        const o: Record<string, unknown> = {};
        s.fields.forEach(([name], i) => (o[name] = vals[i]));
        return o;
      });
  }
}

const valueArb: fc.Arbitrary<unknown> = schemaArb.chain(valueOf);

/** ownObject builds a plain object from entries with own properties only (so `__proto__` stays a key). */
function ownObject(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

/** expected is what the peer's decoder gives for a generated value. */
function expected(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n ? Number(v) : v;
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array || v instanceof Date) return v;
  if (Array.isArray(v)) return v.map(expected);
  if (v instanceof Map) {
    const entries = [...(v as Map<unknown, unknown>)].map(([k, x]) => [expected(k), expected(x)] as const);
    return typeof entries[0]?.[0] === 'string' ? ownObject(entries as (readonly [string, unknown])[]) : new Map(entries);
  }
  return ownObject(Object.entries(v).map(([k, x]) => [k, expected(x)] as const));
}

/** frames cuts a byte stream into frames with the codec's measure. */
function* frames(codec: { measure: ServerCodec['measure'] }, bytes: Uint8Array): Generator<Uint8Array> {
  let p = 0;
  while (p < bytes.length) {
    const n = codec.measure(bytes, p, bytes.length);
    if (n < 0) return;
    if (n === 0) throw new Error('measure returned 0: no progress');
    yield bytes.subarray(p, p + n);
    p += n;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

function requestsThrough(client: ClientCodec, server: ServerCodec, values: readonly unknown[], argsType?: GoType): unknown[] {
  const bytes = concat(values.map((v, i) => encodeRequest(client, i, 'Svc.Method', v, argsType)));
  const got: unknown[] = [];
  for (const f of frames(server, bytes)) {
    const m = server.decodeFrame(f);
    if (m === undefined) continue;
    if (m.type !== 'request') throw new Error('not a request');
    if (m.argsError) throw m.argsError;
    got.push(m.args);
  }
  return got;
}

function repliesThrough(server: ServerCodec, client: ClientCodec, values: readonly unknown[], replyType?: GoType): unknown[] {
  const bytes = concat(values.map((v, i) => encodeResponse(server, i, 'Svc.Method', null, v, replyType)));
  const got: unknown[] = [];
  for (const f of frames(client, bytes)) {
    const r = client.decodeFrame(f);
    if (r === undefined || r.type !== 'response') continue;
    if (r.error !== null) throw new Error(`error reply: ${r.error}`);
    got.push(r.reply);
  }
  return got;
}

describe('gob round trips (property)', () => {
  it('client → server: generated values arrive as inferred, several per stream', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { minLength: 1, maxLength: 4 }), (values) => {
        const got = requestsThrough(gobCodec.newClientCodec(opts), gobCodec.newServerCodec(opts), values);
        expect(got).toEqual(values.map(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('server → client: generated values arrive as inferred, several per stream', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { minLength: 1, maxLength: 4 }), (values) => {
        const got = repliesThrough(gobCodec.newServerCodec(opts), gobCodec.newClientCodec(opts), values);
        expect(got).toEqual(values.map(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('declared uint32/uint64/int64/float64 fields keep their values both ways', () => {
    const t: GoType = {
      kind: 'struct',
      fields: [
        { name: 'U32', type: { kind: 'uint', bits: 32 } },
        { name: 'U64', type: { kind: 'uint' } },
        { name: 'I64', type: { kind: 'int' } },
        { name: 'F', type: { kind: 'float' } },
      ],
    };
    const arb = fc.record({
      U32: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      U64: fc.bigInt(0n, UINT64_MAX),
      I64: fc.bigInt(INT64_MIN, INT64_MAX),
      F: fc.oneof(fc.double({ noNaN: true }), fc.integer()).map(noNegZero),
    });
    fc.assert(
      fc.property(fc.array(arb, { minLength: 1, maxLength: 3 }), (values) => {
        const want = values.map(expected);
        expect(requestsThrough(gobCodec.newClientCodec(opts), gobCodec.newServerCodec(opts), values, t)).toEqual(want);
        expect(repliesThrough(gobCodec.newServerCodec(opts), gobCodec.newClientCodec(opts), values, t)).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });
});

/** A sample of valid streams to mutate: requests and replies of generated values. */
const streamArb = fc.array(valueArb, { minLength: 1, maxLength: 3 }).map((values) => {
  const client = gobCodec.newClientCodec(opts);
  const server = gobCodec.newServerCodec(opts);
  return {
    requests: concat(values.map((v, i) => encodeRequest(client, i, 'Svc.Method', v))),
    replies: concat(values.map((v, i) => encodeResponse(server, i, 'Svc.Method', i === 1 ? 'boom' : null, v))),
  };
});

type Mutation = { readonly op: 'flip' | 'set' | 'insert' | 'delete' | 'truncate'; readonly at: number; readonly byte: number };
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate'),
  at: fc.nat(),
  byte: fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xf8, 0xfb, 0xfc, 0xff).chain((b) => fc.oneof(fc.constant(b), fc.integer({ min: 0, max: 255 }))),
});

function mutate(bytes: Uint8Array, muts: readonly Mutation[]): Uint8Array {
  let b = Array.from(bytes);
  for (const m of muts) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    switch (m.op) {
      case 'flip':
        b[at] = b[at]! ^ (1 << (m.byte & 7));
        break;
      case 'set':
        b[at] = m.byte;
        break;
      case 'insert':
        b.splice(at, 0, m.byte);
        break;
      case 'delete':
        b.splice(at, 1);
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
    }
  }
  return Uint8Array.from(b);
}

const FATAL_CODES: readonly string[] = [ErrorCode.Protocol, ErrorCode.MessageTooLarge, ErrorCode.NestingTooDeep];

/** feed decodes a whole (possibly broken) stream; it returns normally or throws what the codec threw. */
function feed(codec: ServerCodec | ClientCodec, bytes: Uint8Array): void {
  let frames = 0;
  let p = 0;
  while (p < bytes.length) {
    const n = codec.measure(bytes, p, bytes.length);
    if (n < 0) return; // waits for more bytes: fine, nothing is buffered beyond the input
    if (n === 0 || ++frames > bytes.length) throw new Error('no progress');
    codec.decodeFrame(bytes.subarray(p, p + n));
    p += n;
  }
}

function expectCleanOutcome(run: () => void): void {
  try {
    run();
  } catch (err) {
    if (!(err instanceof RpcError) || !FATAL_CODES.includes(err.code)) {
      throw new Error(`unexpected ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, { cause: err });
    }
  }
}

describe('gob streams that were mutated or truncated (property)', () => {
  it('the server codec decodes them or throws a coded ProtocolError', () => {
    fc.assert(
      fc.property(streamArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), ({ requests }, muts) => {
        expectCleanOutcome(() => feed(gobCodec.newServerCodec(opts), mutate(requests, muts)));
      }),
      { numRuns: 400 },
    );
  });

  it('the client codec decodes them or throws a coded ProtocolError', () => {
    fc.assert(
      fc.property(streamArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), ({ replies }, muts) => {
        expectCleanOutcome(() => feed(gobCodec.newClientCodec(opts), mutate(replies, muts)));
      }),
      { numRuns: 400 },
    );
  });

  it('every truncation of a valid stream only ever waits for more bytes', () => {
    fc.assert(
      fc.property(streamArb, fc.nat(), ({ requests }, cut) => {
        const codec = gobCodec.newServerCodec(opts);
        feed(codec, requests.subarray(0, cut % (requests.length + 1)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('gob regressions', () => {
  /** unnamedExternal is what Go sends for a top-level pointer to a GobEncoder: type 65 named '' then a value. */
  function unnamedExternal(payload: Uint8Array): Uint8Array[] {
    const def = frame((w) => {
      w.writeInt(-65);
      w.writeUint(5); // wireType field 4 (GobEncoderT): delta 5 from -1
      w.writeUint(1); // CommonType
      w.writeUint(2); // Id (Name '' omitted)
      w.writeInt(65);
      w.writeUint(0);
      w.writeUint(0);
      w.writeUint(0);
    });
    const value = frame((w) => {
      w.writeInt(65);
      w.writeUint(0); // singleton
      w.writeBytes(payload); // length, then the bytes
    });
    return [def, value];
  }

  it('decodes an unnamed time.Time (net/rpc reply *time.Time) as a Date', () => {
    // time.Date(2024, 2, 29, 23, 59, 59, 123000000, time.UTC).GobEncode(), as Go 1.19 prints it.
    const bytes = Uint8Array.from([1, 0, 0, 0, 14, 221, 115, 17, 127, 7, 84, 212, 192, 255, 255]);
    const dec = new StreamDecoder(64);
    const [def, value] = unnamedExternal(bytes);
    expect(dec.decodeFrame(def!).kind).toBe('type');
    const res = dec.decodeFrame(value!);
    expect(res.kind === 'value' && res.value).toEqual(new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 123)));
  });

  it('keeps other unnamed GobEncoder payloads (a 16-byte big.Int) as bytes', () => {
    const bigInt = Uint8Array.from([2, 0x9f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 0, 0]);
    const dec = new StreamDecoder(64);
    const [def, value] = unnamedExternal(bigInt);
    dec.decodeFrame(def!);
    const res = dec.decodeFrame(value!);
    expect(res.kind === 'value' && res.value).toEqual(bigInt);
  });
});
