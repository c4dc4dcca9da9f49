import { describe, expect, it } from 'vitest';
import { findHeadEnd, HeadParseError, parseRequestHead, parseStatusHead, requestPath } from '../src/http-head.js';

const enc = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('findHeadEnd', () => {
  it('finds a bare-LF head as Go writes it', () => {
    const b = enc('CONNECT /_goRPC_ HTTP/1.0\n\nrest');
    expect(findHeadEnd(b)).toBe(b.length - 4);
  });

  it('finds a CRLF head and a mixed one', () => {
    expect(findHeadEnd(enc('CONNECT / HTTP/1.1\r\nA: b\r\n\r\nX'))).toBe(28);
    expect(findHeadEnd(enc('CONNECT / HTTP/1.1\r\nA: b\n\r\nX'))).toBe(27);
    expect(findHeadEnd(enc('CONNECT / HTTP/1.1\nA: b\r\n\nX'))).toBe(26);
  });

  it('reports an incomplete head at every prefix', () => {
    const b = enc('CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: json\r\n\r\n');
    for (let i = 0; i < b.length; i++) expect(findHeadEnd(b.subarray(0, i))).toBe(-1);
    expect(findHeadEnd(b)).toBe(b.length);
  });

  it('respects the end bound', () => {
    const b = enc('GET / HTTP/1.1\n\n');
    expect(findHeadEnd(b, b.length - 1)).toBe(-1);
  });
});

describe('parseRequestHead', () => {
  it('parses method, target, version and lower-cased headers', () => {
    const h = parseRequestHead(enc('CONNECT /_goRPC_ HTTP/1.0\nRpc-Codec:  msgpack \nX-A: 1\nx-a: 2\n\n'));
    expect(h).toMatchObject({ method: 'CONNECT', target: '/_goRPC_', version: 'HTTP/1.0' });
    expect(h.headers['rpc-codec']).toBe('msgpack');
    expect(h.headers['x-a']).toBe('1, 2');
  });

  it.each([
    'CONNECT /_goRPC_\n\n',
    'CONNECT  /_goRPC_ HTTP/1.0\n\n',
    'CONNECT /_goRPC_ HTTP/2.0\n\n',
    'CONNECT /x HTTP/1.0\nno colon here\n\n',
    'CONNECT /x HTTP/1.0\nBad Name: v\n\n',
    '\x00\x01\x02 / HTTP/1.1\n\n',
  ])('rejects %j', (text) => {
    expect(() => parseRequestHead(enc(text))).toThrow(HeadParseError);
  });
});

describe('parseStatusHead', () => {
  it("parses Go's exact answer", () => {
    const h = parseStatusHead(enc('HTTP/1.0 200 Connected to Go RPC\n\n'));
    expect(h).toMatchObject({ statusCode: 200, status: '200 Connected to Go RPC', statusLine: 'HTTP/1.0 200 Connected to Go RPC' });
  });

  it('parses headers and a reason-less status', () => {
    const h = parseStatusHead(enc('HTTP/1.1 404\r\nContent-Type: text/plain\r\n\r\n'));
    expect(h.statusCode).toBe(404);
    expect(h.headers['content-type']).toBe('text/plain');
  });

  it('rejects something that is not HTTP', () => {
    expect(() => parseStatusHead(enc('SSH-2.0-OpenSSH\n\n'))).toThrow(HeadParseError);
  });
});

describe('requestPath', () => {
  it('drops query and fragment', () => {
    expect(requestPath('/_goRPC_?x=1')).toBe('/_goRPC_');
    expect(requestPath('/a#b')).toBe('/a');
    expect(requestPath('/a')).toBe('/a');
  });
});
