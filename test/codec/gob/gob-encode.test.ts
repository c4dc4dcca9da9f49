import { describe, expect, it } from 'vitest';
import type { GoType } from '../../../src/codec/go-type.js';
import { StreamDecoder } from '../../../src/codec/gob/decoder.js';
import { topType } from '../../../src/codec/gob/enc-type.js';
import { StreamEncoder } from '../../../src/codec/gob/encoder.js';
import { measureGob } from '../../../src/codec/gob/framing.js';
import { gobCodec } from '../../../src/codec/gob/gob-codec.js';
import { ErrorCode, RpcError } from '../../../src/errors.js';
import { encodeRequest, encodeResponse } from '../../support/codec-messages.js';

/** roundTrip encodes values on one stream and decodes them on another. */
function roundTrip(...items: [unknown, GoType?][]): unknown[] {
  const enc = new StreamEncoder(64);
  const dec = new StreamDecoder(64);
  const out: unknown[] = [];
  for (const [v, t] of items) {
    enc.begin();
    enc.encode(v, topType(v, t, 64));
    const bytes = enc.finish();
    for (let p = 0; p < bytes.length; ) {
      const n = measureGob(bytes, p, bytes.length);
      const res = dec.decodeFrame(bytes.subarray(p, p + n));
      if (res.kind === 'value') out.push(res.value);
      p += n;
    }
  }
  return out;
}

function expectEncodeError(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe(ErrorCode.Encode);
    expect((err as RpcError).message).toMatch(/^rpc: gob: /);
    return;
  }
  expect.unreachable('expected an RPC_ENCODE error');
}

describe('gob encoder', () => {
  it('round-trips bigints and the int64/uint64 limits exactly', () => {
    const i64: GoType = { kind: 'int', bits: 64 };
    const u64: GoType = { kind: 'uint', bits: 64 };
    expect(
      roundTrip([2n ** 63n - 1n, i64], [-(2n ** 63n), i64], [2n ** 64n - 1n, u64], [2 ** 53 - 1, i64], [-(2 ** 53 - 1)], [12n, u64], [0]),
    ).toEqual([2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2 ** 53 - 1, -(2 ** 53 - 1), 12, 0]);
  });

  it('checks ranges against the declared bits', () => {
    const enc = new StreamEncoder(64);
    expectEncodeError(() => enc.encode(128, topType(128, { kind: 'int', bits: 8 }, 64)));
    expectEncodeError(() => enc.encode(-1, topType(-1, { kind: 'uint' }, 64)));
    expectEncodeError(() => enc.encode(2n ** 64n, topType(0, { kind: 'uint' }, 64)));
    expectEncodeError(() => enc.encode(1.5, topType(1.5, { kind: 'int' }, 64)));
    expectEncodeError(() => enc.encode('x', topType('x', { kind: 'int' }, 64)));
  });

  it('omits zero fields and gets them back from the type', () => {
    const q: GoType = { kind: 'struct', name: 'Quotient', fields: [{ name: 'Quo', type: { kind: 'int' } }, { name: 'Rem', type: { kind: 'int' } }] };
    expect(roundTrip([{ Quo: 0, Rem: 2 }, q], [{ Rem: 5 }, q], [{}, q])).toEqual([{ Quo: 0, Rem: 2 }, { Quo: 0, Rem: 5 }, { Quo: 0, Rem: 0 }]);
  });

  it('infers kinds from values, merging array elements', () => {
    expect(roundTrip([[1, 2.5, 3]], [[{ A: 1 }, { B: 'x' }]], [{ L: [], N: null, S: 'k' }], [new Map([[1n, true]])], [[]])).toEqual([
      [1, 2.5, 3],
      [{ A: 1, B: '' }, { A: 0, B: 'x' }],
      { S: 'k' },
      new Map([[1, true]]),
      [],
    ]);
  });

  it('encodes Date as time.Time with millisecond precision', () => {
    const d = new Date('2024-02-29T12:34:56.789Z');
    const old = new Date('0001-01-01T00:00:00Z');
    expect(roundTrip([d], [{ When: old }])).toEqual([d, { When: old }]);
    expectEncodeError(() => roundTrip([new Date(NaN)]));
  });

  it('encodes interfaces from { type, value } and complex from { real, imag }', () => {
    const t: GoType = { kind: 'struct', fields: [{ name: 'V', type: { kind: 'interface' } }, { name: 'C', type: { kind: 'complex' } }] };
    expect(roundTrip([{ V: { type: 'main.Point', value: { X: 1 } }, C: { real: 1, imag: -1 } }, t], [{ V: null }, t])).toEqual([
      { V: { type: 'main.Point', value: { X: 1 } }, C: { real: 1, imag: -1 } },
      { V: null, C: { real: 0, imag: 0 } },
    ]);
    expectEncodeError(() => roundTrip([{ V: 3 }, t]));
  });

  it('refuses values it cannot encode', () => {
    expectEncodeError(() => roundTrip([() => 1]));
    expectEncodeError(() => roundTrip([[1, 'a']]));
    expectEncodeError(() => roundTrip([[1, null], { kind: 'slice', elem: { kind: 'int' } }]));
    const cyclic: Record<string, unknown> = { A: 1 };
    cyclic.Self = cyclic;
    expectEncodeError(() => roundTrip([cyclic]));
  });

  it('leaves the stream unchanged when a request fails to encode', () => {
    const client = gobCodec.newClientCodec({ maxDepth: 64 });
    const server = gobCodec.newServerCodec({ maxDepth: 64 });
    const t: GoType = { kind: 'struct', name: 'Args', fields: [{ name: 'A', type: { kind: 'int' } }, { name: 'B', type: { kind: 'string' } }] };
    expectEncodeError(() => encodeRequest(client, 1, 'S.M', { A: 1, B: 2 }, t));
    const ok = encodeRequest(client, 2, 'S.M', { A: 1, B: 'b' }, t);
    const got: unknown[] = [];
    for (let p = 0; p < ok.length; ) {
      const n = server.measure(ok, p, ok.length);
      const m = server.decodeFrame(ok.subarray(p, p + n));
      if (m) got.push(m);
      p += n;
    }
    expect(got).toEqual([{ type: 'request', id: 2, serviceMethod: 'S.M', args: { A: 1, B: 'b' } }]);
    expectEncodeError(() => encodeResponse(server, 2, 'S.M', null, { A: 'x' }, t));
    expect(encodeResponse(server, 2, 'S.M', null, { A: 3 }, t).length).toBeGreaterThan(0);
  });

  it('sends each type definition once per stream', () => {
    const client = gobCodec.newClientCodec({ maxDepth: 64 });
    const first = encodeRequest(client, 1, 'S.M', { A: 1 });
    const second = encodeRequest(client, 2, 'S.M', { A: 1 });
    expect(second.length).toBeLessThan(first.length / 2);
  });
});
