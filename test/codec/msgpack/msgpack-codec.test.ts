import { pack, unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { msgpackCodec } from '../../../src/codec/msgpack/msgpack-codec.js';
import { measureMsgpack } from '../../../src/codec/msgpack/msgpack-measure.js';
import type { ClientResponse } from '../../../src/codec/codec.js';
import { ErrorCode, ProtocolError, RpcError } from '../../../src/errors.js';
import { encodeRequest, encodeResponse } from '../../support/codec-messages.js';

const opts = { maxDepth: 100 };

function expectProtocolError(fn: () => unknown, code: string = ErrorCode.Protocol): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ProtocolError);
  expect((err as ProtocolError).code).toBe(code);
}

const samples: unknown[] = [
  0, 1, -1, 127, 128, -33, 255, 65535, 65536, 2 ** 32, -(2 ** 31) - 1, 1.5, -0.25, 1e300,
  '', 'a', 'x'.repeat(31), 'x'.repeat(32), 'é'.repeat(200), 'z'.repeat(70_000),
  null, true, false, new Uint8Array(0), new Uint8Array(300), new Uint8Array(70_000),
  [], [1, [2, [3, []]]], {}, { A: 7, B: 8 }, { nested: { deep: [{ x: 1 }] } },
  Array.from({ length: 20 }, (_, i) => i), Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
  new Date(1_700_000_000_123), 2n ** 63n - 1n,
];

describe('measureMsgpack', () => {
  const measure = measureMsgpack(100);

  it('measures every kind of value exactly, and no prefix is complete', () => {
    for (const v of samples) {
      const b = pack(v);
      expect(measure(b, 0, b.length), JSON.stringify(String(v)).slice(0, 40)).toBe(b.length);
      const step = b.length > 1000 ? 401 : 1;
      for (let i = 0; i < b.length; i += step) expect(measure(b, 0, i)).toBeLessThan(0);
    }
  });

  it('measures from an offset', () => {
    const b = Buffer.concat([pack('abc'), pack({ A: 1 })]);
    expect(measure(b, 4, b.length)).toBe(b.length - 4);
  });

  it('needs at least one byte per announced element (a 2^32 claim is huge at once)', () => {
    const b = Uint8Array.of(0xdd, 0xff, 0xff, 0xff, 0xff);
    expect(-measure(b, 0, b.length)).toBeGreaterThan(2 ** 32);
    const s = Uint8Array.of(0xdb, 0xff, 0xff, 0xff, 0xff, 0x61);
    expect(-measure(s, 0, s.length)).toBeGreaterThan(2 ** 32);
  });

  it('rejects 100,000 nested arrays without recursing', () => {
    const b = new Uint8Array(100_001).fill(0x91);
    b[100_000] = 0xc0;
    expectProtocolError(() => measure(b, 0, b.length), ErrorCode.NestingTooDeep);
  });

  it('rejects the never-used type byte 0xc1', () => {
    expectProtocolError(() => measure(Uint8Array.of(0x92, 0x01, 0xc1), 0, 3));
  });
});

describe('msgpack codec', () => {
  it('encodes requests and responses as msgpack-rpc arrays', () => {
    const client = msgpackCodec.newClientCodec(opts);
    expect(unpack(encodeRequest(client, 3, 'Arith.Multiply', { A: 7, B: 8 }))).toEqual([0, 3, 'Arith.Multiply', [{ A: 7, B: 8 }]]);
    const server = msgpackCodec.newServerCodec(opts);
    expect(unpack(encodeResponse(server, 3, 'Arith.Multiply', null, 56))).toEqual([1, 3, null, 56]);
    expect(unpack(encodeResponse(server, 4, 'Arith.Divide', 'divide by zero', { ignored: true }))).toEqual([1, 4, 'divide by zero', null]);
  });

  it('round-trips a call through server and client codecs', () => {
    const client = msgpackCodec.newClientCodec(opts);
    const server = msgpackCodec.newServerCodec(opts);
    const req = server.decodeFrame(encodeRequest(client, 9, 'Echo.Echo', { b: new Uint8Array([1, 2]), n: 2n ** 60n, big: 2 ** 40 }));
    expect(req).toMatchObject({ type: 'request', id: 9, serviceMethod: 'Echo.Echo', args: { n: 2n ** 60n, big: 2 ** 40 } });
    const b = (req as { args: { b: unknown } }).args.b;
    expect(b).toBeInstanceOf(Uint8Array);
    expect([...(b as Uint8Array)]).toEqual([1, 2]);
    const res = client.decodeFrame(encodeResponse(server, 9, 'Echo.Echo', null, [1, 'two']));
    expect(res).toEqual({ type: 'response', seq: 9, error: null, reply: [1, 'two'] });
    expect(client.decodeFrame(encodeResponse(server, 10, 'X.Y', 'bad', undefined))).toEqual({ type: 'response', seq: 10, error: 'bad', reply: undefined });
  });

  it('decodes notifications and a request without params', () => {
    const server = msgpackCodec.newServerCodec(opts);
    expect(server.decodeFrame(pack([2, '$/cancel', [7]]))).toEqual({ type: 'cancel', id: 7 });
    expect(server.decodeFrame(pack([2, 'Log.Line', ['x']]))).toEqual({ type: 'notification', method: 'Log.Line', params: ['x'] });
    expect(server.decodeFrame(pack([0, 1, 'Echo.Echo', []]))).toMatchObject({ args: undefined });
  });

  it('turns a non-string error object into readable text', () => {
    const client = msgpackCodec.newClientCodec(opts);
    expect((client.decodeFrame(pack([1, 1, { code: 5, msg: 'no' }, null])) as ClientResponse).error).toBe('{"code":5,"msg":"no"}');
  });

  it.each([
    ['a bare number', pack(5)],
    ['a response sent to a server', pack([1, 1, null, 1])],
    ['a request with a non-string method', pack([0, 1, 5, []])],
    ['a request whose params are not an array', pack([0, 1, 'A.B', { A: 1 }])],
    ['bytes msgpackr cannot read', Uint8Array.of(0xd4, 0x7f, 0x00)],
  ])('rejects %s with a ProtocolError', (_name, bytes) => {
    const server = msgpackCodec.newServerCodec(opts);
    expectProtocolError(() => server.decodeFrame(bytes));
  });

  it('reports a value it cannot encode as RPC_ENCODE', () => {
    const server = msgpackCodec.newServerCodec(opts);
    let err: unknown;
    try {
      encodeResponse(server, 1, 'A.B', null, 2n ** 70n);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe(ErrorCode.Encode);
  });
});
