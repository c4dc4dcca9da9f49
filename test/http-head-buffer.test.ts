/**
 * HeadBuffer, the incremental HTTP head reader both sides share: fed a head
 * (and what follows it) in chunks of every size and split at every
 * position, it finds the same blank line, returns the same head and gives
 * back the bytes after it unchanged; it honours the head-size limit and
 * accepts bare LF and mixed line ends as Go writes them.
 */
import { describe, expect, it } from 'vitest';
import { HeadBuffer } from '../src/http-head.js';
import type { HeadScan } from '../src/http-head.js';
import { splitEverywhere } from './support/split-everywhere.js';

const enc = (s: string): Buffer => Buffer.from(s, 'latin1');

/** chunked cuts `bytes` into chunks of `size` (the last may be shorter). */
function chunked(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/**
 * feed pushes `chunks` into a fresh HeadBuffer until it reports something
 * other than partial, and returns that scan with how many chunks it took
 * and how many bytes had been pushed; `scan` is partial if every chunk was.
 */
function feed(chunks: readonly Buffer[], max = 16 * 1024): { scan: HeadScan; pushes: number; pushed: number } {
  const buf = new HeadBuffer(max);
  let scan: HeadScan = { state: 'partial' };
  let pushes = 0;
  for (const c of chunks) {
    scan = buf.push(c);
    pushes++;
    expect(buf.byteLength).toBe(chunks.slice(0, pushes).reduce((n, x) => n + x.length, 0));
    if (scan.state !== 'partial') break;
  }
  return { scan, pushes, pushed: buf.byteLength };
}

/** expectComplete asserts that `scan` found the head `head` and returned `rest` after it. */
function expectComplete(scan: HeadScan, head: Buffer, rest: Buffer): void {
  expect(scan.state).toBe('complete');
  if (scan.state !== 'complete') return;
  expect(scan.head.equals(head)).toBe(true);
  expect(scan.rest.equals(rest)).toBe(true);
}

const GO_CONNECT = enc('CONNECT /_goRPC_ HTTP/1.0\n\n');
const CRLF_CONNECT = enc('CONNECT /_goRPC_ HTTP/1.1\r\nHost: example\r\nRpc-Codec: msgpack\r\n\r\n');
const MIXED_CONNECT = enc('CONNECT /_goRPC_ HTTP/1.1\r\nHost: example\n\r\n');
const AFTER = Buffer.from([0x94, 0x00, 0x01, 0x0d, 0x0a, 0x0d, 0x0a, 0x0a, 0x0a, 0xff, 0x00]); // codec bytes, blank lines among them

describe('HeadBuffer: one head, every chunking', () => {
  it.each([
    ['bare LF, as Go writes it', GO_CONNECT],
    ['CRLF', CRLF_CONNECT],
    ['mixed LF and CRLF', MIXED_CONNECT],
    ['CRLF then a bare LF', enc('CONNECT / HTTP/1.1\r\nA: b\r\n\n')],
  ])('%s: chunks of every size find the same head and give back every byte after it', (_name, head) => {
    const stream = Buffer.concat([head, AFTER]);
    for (let size = 1; size <= stream.length; size++) {
      const chunks = chunked(stream, size);
      const { scan, pushes, pushed } = feed(chunks);
      // Complete at the chunk holding the head's last byte, with the rest of that chunk as `rest`.
      expect(pushes).toBe(Math.ceil(head.length / size));
      expectComplete(scan, head, stream.subarray(head.length, pushed));
    }
  });

  it.each([
    ['bare LF', GO_CONNECT],
    ['CRLF', CRLF_CONNECT],
    ['mixed', MIXED_CONNECT],
  ])('%s: split in two at every position, the head is found once it has all arrived', (_name, head) => {
    const stream = Buffer.concat([head, AFTER]);
    for (const [a, b] of splitEverywhere(stream)) {
      const buf = new HeadBuffer(1024);
      const first = buf.push(Buffer.from(a));
      if (a.length >= head.length) {
        expectComplete(first, head, stream.subarray(head.length, a.length));
        continue;
      }
      expect(first.state).toBe('partial');
      expectComplete(buf.push(Buffer.from(b)), head, stream.subarray(head.length));
    }
  });

  it('one byte per push: partial until the last byte of the blank line, then complete with nothing left over', () => {
    const buf = new HeadBuffer(1024);
    for (let i = 0; i < CRLF_CONNECT.length - 1; i++) expect(buf.push(CRLF_CONNECT.subarray(i, i + 1)).state).toBe('partial');
    expectComplete(buf.push(CRLF_CONNECT.subarray(-1)), CRLF_CONNECT, Buffer.alloc(0));
    expect(buf.byteLength).toBe(CRLF_CONNECT.length);
  });
});

describe('HeadBuffer: blank lines split across chunks', () => {
  const line = 'CONNECT / HTTP/1.1\r\nA: b';
  it.each([
    ['\r\n\r\n', ['\r', '\n\r\n']],
    ['\r\n\r\n', ['\r\n', '\r\n']],
    ['\r\n\r\n', ['\r\n\r', '\n']],
    ['\r\n\r\n', ['\r', '\n', '\r', '\n']],
    ['\n\n', ['\n', '\n']],
    ['\n\r\n', ['\n', '\r', '\n']],
    ['\r\n\n', ['\r', '\n', '\n']],
  ])('%j sent as %j ends the head at its last byte', (end, parts) => {
    const chunks = [enc(line), ...parts.slice(0, -1).map(enc), enc(`${parts.at(-1)!}rest`)];
    const { scan, pushes } = feed(chunks);
    expect(pushes).toBe(chunks.length);
    expectComplete(scan, enc(line + end), enc('rest'));
  });

  it('a blank line begun in one chunk and ended three chunks later, after an earlier line end', () => {
    const { scan } = feed([enc('GET / HTTP/1.1\r\n'), enc('X: 1\r'), enc('\n'), enc('\r'), enc('\nbody')]);
    expectComplete(scan, enc('GET / HTTP/1.1\r\nX: 1\r\n\r\n'), enc('body'));
  });

  it.each([
    ['single line ends', ['GET / HTTP/1.1\r\n', 'A: b\r\n', 'C: d\n']],
    ['bare CRs', ['GET / HTTP/1.1\r\r', '\r\r']],
    ['a CR between two LFs', ['GET / HTTP/1.1\n\r', '\r\n']],
    ['an LF, a space, an LF', ['GET / HTTP/1.1\n \n']],
  ])('%s do not end a head', (_name, parts) => {
    const { scan, pushes } = feed(parts.map(enc));
    expect(scan.state).toBe('partial');
    expect(pushes).toBe(parts.length);
  });

  it('the first blank line ends the head, even when the bytes after it hold more blank lines', () => {
    const { scan } = feed([enc('GET / HTTP/1.1\n\nGET /2 HTTP/1.1\r\n\r\n')]);
    expectComplete(scan, enc('GET / HTTP/1.1\n\n'), enc('GET /2 HTTP/1.1\r\n\r\n'));
  });

  it('bytes after the head are returned as sent, binary included', () => {
    const after = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const { scan } = feed([enc('CONNECT /_goRPC_ HTTP/1.0\n'), Buffer.concat([enc('\n'), after])]);
    expectComplete(scan, GO_CONNECT, after);
  });
});

describe('HeadBuffer: the head-size limit', () => {
  const MAX = 64;
  /** headOf is a head of exactly `total` bytes ending in `end`. */
  const headOf = (total: number, end: string): Buffer => enc(`GET / HTTP/1.1\r\nX: ${'a'.repeat(total - 19 - end.length)}${end}`);

  it.each(['\r\n\r\n', '\n\n'])('a head of exactly maxHeadBytes ending in %j completes at every chunk size', (end) => {
    const head = headOf(MAX, end);
    expect(head.length).toBe(MAX);
    const stream = Buffer.concat([head, enc('tail')]);
    for (let size = 1; size <= stream.length; size++) {
      const { scan, pushed } = feed(chunked(stream, size), MAX);
      expectComplete(scan, head, stream.subarray(MAX, pushed));
    }
  });

  it('in one chunk, the head may run maxHeadBytes plus its blank line; one byte more is too large', () => {
    const fits = headOf(MAX + 4, '\r\n\r\n');
    expectComplete(feed([Buffer.concat([fits, enc('x')])], MAX).scan, fits, enc('x'));
    expect(feed([Buffer.concat([headOf(MAX + 5, '\r\n\r\n'), enc('x')])], MAX).scan.state).toBe('tooLarge');
    expect(feed([headOf(MAX + 5, '\n\n')], MAX).scan.state).toBe('tooLarge');
  });

  it('a head with no blank line is partial until maxHeadBytes plus a blank line could no longer fit, then too large, at every chunk size', () => {
    const endless = enc(`GET / HTTP/1.1\r\n${'X: 1\r\n'.repeat(40)}`);
    expect(endless.length).toBeGreaterThan(3 * MAX);
    for (let size = 1; size <= endless.length; size++) {
      const { scan, pushes, pushed } = feed(chunked(endless, size), MAX);
      expect(scan.state).toBe('tooLarge');
      expect(pushes).toBe(Math.ceil((MAX + 4) / size));
      expect(pushed).toBeGreaterThanOrEqual(MAX + 4);
    }
  });

  it('a head that fits in one chunk fits however the peer splits it', () => {
    for (const end of ['\r\n\r\n', '\n\n']) {
      const fits = headOf(MAX + end.length, end);
      const stream = Buffer.concat([fits, enc('tail')]);
      for (let size = 1; size <= stream.length; size++) {
        const { scan, pushed } = feed(chunked(stream, size), MAX);
        expectComplete(scan, fits, stream.subarray(fits.length, pushed));
      }
    }
  });

  it('a blank line that arrives only past the limit does not rescue the head, at every chunk size', () => {
    const late = headOf(3 * MAX, '\r\n\r\n');
    for (let size = 1; size <= late.length; size++) expect(feed(chunked(late, size), MAX).scan.state).toBe('tooLarge');
  });

  it('a multi-megabyte chunk without a blank line is too large at once', () => {
    expect(feed([Buffer.alloc(4 * 1024 * 1024, 0x41)], MAX).scan.state).toBe('tooLarge');
  });

  it('a multi-megabyte chunk whose head fits returns the whole remainder', () => {
    const after = Buffer.alloc(4 * 1024 * 1024, 0x0a);
    const { scan } = feed([Buffer.concat([GO_CONNECT, after])], MAX);
    expectComplete(scan, GO_CONNECT, after);
  });
});
