import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GoType } from '../../../src/codec/go-type.js';
import { StreamDecoder } from '../../../src/codec/gob/decoder.js';
import { topType } from '../../../src/codec/gob/enc-type.js';
import { StreamEncoder } from '../../../src/codec/gob/encoder.js';
import { measureGob } from '../../../src/codec/gob/framing.js';
import { gobCodec } from '../../../src/codec/gob/gob-codec.js';
import { buildGoProgram, requireGo } from '../../interop/go-toolchain.js';
import { encodeRequest, encodeResponse } from '../../support/codec-messages.js';

const run = promisify(execFile);
const fixture = JSON.parse(readFileSync(new URL('./fixtures/gob-golden.json', import.meta.url), 'utf8')) as Record<string, string>;

/** decodeStream decodes every value of a whole gob stream. */
function decodeStream(bytes: Uint8Array): unknown[] {
  const dec = new StreamDecoder(100);
  const out: unknown[] = [];
  for (let p = 0; p < bytes.length; ) {
    const n = measureGob(bytes, p, bytes.length);
    expect(n).toBeGreaterThan(0);
    const res = dec.decodeFrame(bytes.subarray(p, p + n));
    if (res.kind === 'value') out.push(res.value);
    p += n;
  }
  return out;
}

/** encodeStream encodes values (with optional GoTypes) as one gob stream. */
function encodeStream(...items: [unknown, GoType?][]): string {
  const enc = new StreamEncoder(100);
  const parts: Uint8Array[] = [];
  for (const [v, t] of items) {
    enc.begin();
    enc.encode(v, topType(v, t, 100));
    parts.push(enc.finish());
  }
  return Buffer.concat(parts).toString('hex');
}

const int: GoType = { kind: 'int' };
const str: GoType = { kind: 'string' };
const request: GoType = { kind: 'struct', name: 'Request', fields: [{ name: 'ServiceMethod', type: str }, { name: 'Seq', type: { kind: 'uint' } }] };
const point: GoType = { kind: 'struct', name: 'Point', fields: [{ name: 'X', type: int }, { name: 'Y', type: int }, { name: 'Tag', type: str }] };

const expected: Record<string, unknown[]> = {
  quotient: [{ Quo: 0, Rem: 2 }],
  ints: [{ A: -1, B: -(2n ** 63n), C: -128, D: 2n ** 63n - 1n, E: 2n ** 64n - 1n }],
  maxUint64: [2n ** 64n - 1n],
  topInt: [-7],
  topIntBig: [2n ** 53n],
  topString: ['héllo, 世界 🌍'],
  floats: [{ F: 1.5, G: -0.25, H: 1e300, I: -3 }],
  topFloat: [Math.PI],
  nested: [{ Name: 'o', In: { X: 1, Y: 'y' }, P: { X: 2, Y: '' }, Ratio: 0.5 }],
  nestedNilPtr: [{ Name: 'o', In: { X: 0, Y: '' }, P: null, Ratio: 0 }],
  points: [[{ X: 1, Y: 2, Tag: 'a' }, { X: 0, Y: 0, Tag: '' }, { X: -3, Y: 4, Tag: 'ü' }]],
  mapStrInt: [{ one: 1, two: 2 }],
  mapIntStr: [new Map<number, string>([[1, 'one'], [-2, 'minus two']])],
  bytes: [new Uint8Array([0, 1, 2, 255])],
  emptyBytes: [{ B: new Uint8Array(0), N: 1 }],
  array: [[1, 0, -1]],
  bools: [{ T: true, F: false }],
  time: [new Date('2023-04-05T06:07:08.123Z')],
  timeZoned: [new Date('2001-02-02T22:35:06Z')],
  withTime: [{ When: new Date('1999-12-31T23:59:59Z'), Zero: new Date('0001-01-01T00:00:00Z'), N: 3 }],
  iface: [{ Label: 'l', V: { type: 'main.Point', value: { X: 5, Y: 0, Tag: 't' } }, W: null }],
  ifaceTwice: [
    { Label: 'a', V: { type: 'main.Point', value: { X: 1, Y: 0, Tag: '' } }, W: null },
    { Label: 'b', V: { type: 'main.Inner', value: { X: 9, Y: '' } }, W: { type: 'main.Point', value: { X: 0, Y: 2, Tag: '' } } },
  ],
  complex: [{ C: { real: 1.5, imag: -2 }, D: { real: 0, imag: 1 } }],
  topComplex: [{ real: 3, imag: 4 }],
  withSlice: [{ A: [], B: 'x', M: null }],
  tree: [{ Value: 1, Children: [{ Value: 2, Children: [] }, { Value: 3, Children: [{ Value: 4, Children: [] }] }] }],
  multi: [{ A: 7, B: 8 }, { A: 0, B: 1 }, { Quo: 3, Rem: 4 }, { A: -1, B: -2 }],
  rpcRequest: [{ ServiceMethod: 'Arith.Multiply', Seq: 7 }, { A: 7, B: 8 }, { ServiceMethod: 'Arith.Divide', Seq: 8 }, { A: 1, B: 0 }],
  rpcResponse: [{ ServiceMethod: 'Arith.Multiply', Seq: 7, Error: '' }, 56, { ServiceMethod: 'Arith.Divide', Seq: 8, Error: 'divide by zero' }, {}],
};

describe('gob golden streams (recorded fixture)', () => {
  it('covers every recorded stream', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(fixture).sort());
  });
  for (const [name, want] of Object.entries(expected)) {
    it(`decodes ${name}`, () => {
      expect(decodeStream(Buffer.from(fixture[name]!, 'hex'))).toEqual(want);
    });
  }
});

describe('gob interop with Go 1.19 encoding/gob', () => {
  let bin = '';
  let haveGo = false;
  beforeAll(async () => {
    haveGo = await requireGo();
    if (haveGo) bin = await buildGoProgram('gobgolden');
  }, 120_000);

  it('decodes the streams a live Go program writes', async (ctx) => {
    if (!haveGo) return ctx.skip();
    const { stdout } = await run(bin, []);
    const live = JSON.parse(stdout) as Record<string, string>;
    expect(Object.keys(live).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, want] of Object.entries(expected)) {
      expect(decodeStream(Buffer.from(live[name]!, 'hex')), name).toEqual(want);
    }
  });

  it('re-encodes every golden value so that our own decoder gets it back', () => {
    for (const [name, values] of Object.entries(expected)) {
      if (name.startsWith('iface')) continue; // interface fields need a GoType
      const hex = encodeStream(...values.map((v): [unknown] => [v]));
      const back = decodeStream(Buffer.from(hex, 'hex'));
      expect(back.length, name).toBe(values.length);
    }
  });

  it('writes streams that Go decodes into the expected Go types', async (ctx) => {
    if (!haveGo) return ctx.skip();
    const u64: GoType = { kind: 'uint', bits: 64 };
    const ints: GoType = {
      kind: 'struct',
      name: 'Ints',
      fields: [
        { name: 'A', type: int },
        { name: 'B', type: { kind: 'int', bits: 64 } },
        { name: 'C', type: { kind: 'int', bits: 8 } },
        { name: 'D', type: { kind: 'int', bits: 64 } },
        { name: 'E', type: u64 },
      ],
    };
    const floats: GoType = {
      kind: 'struct',
      fields: ['F', 'G', 'H', 'I'].map((name) => ({ name, type: { kind: 'float' } as GoType })),
    };
    const withIface: GoType = {
      kind: 'struct',
      name: 'WithIface',
      fields: [{ name: 'Label', type: str }, { name: 'V', type: { kind: 'interface' } }, { name: 'W', type: { kind: 'interface' } }],
    };
    const withComplex: GoType = {
      kind: 'struct',
      fields: [{ name: 'C', type: { kind: 'complex' } }, { name: 'D', type: { kind: 'complex', bits: 64 } }],
    };
    const jobs: { name: string; types: string[]; hex: string }[] = [
      { name: 'quotient', types: ['quotient'], hex: encodeStream([{ Quo: 0, Rem: 2 }]) },
      { name: 'args-many', types: ['args'], hex: encodeStream([{ A: 7, B: 8 }], [{ A: 0, B: 0 }], [{ A: -1, B: 2 }]) },
      { name: 'ints', types: ['ints'], hex: encodeStream([{ A: -1, B: -(2n ** 63n), C: -128, D: 2n ** 63n - 1n, E: 2n ** 64n - 1n }, ints]) },
      { name: 'floats', types: ['floats'], hex: encodeStream([{ F: 1.5, G: -0.25, H: 1e300, I: -3 }, floats]) },
      { name: 'points', types: ['points'], hex: encodeStream([[{ X: 1, Y: 2, Tag: 'a' }, { X: 0, Y: 0, Tag: '' }, { X: -3, Y: 4, Tag: 'ü' }]]) },
      { name: 'pointsTyped', types: ['points'], hex: encodeStream([[{ X: 1 }, { Y: 2 }], { kind: 'slice', elem: point }]) },
      { name: 'outer', types: ['outer'], hex: encodeStream([{ Name: 'o', In: { X: 1, Y: 'y' }, P: { X: 2 }, Ratio: 0.5 }]) },
      { name: 'mapStrInt', types: ['mapStrInt'], hex: encodeStream([new Map([['one', 1], ['two', 2]])]) },
      { name: 'mapStrIntObj', types: ['mapStrInt'], hex: encodeStream([{ one: 1, two: 2 }, { kind: 'map', key: str, elem: int }]) },
      { name: 'mapIntStr', types: ['mapIntStr'], hex: encodeStream([new Map([[1, 'one'], [-2, 'minus two']])]) },
      { name: 'bytes', types: ['bytes'], hex: encodeStream([new Uint8Array([0, 1, 2, 255])]) },
      { name: 'string', types: ['string'], hex: encodeStream(['héllo, 世界 🌍']) },
      { name: 'int', types: ['int'], hex: encodeStream([-7]) },
      { name: 'int8', types: ['int8'], hex: encodeStream([-128, { kind: 'int', bits: 8 }]) },
      { name: 'uint64', types: ['uint64'], hex: encodeStream([2n ** 64n - 1n]) },
      { name: 'uint64num', types: ['uint64'], hex: encodeStream([2 ** 60, u64]) },
      { name: 'float64', types: ['float64'], hex: encodeStream([0.1]) },
      { name: 'floatWhole', types: ['float64'], hex: encodeStream([2, { kind: 'float' }]) },
      { name: 'bool', types: ['bool'], hex: encodeStream([true]) },
      { name: 'ints3', types: ['ints3'], hex: encodeStream([[1, 0, -1], { kind: 'array', len: 3, elem: int }]) },
      { name: 'emptyIntSlice', types: ['intSlice'], hex: encodeStream([[], { kind: 'slice', elem: int }]) },
      { name: 'emptyInferred', types: ['withSlice'], hex: encodeStream([{ A: [], B: 'x', M: {} }]) },
      { name: 'withSlice', types: ['withSlice'], hex: encodeStream([{ A: [1, 2], B: 'x', M: new Map([['k', 3]]) }]) },
      { name: 'time', types: ['time'], hex: encodeStream([new Date('2023-04-05T06:07:08.123Z')]) },
      { name: 'withTime', types: ['withTime'], hex: encodeStream([{ When: new Date('1999-12-31T23:59:59Z'), N: 3 }]) },
      {
        name: 'iface',
        types: ['withIface'],
        hex: encodeStream([{ Label: 'l', V: { type: 'main.Point', value: { X: 5, Tag: 't' } }, W: null }, withIface]),
      },
      {
        name: 'ifaceGolden',
        types: ['withIface'],
        hex: encodeStream(...(expected.ifaceTwice!.map((v): [unknown, GoType] => [v, withIface]))),
      },
      { name: 'complex', types: ['complex'], hex: encodeStream([{ C: { real: 1.5, imag: -2 }, D: { real: 0, imag: 1 } }, withComplex]) },
      {
        name: 'tree',
        types: ['tree'],
        hex: encodeStream([{ Value: 1, Children: [{ Value: 2 }, { Value: 3, Children: [{ Value: 4 }] }] }]),
      },
      {
        name: 'rpcRequest',
        types: ['rpcRequest', 'args', 'rpcRequest', 'args'],
        hex: encodeStream([{ ServiceMethod: 'Arith.Multiply', Seq: 7 }, request], [{ A: 7, B: 8 }], [{ ServiceMethod: 'Arith.Divide', Seq: 8 }, request], [{ A: 1 }]),
      },
      // Without a GoType, Seq: 7 is inferred as int; Go refuses int for uint64.
      { name: 'rpcRequestInferred', types: ['rpcRequest'], hex: encodeStream([{ ServiceMethod: 'Arith.Multiply', Seq: 7 }]) },
      { name: 'floatForInt', types: ['int'], hex: encodeStream([1.5]) },
    ];
    // The client codec's own request bytes, as a Go server would read them.
    const client = gobCodec.newClientCodec({ maxDepth: 100 });
    const req = Buffer.concat([
      encodeRequest(client, 1, 'Arith.Multiply', { A: 6, B: 7 }),
      encodeRequest(client, 2, 'Arith.Multiply', { A: 0, B: 3 }),
    ]);
    jobs.push({ name: 'clientCodec', types: ['rpcRequest', 'args', 'rpcRequest', 'args'], hex: req.toString('hex') });
    const server = gobCodec.newServerCodec({ maxDepth: 100 });
    const resp = Buffer.concat([
      encodeResponse(server, 1, 'Arith.Multiply', null, 42, { kind: 'int' }),
      encodeResponse(server, 2, 'Arith.Divide', 'divide by zero', undefined),
    ]);
    jobs.push({ name: 'serverCodec', types: ['rpcResponse', 'int', 'rpcResponse', 'discard'], hex: resp.toString('hex') });

    const child = execFile(bin, ['decode']);
    const out = new Promise<string>((resolve, reject) => {
      let s = '';
      child.stdout!.on('data', (d: Buffer) => (s += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(s) : reject(new Error(`gobgolden exited ${code}`))));
    });
    child.stdin!.end(JSON.stringify(jobs));
    const got = JSON.parse(await out) as Record<string, string>;
    expect(got).toEqual({
      quotient: '{Quo:0 Rem:2}',
      'args-many': '{A:7 B:8} | {A:0 B:0} | {A:-1 B:2}',
      ints: '{A:-1 B:-9223372036854775808 C:-128 D:9223372036854775807 E:18446744073709551615}',
      floats: '{F:1.5 G:-0.25 H:1e+300 I:-3}',
      points: '[{X:1 Y:2 Tag:a} {X:0 Y:0 Tag:} {X:-3 Y:4 Tag:ü}]',
      pointsTyped: '[{X:1 Y:0 Tag:} {X:0 Y:2 Tag:}]',
      outer: expect.stringMatching(/^\{Name:o In:\{X:1 Y:y\} P:0x[0-9a-f]+ Ratio:0.5\} P=\{X:2 Y:\}$/) as unknown as string,
      mapStrInt: 'map[one:1 two:2]',
      mapStrIntObj: 'map[one:1 two:2]',
      mapIntStr: 'map[-2:minus two 1:one]',
      bytes: '[0 1 2 255]',
      string: 'héllo, 世界 🌍',
      int: '-7',
      int8: '-128',
      uint64: '18446744073709551615',
      uint64num: (2n ** 60n).toString(),
      rpcRequestInferred: 'ERR: gob: wrong type (uint64) for received field .Seq',
      float64: '0.1',
      floatWhole: '2',
      bool: 'true',
      ints3: '[1 0 -1]',
      emptyIntSlice: '[]',
      emptyInferred: '{A:[] B:x M:map[]}',
      withSlice: '{A:[1 2] B:x M:map[k:3]}',
      time: '2023-04-05T06:07:08.123Z',
      withTime: '{When:1999-12-31T23:59:59Z Zero:true N:3}',
      iface: '{Label:l V:{X:5 Y:0 Tag:t} W:<nil>}',
      ifaceGolden: '{Label:a V:{X:1 Y:0 Tag:} W:<nil>} | {Label:b V:{X:9 Y:} W:{X:0 Y:2 Tag:}}',
      complex: '{C:(1.5-2i) D:(0+1i)}',
      tree: '1(2()3(4()))',
      rpcRequest: '{ServiceMethod:Arith.Multiply Seq:7} | {A:7 B:8} | {ServiceMethod:Arith.Divide Seq:8} | {A:1 B:0}',
      floatForInt: expect.stringMatching(/^ERR: gob: .*type mismatch|^ERR: /) as unknown as string,
      clientCodec: '{ServiceMethod:Arith.Multiply Seq:1} | {A:6 B:7} | {ServiceMethod:Arith.Multiply Seq:2} | {A:0 B:3}',
      serverCodec: '{ServiceMethod:Arith.Multiply Seq:1 Error:} | 42 | {ServiceMethod:Arith.Divide Seq:2 Error:divide by zero} | <discarded>',
    });
  }, 60_000);
});
