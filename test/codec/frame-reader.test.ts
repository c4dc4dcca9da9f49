import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { measureMsgpack } from '../../src/codec/msgpack/msgpack-measure.js';
import { ErrorCode, ProtocolError } from '../../src/errors.js';
import { FrameReader } from '../../src/codec/frame-reader.js';
import { isJsonWhitespace, measureJson } from '../../src/codec/json/json-measure.js';
import type { Measure } from '../../src/codec/codec.js';

const measure = measureMsgpack(100);

function collect(reader: FrameReader, chunks: Uint8Array[]): Buffer[] {
  const frames: Buffer[] = [];
  for (const c of chunks) reader.push(c, (b, s, e) => void frames.push(Buffer.from(b.subarray(s, e))));
  return frames;
}

describe('FrameReader', () => {
  const messages = [pack([0, 1, 'Arith.Multiply', [{ A: 7, B: 8 }]]), pack('x'.repeat(300)), pack(new Uint8Array(70_000))];
  const stream = Buffer.concat(messages);

  it('yields every frame whole for every split of the stream', () => {
    for (let i = 0; i <= stream.length; i += i < 400 ? 1 : 997) {
      const frames = collect(new FrameReader(measure, 1 << 20), [stream.subarray(0, i), stream.subarray(i)]);
      expect(frames.length).toBe(messages.length);
      frames.forEach((f, k) => expect(f.equals(messages[k]!), `split at ${i}, frame ${k}`).toBe(true));
    }
  });

  it('copes with one byte at a time', () => {
    const small = Buffer.concat(messages.slice(0, 2));
    const chunks = [...small].map((b) => Uint8Array.of(b));
    expect(collect(new FrameReader(measure, 1 << 20), chunks)).toHaveLength(2);
  });

  it('hands out thousands of frames from one chunk', () => {
    const one = pack([1, 5, null, 42]);
    const many = Buffer.concat(Array.from({ length: 5000 }, () => one));
    let n = 0;
    new FrameReader(measure, 1 << 20).push(many, () => void n++);
    expect(n).toBe(5000);
  });

  it('rejects a frame over the limit as soon as its header is read', () => {
    const big = pack(new Uint8Array(2000));
    const reader = new FrameReader(measure, 1000);
    let err: unknown;
    try {
      reader.push(big.subarray(0, 3), () => undefined);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe(ErrorCode.MessageTooLarge);
  });

  it('stops when onFrame returns false and resumes on the next push', () => {
    const one = pack(1);
    const reader = new FrameReader(measure, 100);
    let n = 0;
    reader.push(Buffer.concat([one, one, one]), () => ++n < 1 || false);
    expect(n).toBe(1);
    expect(reader.bufferedBytes).toBe(2);
    reader.push(new Uint8Array(0), () => void n++);
    expect(n).toBe(3);
  });
});

describe('FrameReader with an open-ended format (JSON)', () => {
  const json = measureJson(100);
  const countingMeasure = (counter: { bytes: number }): Measure => (buf, start, end) => {
    counter.bytes += end - start;
    return json(buf, start, end);
  };
  const chunked = (b: Uint8Array, size: number): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, Math.min(b.length, i + size)));
    return out;
  };

  it('hands out a large message ending in a newline with its last chunk, without waiting for a re-measure', () => {
    const message = Buffer.from(`{"method":"Bench.Base64","params":["${'QUJD'.repeat(350_000)}"],"id":1}\n`);
    const counter = { bytes: 0 };
    const reader = new FrameReader(countingMeasure(counter), 16 << 20, undefined, isJsonWhitespace);
    const frames = collect(reader, chunked(message, 65_536));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.length).toBe(message.length - 1);
    // Re-measured as it doubled, and once more at the end: a few times its size, not once per chunk.
    expect(counter.bytes).toBeLessThanOrEqual(4 * message.length);
  });

  it('keeps the work linear when every chunk of an endless string holds a newline', () => {
    const counter = { bytes: 0 };
    const reader = new FrameReader(countingMeasure(counter), 16 << 20, undefined, isJsonWhitespace);
    const chunk = Buffer.from(`${'x'.repeat(4095)}\n`);
    reader.push(Buffer.from('{"params":["'), () => undefined);
    let sent = 0;
    for (let i = 0; i < 2048; i++) {
      reader.push(chunk, () => undefined);
      sent += chunk.length;
    }
    expect(reader.bufferedBytes).toBeGreaterThan(sent);
    expect(counter.bytes).toBeLessThanOrEqual(8 * sent);
  });
});
