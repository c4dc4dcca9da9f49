import { describe, expect, it } from 'vitest';
import { parseJsonLossless } from '../../../src/codec/json/json-lossless.js';
import { stringifyGoJson } from '../../../src/codec/json/json-values.js';

describe('parseJsonLossless', () => {
  it('keeps integers beyond 2^53 as bigint and leaves the rest as JSON.parse reads it', () => {
    const text = '{"ID":12345678901234567890,"Min":-9223372036854775808,"Safe":9007199254740991,"Big":9007199254740993,"F":1.5e300,"Frac":12345678901234567.5,"S":"12345678901234567890","E":"a\\"99999999999999999"}';
    expect(parseJsonLossless(text)).toEqual({
      ID: 12345678901234567890n,
      Min: -9223372036854775808n,
      Safe: 9007199254740991,
      Big: 9007199254740993n,
      F: 1.5e300,
      Frac: 12345678901234567.5,
      S: '12345678901234567890',
      E: 'a"99999999999999999',
    });
  });

  it('round-trips with stringifyGoJson, every digit kept', () => {
    const text = '[18446744073709551615,-9223372036854775807,{"k":[9223372036854775808]}]';
    expect(stringifyGoJson(parseJsonLossless(text))).toBe(text);
  });

  it('throws what JSON.parse throws, positions counted in the text given', () => {
    const bad = '{"a": 12345678901234567890 "b"}';
    let expected: unknown;
    try {
      JSON.parse(bad);
    } catch (err) {
      expected = err;
    }
    expect(() => parseJsonLossless(bad)).toThrow((expected as Error).message);
  });
});
