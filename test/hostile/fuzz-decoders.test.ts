/**
 * Property-based fuzzing of every decoder that reads peer bytes: the
 * msgpack and JSON measures and codecs, gob's length prefix and random
 * frames (mutations of valid gob streams are in test/codec/gob-property),
 * and the HTTP head parser. Random and mutated inputs must decode or throw
 * the right class with the right code; measures never return 0, never
 * claim bytes past the buffer, and never ask for bytes that are already there.
 */
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Measure } from '../../src/codec/codec.js';
import { gobCodec, measureGob } from '../../src/codec/gob/gob-codec.js';
import { jsonCodec } from '../../src/codec/json/json-codec.js';
import { measureJson } from '../../src/codec/json/json-measure.js';
import { msgpackCodec } from '../../src/codec/msgpack/msgpack-codec.js';
import { measureMsgpack } from '../../src/codec/msgpack/msgpack-measure.js';
import { GobWriter } from '../../src/codec/gob/writer.js';
import { ErrorCode, ProtocolError } from '../../src/errors.js';
import { findHeadEnd, HeadParseError, parseRequestHead, parseStatusHead } from '../../src/http-head.js';
import { rawConnect } from '../helpers.js';
import { startHostileServer, withCanary } from './harness.js';
import type { HostileServer } from './harness.js';

const DEPTH = 32;
const MEASURE_CODES: readonly string[] = [ErrorCode.Protocol, ErrorCode.NestingTooDeep, ErrorCode.MessageTooLarge];

/** expectProtocolError rethrows anything but a ProtocolError with one of the allowed codes. */
function expectProtocolError(err: unknown, codes: readonly string[] = MEASURE_CODES): void {
  if (!(err instanceof ProtocolError) || !codes.includes(err.code)) {
    throw new Error(`unexpected ${err instanceof Error ? `${err.constructor.name} (${(err as { code?: string }).code ?? 'no code'}): ${err.message}` : String(err)}`, { cause: err });
  }
}

/**
 * checkMeasure runs `measure` on buf[start, end) and checks its contract.
 * It returns the result, or undefined when it threw an allowed error.
 */
function checkMeasure(measure: Measure, buf: Uint8Array, start: number, end: number): number | undefined {
  let n: number;
  try {
    n = measure(buf, start, end);
  } catch (err) {
    expectProtocolError(err);
    return undefined;
  }
  // Plain checks, not expect(): this runs for every prefix of every generated message.
  if (!Number.isInteger(n) || n === 0) throw new Error(`measure returned ${n}`);
  if (n > end - start) throw new Error(`measure returned a frame of ${n} bytes past the end of the ${end - start} buffered`);
  if (n < 0 && -n <= end - start) throw new Error(`measure asked for ${-n} bytes with ${end - start} already buffered`);
  return n;
}

/** mutated applies up to four byte edits (set, insert, delete, truncate) to a copy of each value. */
const mutated = (base: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> =>
  fc.tuple(base, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete', 'truncate')), { maxLength: 4 })).map(([bytes, edits]) => {
    const b = Array.from(bytes);
    for (const [at, byte, op] of edits) {
      if (b.length === 0) break;
      const i = at % b.length;
      if (op === 'set') b[i] = byte;
      else if (op === 'insert') b.splice(i, 0, byte);
      else if (op === 'delete') b.splice(i, 1);
      else b.length = i;
    }
    return Uint8Array.from(b);
  });

/** placed puts bytes at a random offset inside a larger buffer, with junk around them. */
const placed = (bytes: fc.Arbitrary<Uint8Array>): fc.Arbitrary<{ buf: Uint8Array; start: number; end: number }> =>
  fc.tuple(bytes, fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 })).map(([b, pre, post]) => ({
    buf: Uint8Array.from([...pre, ...b, ...post]),
    start: pre.length,
    end: pre.length + b.length,
  }));

/**
 * pack encodes as msgpack-rpc peers do: `undefined` as nil, not as
 * msgpackr's extension 0 (which the measure refuses, like every extension
 * but the timestamp).
 */
const packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true });
const pack = (v: unknown): Uint8Array => packr.pack(v);

/** msgpackByte biases random bytes towards msgpack's length-carrying and container type bytes. */
const msgpackByte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0x91, 0x81, 0xff, 0x00));
const msgpackJunk = fc.array(msgpackByte, { maxLength: 48 }).map((a) => Uint8Array.from(a));
const msgpackValue: fc.Arbitrary<Uint8Array> = fc
  .anything({ maxDepth: 4, withBigInt: true, withMap: true, withSet: false, withDate: true, withTypedArray: true, withNullPrototype: false, withObjectString: false, withBoxedValues: false, withSparseArray: false })
  .map((v) => {
    try {
      return pack(v) as Uint8Array;
    } catch {
      return Uint8Array.of(0xc0);
    }
  });
const msgpackRequest = fc.tuple(fc.nat(), fc.string(), fc.jsonValue({ maxDepth: 4 })).map(([id, m, a]) => pack([0, id, m, [a]]) as Uint8Array);

describe('msgpack measure and codecs (property)', () => {
  it('measure keeps its contract on random bytes and mutated messages', () => {
    const measure = measureMsgpack(DEPTH);
    fc.assert(
      fc.property(placed(fc.oneof(msgpackJunk, mutated(msgpackValue), mutated(msgpackRequest))), ({ buf, start, end }) => {
        checkMeasure(measure, buf, start, end);
      }),
      { numRuns: 3000 },
    );
  });

  it('measure finds exactly the end of a valid value, and every proper prefix only waits', () => {
    const measure = measureMsgpack(1000);
    fc.assert(
      fc.property(msgpackValue, fc.uint8Array({ maxLength: 4 }), (value, after) => {
        const buf = Uint8Array.from([...value, ...after]);
        expect(checkMeasure(measure, buf, 0, buf.length)).toBe(value.length);
        for (let cut = 0; cut < value.length; cut++) {
          if (!(checkMeasure(measure, buf, 0, cut)! < 0)) throw new Error(`a prefix of ${cut} bytes measured as a whole value`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('server and client codecs decode measured frames or throw a ProtocolError, nothing else', () => {
    const server = msgpackCodec.newServerCodec({ maxDepth: DEPTH });
    const client = msgpackCodec.newClientCodec({ maxDepth: DEPTH });
    fc.assert(
      fc.property(fc.oneof(msgpackJunk, mutated(msgpackValue), mutated(msgpackRequest), msgpackRequest), (bytes) => {
        const n = checkMeasure(server.measure, bytes, 0, bytes.length);
        if (n === undefined || n < 0) return;
        for (const codec of [server, client]) {
          try {
            codec.decodeFrame(bytes, 0, n);
          } catch (err) {
            expectProtocolError(err, [ErrorCode.Protocol]);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});

const jsonByte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x7b, 0x7d, 0x5b, 0x5d, 0x22, 0x5c, 0x20, 0x0a));
const jsonJunk = fc.array(jsonByte, { maxLength: 48 }).map((a) => Uint8Array.from(a));
const jsonRequest = fc
  .record({ method: fc.oneof(fc.string(), fc.constant('Arith.Add')), params: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 2 }), fc.jsonValue({ maxDepth: 2 })), id: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] })
  .map((o) => Buffer.from(JSON.stringify(o) + '\n') as Uint8Array);
const jsonObject = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 }).map((o) => Buffer.from(JSON.stringify(o)) as Uint8Array);

describe('json measure and codecs (property)', () => {
  it('measure keeps its contract on random bytes and mutated messages', () => {
    const measure = measureJson(DEPTH);
    fc.assert(
      fc.property(placed(fc.oneof(jsonJunk, mutated(jsonRequest), mutated(jsonObject))), ({ buf, start, end }) => {
        checkMeasure(measure, buf, start, end);
      }),
      { numRuns: 3000 },
    );
  });

  it('measure finds exactly the end of a valid object, and every proper prefix only waits', () => {
    const measure = measureJson(1000);
    fc.assert(
      fc.property(jsonObject, fc.constantFrom('', '\n', '{', ' {"a":1}'), (obj, after) => {
        const buf = Buffer.concat([obj, Buffer.from(after)]);
        expect(checkMeasure(measure, buf, 0, buf.length)).toBe(obj.length);
        for (let cut = 0; cut < obj.length; cut++) {
          if (!(checkMeasure(measure, buf, 0, cut)! < 0)) throw new Error(`a prefix of ${cut} bytes measured as a whole object`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('server and client codecs decode measured frames or throw a ProtocolError, nothing else', () => {
    const server = jsonCodec.newServerCodec({ maxDepth: DEPTH });
    const client = jsonCodec.newClientCodec({ maxDepth: DEPTH });
    fc.assert(
      fc.property(fc.oneof(jsonJunk, mutated(jsonRequest), jsonRequest, mutated(jsonObject)), (bytes) => {
        const n = checkMeasure(server.measure, bytes, 0, bytes.length);
        if (n === undefined || n < 0) return;
        for (const codec of [server, client]) {
          try {
            codec.decodeFrame(bytes, 0, n);
          } catch (err) {
            expectProtocolError(err, [ErrorCode.Protocol]);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});

/** gobFrame wraps random payload bytes in a valid length prefix. */
const gobFrame = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((payload) => {
  const w = new GobWriter();
  const s = w.beginLength();
  w.writeRaw(payload);
  w.endLength(s);
  return w.take();
});

/** gobTypeFrame is a frame that starts as a type definition (negative id ≥ 64) and continues at random. */
const gobTypeFrame = fc.tuple(fc.integer({ min: 64, max: 200 }), fc.array(fc.oneof(fc.nat(8), fc.integer({ min: 0, max: 255 })), { maxLength: 24 })).map(([id, rest]) => {
  const w = new GobWriter();
  const s = w.beginLength();
  w.writeInt(-id);
  for (const u of rest) w.writeUint(u);
  w.endLength(s);
  return w.take();
});

describe('gob length prefixes and random frames (property)', () => {
  it('measureGob keeps its contract on random bytes', () => {
    fc.assert(
      fc.property(placed(fc.uint8Array({ maxLength: 24 })), ({ buf, start, end }) => {
        checkMeasure(measureGob, buf, start, end);
      }),
      { numRuns: 3000 },
    );
  });

  it('streams of random frames and random type definitions decode or throw a coded ProtocolError, on both sides', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(gobFrame, gobTypeFrame), { minLength: 1, maxLength: 8 }), (frames) => {
        for (const codec of [gobCodec.newServerCodec({ maxDepth: DEPTH }), gobCodec.newClientCodec({ maxDepth: DEPTH })]) {
          try {
            for (const f of frames) {
              expect(checkMeasure(codec.measure, f, 0, f.length)).toBe(f.length);
              codec.decodeFrame(f);
            }
          } catch (err) {
            expectProtocolError(err);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});

const headLine = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('CONNECT /_goRPC_ HTTP/1.0', 'HTTP/1.0 200 Connected to Go RPC', 'Rpc-Codec: msgpack', 'X: y', ':', ' : ', 'a:b:c', 'HTTP/1.1 999', '\r', ''),
);
const headBytes = fc
  .tuple(fc.array(headLine, { maxLength: 6 }), fc.array(fc.constantFrom('\n', '\r\n', '\r', '\n\r'), { minLength: 6, maxLength: 6 }))
  .map(([lines, ends]) => Buffer.from(lines.map((l, i) => l + ends[i]!).join('') + '\n', 'latin1') as Uint8Array);

describe('HTTP head parser (property)', () => {
  it('findHeadEnd returns -1 or an offset within the buffer just past a blank line', () => {
    fc.assert(
      fc.property(fc.oneof(headBytes, fc.uint8Array({ maxLength: 64 }), mutated(headBytes)), fc.nat(), (bytes, cut) => {
        const end = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
        const n = findHeadEnd(bytes, end);
        if (n === -1) return;
        expect(n).toBeGreaterThan(0);
        expect(n).toBeLessThanOrEqual(end);
        expect(bytes[n - 1]).toBe(0x0a);
      }),
      { numRuns: 3000 },
    );
  });

  it('parseRequestHead and parseStatusHead return or throw HeadParseError, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(headBytes, fc.uint8Array({ maxLength: 64 }), mutated(headBytes)), (bytes) => {
        for (const parse of [parseRequestHead, parseStatusHead]) {
          try {
            const head = parse(bytes);
            expect(typeof head.headers).toBe('object');
            for (const [k, v] of Object.entries(head.headers)) {
              expect(k).toBe(k.toLowerCase());
              expect(typeof v).toBe('string');
            }
          } catch (err) {
            if (!(err instanceof HeadParseError)) throw new Error(`unexpected ${String(err)}`, { cause: err });
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the server front on random heads (property, over TCP)', () => {
  let h: HostileServer;
  beforeAll(async () => {
    h = await startHostileServer({ handshakeTimeoutMs: 500 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers each of 80 random heads with an HTTP status or a close within 2 s, and keeps serving', async () => {
    const heads = fc.sample(fc.oneof(headBytes, mutated(headBytes), fc.uint8Array({ minLength: 1, maxLength: 64 })), { numRuns: 80, seed: 20261125 });
    await withCanary(h.address, async () => {
      await Promise.all(
        heads.map(async (bytes) => {
          const conn = await rawConnect(h.port);
          conn.socket.write(bytes);
          // An incomplete head is closed by the 500 ms handshake timeout; a complete non-CONNECT one
          // goes to the HTTP server, which may keep it alive: that one must have answered by then.
          const got = await conn.closed(2000).catch(() => conn.received());
          conn.socket.destroy();
          const text = got.toString('latin1');
          if (text.length > 0) expect(text, JSON.stringify(Buffer.from(bytes).toString('latin1'))).toMatch(/^HTTP\/1\.[01] [0-9]{3} /);
        }),
      );
    });
  });
});
