import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeJsonLine, LARGE_TEXT } from '../../../src/codec/json/json-large.js';
import { isPlainJson, stringifyGoJson } from '../../../src/codec/json/json-values.js';
import { measureJson } from '../../../src/codec/json/json-measure.js';

const joined = (e: Uint8Array | Uint8Array[]): Buffer => Buffer.concat(Array.isArray(e) ? e : [e]);
const expected = (v: unknown): Buffer => Buffer.from(stringifyGoJson(v) + '\n');
const big = (n: number, fill: string): string => fill.repeat(Math.ceil(n / fill.length)).slice(0, n);
const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);

describe('encodeJsonLine', () => {
  it('writes large byte arrays and plain ASCII strings as their own parts, with the bytes stringifyGoJson gives', () => {
    const message = { id: 7, params: [bytes(LARGE_TEXT + 5), { s: big(LARGE_TEXT, 'abc~ '), n: 12345678901234567890n }], tail: 'x' };
    const enc = encodeJsonLine(message);
    expect(Array.isArray(enc)).toBe(true);
    expect((enc as Uint8Array[]).length).toBe(5);
    expect(joined(enc).equals(expected(message))).toBe(true);
  });

  it('leaves large strings JSON.stringify would escape (quotes, backslashes, control characters, non-ASCII) to it', () => {
    for (const odd of ['"', '\\', '\n', '\u0001', '\u001f', 'é', '\u{1F600}', '\ud800']) {
      for (const at of [0, 1, 2, 3, LARGE_TEXT - 1, LARGE_TEXT >> 1]) {
        const s = big(LARGE_TEXT, 'q') ;
        const message = { result: s.slice(0, at) + odd + s.slice(at) };
        const enc = encodeJsonLine(message);
        expect(Array.isArray(enc), JSON.stringify([odd, at])).toBe(false);
        expect(joined(enc).equals(expected(message))).toBe(true);
      }
    }
  });

  it('writes small messages as one buffer; a Buffer and a subarray view are sent as the bytes they show', () => {
    expect(Array.isArray(encodeJsonLine({ a: 'b', c: bytes(10) }))).toBe(false);
    const backing = bytes(LARGE_TEXT * 3);
    const message = { v: backing.subarray(3, LARGE_TEXT * 2 + 1), b: Buffer.from(bytes(LARGE_TEXT)) };
    expect(joined(encodeJsonLine(message)).equals(expected(message))).toBe(true);
  });

  it('agrees with stringifyGoJson on random messages mixing large and small values', () => {
    const leaf = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constantFrom(big(LARGE_TEXT, 'AZaz09+/='), big(LARGE_TEXT + 3, ' !#[]~'), big(LARGE_TEXT, 'a"b'), big(LARGE_TEXT + 1, 'ü')),
      fc.integer({ min: LARGE_TEXT - 1, max: LARGE_TEXT + 2 }).map(bytes),
    );
    const value = fc.letrec((tie) => ({ v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.string(), tie('v'), { maxKeys: 3 })) })).v;
    fc.assert(fc.property(value, (v) => joined(encodeJsonLine({ id: 1, result: v, error: null })).equals(expected({ id: 1, result: v, error: null }))), { numRuns: 60 });
  });

  it('produces a message the measure finds whole', () => {
    const enc = joined(encodeJsonLine({ method: 'Bench.Base64', params: [bytes(3 * LARGE_TEXT)], id: 3 }));
    expect(measureJson(100)(enc, 0, enc.length)).toBe(enc.length - 1);
  });
});

describe('isPlainJson', () => {
  it('is true only where JSON.stringify alone writes what stringifyGoJson writes', () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(fc.string(), fc.double(), fc.constantFrom(-0, 0, 1.5, Number.NaN), fc.bigInt(), fc.boolean(), fc.constant(null), fc.constant(undefined)),
        fc.oneof(fc.date({ noInvalidDate: true }), fc.uint8Array({ maxLength: 4 }), fc.constant(new Map([['k', 1]]))),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.string(), tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    let plain = 0;
    fc.assert(
      fc.property(value, (v) => {
        const message = { id: 1, result: v, error: null };
        if (!isPlainJson(message)) return;
        plain++;
        expect(JSON.stringify(message)).toBe(stringifyGoJson(message));
      }),
      { numRuns: 500 },
    );
    expect(plain).toBeGreaterThan(50);
  });

  it('is false for what needs the replacer, and for strings from the size given', () => {
    for (const v of [1n, -0, new Uint8Array(1), Buffer.from('x'), new Map(), { toJSON: () => 1n }, [[{ a: [-0] }]]]) expect(isPlainJson({ v })).toBe(false);
    for (const v of ['x', 1, new Date(0), [1, 'a', null], { a: { b: true } }, undefined]) expect(isPlainJson({ v })).toBe(true);
    expect(isPlainJson({ s: 'abc' }, 3)).toBe(false);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(isPlainJson(cyclic)).toBe(false);
  });
});
