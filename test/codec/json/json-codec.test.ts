import { describe, expect, it } from 'vitest';
import { jsonCodec } from '../../../src/codec/json/json-codec.js';
import { measureJson } from '../../../src/codec/json/json-measure.js';
import { stringifyGoJson } from '../../../src/codec/json/json-values.js';
import { ErrorCode, ProtocolError, RpcError } from '../../../src/errors.js';
import { FrameReader } from '../../../src/codec/frame-reader.js';
import { encodeRequest, encodeResponse } from '../../support/codec-messages.js';
import type { ServerRequest } from '../../../src/codec/codec.js';

const opts = { maxDepth: 100 };
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('measureJson', () => {
  const measure = measureJson(100);

  it('looks for the end of a string within [start, end) only, escapes included, whatever lies past end', () => {
    const m = Buffer.from('{"a":"x\\\\\\"y\\\\"}{"b":"z"}');
    const first = m.indexOf('{"b"');
    expect(measure(m, 0, m.length)).toBe(first);
    // Cut inside the first string: the quote and the brace past `end` must not end the frame.
    for (let cut = 6; cut < first - 1; cut++) expect(measure(m, 0, cut)).toBeLessThan(0);
    // An escape as the last byte before the cut does not reach past it either.
    const escaped = Buffer.from('{"a":"\\"}"}');
    expect(measure(escaped, 0, 7)).toBeLessThan(0);
    expect(measure(escaped, 0, escaped.length)).toBe(escaped.length);
  });

  it('finds the end of an object with strings, escapes and nesting', () => {
    const m = Buffer.from('  {"a":"}\\"{[","b":[{"c":[]}],"d":"\\\\"}{"next":1}');
    const first = m.indexOf('{"next"');
    expect(measure(m, 0, m.length)).toBe(first);
    expect(measure(m, first, m.length)).toBe(m.length - first);
  });

  it('reports every proper prefix as incomplete', () => {
    const m = Buffer.from('{"method":"Echo.Upper","params":["h\\u00e9 \\"}"],"id":12}');
    for (let i = 0; i < m.length; i++) expect(measure(m, 0, i)).toBeLessThan(0);
    expect(measure(m, 0, m.length)).toBe(m.length);
  });

  it('rejects a message that is not an object', () => {
    expect((thrown(() => measure(Buffer.from('[1]'), 0, 3)) as ProtocolError).code).toBe(ErrorCode.Protocol);
    expect(thrown(() => measure(Buffer.from('\n 42'), 0, 4))).toBeInstanceOf(ProtocolError);
  });

  it('rejects 100,000 nested arrays without recursing', () => {
    const m = Buffer.from('{"a":' + '['.repeat(100_000));
    const err = thrown(() => measure(m, 0, m.length)) as ProtocolError;
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err.code).toBe(ErrorCode.NestingTooDeep);
  });
});

describe('json codec (Go net/rpc/jsonrpc shapes)', () => {
  it("encodes requests byte for byte like Go's client", () => {
    const client = jsonCodec.newClientCodec(opts);
    expect(text(encodeRequest(client, 0, 'Arith.Multiply', { A: 7, B: 8 }))).toBe('{"method":"Arith.Multiply","params":[{"A":7,"B":8}],"id":0}\n');
  });

  it("encodes replies byte for byte like Go's server", () => {
    const server = jsonCodec.newServerCodec(opts);
    expect(text(encodeResponse(server, 0, 'Arith.Multiply', null, 56))).toBe('{"id":0,"result":56,"error":null}\n');
    expect(text(encodeResponse(server, 1, 'Arith.Divide', 'divide by zero', 99))).toBe('{"id":1,"result":null,"error":"divide by zero"}\n');
  });

  it('never sends a null result without an error', () => {
    const server = jsonCodec.newServerCodec(opts);
    expect(text(encodeResponse(server, 2, 'A.B', null, undefined))).toBe('{"id":2,"result":{},"error":null}\n');
    expect(text(encodeResponse(server, 3, 'A.B', null, null))).toBe('{"id":3,"result":{},"error":null}\n');
  });

  it('echoes any JSON id back unchanged', () => {
    const server = jsonCodec.newServerCodec(opts);
    const req = server.decodeFrame(Buffer.from('{"method":"A.B","params":[1],"id":"abc"}'));
    expect(req).toEqual({ type: 'request', id: expect.any(Number), serviceMethod: 'A.B', args: 1 });
    expect(text(encodeResponse(server, (req as ServerRequest).id, 'A.B', null, 2))).toBe('{"id":"abc","result":2,"error":null}\n');
  });

  it('answers a request without params with an argument error, not a disconnect', () => {
    const server = jsonCodec.newServerCodec(opts);
    const req = server.decodeFrame(Buffer.from('{"method":"A.B","id":1}'));
    expect(req).toMatchObject({ type: 'request', id: 1, argsError: new Error('jsonrpc: request body missing params') });
  });

  it('decodes replies and errors on the client', () => {
    const client = jsonCodec.newClientCodec(opts);
    expect(client.decodeFrame(Buffer.from('{"id":4,"result":{"Quo":2,"Rem":0},"error":null}'))).toEqual({ type: 'response', seq: 4, error: null, reply: { Quo: 2, Rem: 0 } });
    expect(client.decodeFrame(Buffer.from('{"id":5,"result":null,"error":"boom"}'))).toEqual({ type: 'response', seq: 5, error: 'boom', reply: undefined });
    expect(client.decodeFrame(Buffer.from('{"id":6,"result":null,"error":""}'))).toMatchObject({ error: 'unspecified error' });
  });

  it('decodes a stream split at every byte position', () => {
    const client = jsonCodec.newClientCodec(opts);
    const server = jsonCodec.newServerCodec(opts);
    const stream = Buffer.concat([
      encodeRequest(client, 0, 'Echo.Echo', { s: 'a}b{c"d\\', list: [1, [2]] }),
      encodeRequest(client, 1, 'Echo.Upper', 'héllo'),
    ]);
    for (let i = 0; i <= stream.length; i++) {
      const reader = new FrameReader(server.measure, 1 << 20);
      const got: unknown[] = [];
      for (const part of [stream.subarray(0, i), stream.subarray(i)]) reader.push(part, (b, s, e) => void got.push(server.decodeFrame(b, s, e)));
      expect(got).toEqual([
        { type: 'request', id: 0, serviceMethod: 'Echo.Echo', args: { s: 'a}b{c"d\\', list: [1, [2]] } },
        { type: 'request', id: 1, serviceMethod: 'Echo.Upper', args: 'héllo' },
      ]);
    }
  });

  it.each([
    ['invalid JSON', '{"method": nope}'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])],
    ['invalid UTF-8 in a large message', Buffer.concat([Buffer.from(`{"method":"A.B","params":["${'x'.repeat(40_000)}`), Buffer.from([0xc3, 0x28]), Buffer.from('"],"id":1}')])],
    ['valid ASCII but invalid JSON in a large message', `{"method":"A.B","params":["${'x'.repeat(40_000)}"],"id":1,}`],
    ['an object without a method', '{"params":[],"id":1}'],
  ])('rejects %s with a ProtocolError', (_n, bytes) => {
    const server = jsonCodec.newServerCodec(opts);
    expect(thrown(() => server.decodeFrame(typeof bytes === 'string' ? Buffer.from(bytes) : bytes))).toBeInstanceOf(ProtocolError);
  });

  it('decodes large messages, ASCII or not, as the small ones', () => {
    for (const s of ['x'.repeat(40_000), 'é'.repeat(20_000) + '\u{1F600}']) {
      const server = jsonCodec.newServerCodec(opts);
      const msg = server.decodeFrame(Buffer.from(JSON.stringify({ method: 'A.B', params: [s], id: 1 })));
      expect(msg).toMatchObject({ type: 'request', serviceMethod: 'A.B' });
      expect((msg as ServerRequest).args === s).toBe(true);
    }
  });

  it('reports a cyclic value as RPC_ENCODE', () => {
    const server = jsonCodec.newServerCodec(opts);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const err = thrown(() => encodeResponse(server, 1, 'A.B', null, cyclic)) as RpcError;
    expect(err).toBeInstanceOf(RpcError);
    expect(err.code).toBe(ErrorCode.Encode);
  });
});

describe('stringifyGoJson', () => {
  it('writes []byte as base64, bigint with every digit, Map as object, Date as RFC 3339', () => {
    expect(stringifyGoJson({ b: new Uint8Array([1, 2, 255]) })).toBe('{"b":"AQL/"}');
    expect(stringifyGoJson({ n: 18446744073709551615n, m: -9223372036854775808n })).toBe('{"n":18446744073709551615,"m":-9223372036854775808}');
    expect(stringifyGoJson(new Map([['a', 1]]))).toBe('{"a":1}');
    expect(stringifyGoJson(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
  });

  it('leaves strings that look like the bigint marker alone', () => {
    expect(stringifyGoJson(['\u0000bigint-000000000000:5', 1n])).toBe('["\\u0000bigint-000000000000:5",1]');
  });
});
