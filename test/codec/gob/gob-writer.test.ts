import { describe, expect, it } from 'vitest';
import { GobWriter } from '../../../src/codec/gob/writer.js';
import { StreamEncoder } from '../../../src/codec/gob/encoder.js';
import { StreamDecoder } from '../../../src/codec/gob/decoder.js';
import { topType } from '../../../src/codec/gob/enc-type.js';
import { measureGob } from '../../../src/codec/gob/framing.js';
import { FrameReader } from '../../../src/codec/frame-reader.js';

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * seed + (i >> 9)) & 0xff);
const joined = (e: Uint8Array | Uint8Array[]): Buffer => Buffer.concat(Array.isArray(e) ? e : [e]);

/** write runs the same writes on a writer; `copied` writes byte slices by copying them, as a reference. */
function write(w: GobWriter, big: Uint8Array[], copied: boolean): void {
  const bytesOut = (b: Uint8Array): void => {
    if (copied) {
      w.writeUint(b.length);
      w.writeRaw(b);
    } else {
      w.writeBytes(b);
    }
  };
  const outer = w.beginLength();
  w.writeInt(65);
  bytesOut(big[0]!);
  const inner = w.beginLength();
  w.writeString('between');
  bytesOut(big[1]!);
  bytesOut(Uint8Array.of(1, 2, 3));
  w.endLength(inner);
  bytesOut(big[2]!);
  w.writeUint(7);
  w.endLength(outer);
}

describe('GobWriter with large byte slices', () => {
  it('keeps them by reference as parts, with the same bytes as copying them, nested lengths included', () => {
    const big = [bytes(70_000, 3), bytes(200_000, 5), bytes(65_536, 11)];
    const byRef = new GobWriter();
    write(byRef, big, false);
    const parts = byRef.takeParts();
    expect(Array.isArray(parts)).toBe(true);
    for (const b of big) expect((parts as Uint8Array[]).includes(b)).toBe(true);
    const copy = new GobWriter();
    write(copy, big, true);
    expect(joined(parts).equals(joined(copy.takeParts()))).toBe(true);
    // Emptied: the next message starts afresh.
    byRef.writeUint(5);
    expect(joined(byRef.takeParts())).toEqual(Buffer.of(5));
  });

  it('encodes a message group holding large []byte and string fields that decodes back to the same value', () => {
    const value = { Name: 'x'.repeat(100_000), Data: bytes(300_000, 7), List: [bytes(80_000, 13), bytes(10, 1)] };
    const goType = {
      kind: 'struct',
      name: 'Blob',
      fields: [
        { name: 'Name', type: { kind: 'string' } },
        { name: 'Data', type: { kind: 'slice', elem: { kind: 'uint', bits: 8 } } },
        { name: 'List', type: { kind: 'slice', elem: { kind: 'slice', elem: { kind: 'uint', bits: 8 } } } },
      ],
    } as const;
    const enc = new StreamEncoder(100);
    enc.begin();
    enc.encode(value, topType(value, goType as never, 100));
    const out = enc.finishParts();
    expect(Array.isArray(out)).toBe(true);
    const stream = joined(out);
    const dec = new StreamDecoder(100);
    let got: unknown;
    let frames = 0;
    new FrameReader(measureGob, 16 << 20).push(stream, (buf, start, end) => {
      frames++;
      const res = dec.decodeFrame(buf.subarray(start, end));
      if (res.kind === 'value') got = res.value;
    });
    expect(frames).toBeGreaterThan(1);
    const back = got as typeof value;
    expect(Object.keys(back)).toEqual(['Name', 'Data', 'List']);
    expect(back.Name).toBe(value.Name);
    expect(Buffer.from(back.Data).equals(value.Data)).toBe(true);
    expect(back.List.map((b) => Buffer.from(b).toString('hex'))).toEqual(value.List.map((b) => Buffer.from(b).toString('hex')));
  });
});
