import { describe, expect, it } from 'vitest';
import { classifyFirstBytes } from '../../src/server/plain-detect.js';

const bytes = (...b: (number | string)[]): Buffer => Buffer.concat(b.map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from([x]))));

describe('classifyFirstBytes', () => {
  it.each([
    ["Go's rpc.Dial first message", bytes(0x2f, 0xff, 0x81, 0x03, 0x01, 0x01, 0x07, 'Request'), 'gob'],
    ['a gob length 0x7b (`{`) before a type definition', bytes(0x7b, 0xff, 0x81), 'gob'],
    ['a gob length 0x47 (`G`) before a type definition', bytes(0x47, 0xff, 0x81), 'gob'],
    ['a gob length 0x20 (space) before a type definition', bytes(0x20, 0xff, 0x81), 'gob'],
    ['a gob length over 127 bytes', bytes(0xfe, 0x01, 0x00, 0xff, 0x81), 'gob'],
    ["Go's jsonrpc.Dial first message", bytes('{"method":"Arith.Multiply","params":[{"A":7,"B":8}],"id":0}\n'), 'json'],
    ['JSON after a line end', bytes(' \r\n {"method":"x"}'), 'json'],
    ['a msgpack-rpc request', bytes(0x94, 0x00, 0x00, 0xa1, 'x'), 'msgpack'],
    ['a msgpack-rpc notification', bytes(0x93, 0x02), 'msgpack'],
    ['a msgpack array 16', bytes(0xdc, 0x00, 0x04), 'msgpack'],
    ['a msgpack array 32', bytes(0xdd), 'msgpack'],
  ])('%s is plain %s', (_name, first, codec) => {
    expect(classifyFirstBytes(first, 16384)).toEqual({ kind: 'plain', codec });
  });

  it.each([
    ['Go\'s CONNECT', bytes('CONNECT /_goRPC_ HTTP/1.0\n\n')],
    ['a GET', bytes('GET / HTTP/1.1\r\n')],
    ['an empty line', bytes('\r\n\r\n')],
    ['a zero byte then 0xff', bytes(0x00, 0xff, 0xc1)],
    ['a byte 0x80–0xf7 that is no msgpack array', bytes(0xc1, 0x00)],
    ['a JSON array', bytes('[1]')],
  ])('%s is http', (_name, first) => {
    expect(classifyFirstBytes(first, 16384)).toEqual({ kind: 'http' });
  });

  it('waits while one byte or only whitespace cannot decide, and gives up on whitespace at the head limit', () => {
    expect(classifyFirstBytes(bytes(), 100)).toEqual({ kind: 'more' });
    expect(classifyFirstBytes(bytes('{'), 100)).toEqual({ kind: 'more' });
    expect(classifyFirstBytes(bytes('G'), 100)).toEqual({ kind: 'more' });
    expect(classifyFirstBytes(bytes('   \n  '), 100)).toEqual({ kind: 'more' });
    expect(classifyFirstBytes(Buffer.alloc(100, 0x20), 100)).toEqual({ kind: 'http' });
  });
});
