import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StreamDecoder } from '../../../src/codec/gob/decoder.js';
import { measureGob } from '../../../src/codec/gob/framing.js';
import { gobArrayDef as arrayDef, gobFrame as frame, gobSliceDef as sliceDef } from '../../hostile/attacks.js';
import { ErrorCode, ProtocolError } from '../../../src/errors.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/gob-golden.json', import.meta.url), 'utf8')) as Record<string, string>;

function expectProtocol(fn: () => unknown, code?: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    if (code !== undefined) expect((err as ProtocolError).code).toBe(code);
    return;
  }
  expect.unreachable('expected a ProtocolError');
}

/** feedAll frames a byte stream with measureGob and decodes every frame. */
function feedAll(dec: StreamDecoder, bytes: Uint8Array): number {
  let p = 0;
  let values = 0;
  while (p < bytes.length) {
    const n = measureGob(bytes, p, bytes.length);
    if (n < 0) break; // incomplete tail: a real reader would wait for more
    if (dec.decodeFrame(bytes.subarray(p, p + n)).kind === 'value') values++;
    p += n;
  }
  return values;
}

describe('gob decoder on hostile input', () => {
  it('rejects a count of 2^32 elements in a tiny body without allocating', () => {
    const dec = new StreamDecoder(64);
    dec.decodeFrame(sliceDef(65, 2));
    const t0 = Date.now();
    expectProtocol(() =>
      dec.decodeFrame(
        frame((w) => {
          w.writeInt(65);
          w.writeUint(0);
          w.writeUint(2 ** 32);
          w.writeUint(1);
        }),
      ),
    );
    expect(Date.now() - t0).toBeLessThan(100);
  });

  it('rejects strings and maps longer than their frame', () => {
    const dec = new StreamDecoder(64);
    expectProtocol(() => dec.decodeFrame(frame((w) => { w.writeInt(6); w.writeUint(0); w.writeUint(2 ** 40); })));
    const dec2 = new StreamDecoder(64);
    expectProtocol(() => dec2.decodeFrame(frame((w) => { w.writeInt(5); w.writeUint(0); w.writeUint(3); w.writeUint(1); })));
  });

  it('rejects truncated frames of every golden stream', () => {
    let checked = 0;
    for (const hex of Object.values(fixture)) {
      const bytes = Buffer.from(hex, 'hex');
      const dec = new StreamDecoder(64);
      for (let p = 0; p < bytes.length; ) {
        const n = measureGob(bytes, p, bytes.length);
        const whole = bytes.subarray(p, p + n);
        const start = whole[0]! < 128 ? 1 : 1 + 256 - whole[0]!;
        for (let cut = 1; cut < whole.length - start; cut++) {
          const short = frame((w) => w.writeRaw(whole.subarray(start, whole.length - cut)));
          // A truncated frame must fail; a fresh decoder with the same types is used each time.
          const probe = new StreamDecoder(64);
          try {
            feedAll(probe, bytes.subarray(0, p));
            const res = probe.decodeFrame(short);
            expect(['partial', 'type', 'value']).toContain(res.kind);
          } catch (err) {
            expect(err).toBeInstanceOf(ProtocolError);
          }
          checked++;
        }
        dec.decodeFrame(whole);
        p += n;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('fails fast on 100,000 nested type definitions', () => {
    const dec = new StreamDecoder(64);
    const t0 = Date.now();
    let err: unknown;
    try {
      for (let i = 0; i < 100_000; i++) dec.decodeFrame(sliceDef(65 + i, i === 99_999 ? 2 : 66 + i));
      const depth = 100_000;
      dec.decodeFrame(
        frame((w) => {
          w.writeInt(65);
          w.writeUint(0);
          for (let i = 0; i < depth; i++) w.writeUint(1);
          w.writeUint(1);
          w.writeInt(1);
        }),
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtocolError);
    expect([ErrorCode.Protocol, ErrorCode.NestingTooDeep]).toContain((err as ProtocolError).code);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('stops deeply nested values at maxDepth', () => {
    const dec = new StreamDecoder(64);
    const n = 10_000;
    for (let i = 0; i < n; i++) dec.decodeFrame(sliceDef(65 + i, i === n - 1 ? 2 : 66 + i));
    const value = frame((w) => {
      w.writeInt(65);
      w.writeUint(0);
      for (let i = 0; i < n; i++) w.writeUint(1);
      w.writeInt(1);
    });
    expectProtocol(() => dec.decodeFrame(value), ErrorCode.NestingTooDeep);
  });

  it('accepts a self-referential slice type but bounds the depth of its values', () => {
    const dec = new StreamDecoder(64);
    dec.decodeFrame(sliceDef(65, 65)); // type T []T is legal Go
    const shallow = frame((w) => {
      w.writeInt(65);
      w.writeUint(0);
      w.writeUint(2);
      w.writeUint(0);
      w.writeUint(1);
      w.writeUint(0);
    });
    expect(dec.decodeFrame(shallow)).toMatchObject({ kind: 'value', value: [[], [[]]] });
    const deep = frame((w) => {
      w.writeInt(65);
      w.writeUint(0);
      for (let i = 0; i < 100_000; i++) w.writeUint(1);
      w.writeUint(0);
    });
    expectProtocol(() => dec.decodeFrame(deep), ErrorCode.NestingTooDeep);
  });

  it('rejects arrays that contain themselves and references to undefined ids', () => {
    const dec = new StreamDecoder(64);
    dec.decodeFrame(arrayDef(65, 66, 1));
    dec.decodeFrame(arrayDef(66, 65, 1));
    expectProtocol(() => dec.decodeFrame(frame((w) => { w.writeInt(65); w.writeUint(0); w.writeUint(1); w.writeUint(1); })));
    const dec2 = new StreamDecoder(64);
    dec2.decodeFrame(sliceDef(65, 999));
    expectProtocol(() => dec2.decodeFrame(frame((w) => { w.writeInt(65); w.writeUint(0); w.writeUint(0); })));
    expectProtocol(() => dec2.decodeFrame(frame((w) => { w.writeInt(12345); w.writeUint(0); })));
  });

  it('rejects duplicate and reserved type ids', () => {
    const dec = new StreamDecoder(64);
    dec.decodeFrame(sliceDef(65, 2));
    expectProtocol(() => dec.decodeFrame(sliceDef(65, 2)));
    expectProtocol(() => new StreamDecoder(64).decodeFrame(sliceDef(6, 2)));
  });

  it('survives random mutation of valid streams (seeded)', () => {
    let seed = 0x9e3779b9;
    const rand = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const streams = Object.values(fixture).map((h) => Buffer.from(h, 'hex'));
    let errors = 0;
    let ok = 0;
    const t0 = Date.now();
    for (let iter = 0; iter < 4000; iter++) {
      const src = streams[rand(streams.length)]!;
      const b = Buffer.from(src);
      const edits = 1 + rand(4);
      let bytes: Buffer = b;
      for (let e = 0; e < edits; e++) {
        const at = rand(bytes.length);
        switch (rand(4)) {
          case 0: bytes[at] = rand(256); break;
          case 1: bytes[at] = bytes[at]! ^ (1 << rand(8)); break;
          case 2: bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([rand(256)]), bytes.subarray(at)]); break;
          default: bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
        }
      }
      try {
        feedAll(new StreamDecoder(32), bytes);
        ok++;
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        errors++;
      }
    }
    expect(errors + ok).toBe(4000);
    expect(errors).toBeGreaterThan(100);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
