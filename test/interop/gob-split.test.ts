/**
 * Values a real Go 1.19 encoder splits across messages: a []interface{}
 * and a struct of interface fields holding N concrete types sent for the
 * first time (test/interop/go/gobsplit). Go ends a message after each new
 * type's definition; the decoder must continue where it stopped, reading
 * each byte once, and produce exactly the value Go sent.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { StreamDecoder } from '../../src/codec/gob/decoder.js';
import { GobReader } from '../../src/codec/gob/reader.js';
import { splitGob } from '../hostile/attacks.js';
import { runProgram } from './go-process.js';
import { buildGoProgram, requireGo } from './go-toolchain.js';

let bin = '';
let haveGo = false;

beforeAll(async () => {
  haveGo = await requireGo();
  if (haveGo) bin = await buildGoProgram('gobsplit');
}, 120_000);

describe.each(['slice', 'struct'])('a Go value of N new interface types, as a %s', (mode) => {
  it.for([1, 7, 300, 2000])('N = %i: spans N+1 messages, decodes to what Go sent, one read per byte at most', async (n, ctx) => {
    if (!haveGo) return ctx.skip();
    const { code, stdout, stderr } = await runProgram(bin, [String(n), mode]);
    expect(code, stderr).toBe(0);
    const [hex, json] = stdout.trim().split('\n');
    const bytes = Buffer.from(hex!, 'hex');
    const dec = new StreamDecoder(100);
    const spies = (['readUint', 'readFloat', 'readString', 'readBytes'] as const).map((m) => vi.spyOn(GobReader.prototype, m));
    let partial = 0;
    let value: unknown;
    for (const f of splitGob(bytes)) {
      const r = dec.decodeFrame(f);
      if (r.kind === 'partial') partial++;
      else if (r.kind === 'value') value = r.value;
    }
    const reads = spies.reduce((sum, s) => sum + s.mock.calls.length, 0);
    for (const s of spies) s.mockRestore();
    expect(partial).toBe(n);
    expect(value).toEqual(JSON.parse(json!));
    expect(reads).toBeLessThanOrEqual(bytes.length);
  });
});
