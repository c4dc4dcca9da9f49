/**
 * netrpc → Go: a netrpc client gets every case from the Go matrix server
 * (Get) and sends what it decoded back (Check), untyped and through the
 * contract built from the Go types; the Go server compares each argument
 * exactly with what a Go client delivers (Go → Go). Also JS-constructed
 * values sent through contracts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GoTime } from '../../src/codec/go-time.js';
import { defineService } from '../../src/contract/contract.js';
import { go } from '../../src/contract/go-schemas.js';
import { createServiceProxy } from '../../src/contract/service-proxy.js';
import type { StartedServer } from './go-process.js';
import { requireGo } from './go-toolchain.js';
import { casesFor, matrixCases, matrixCodecs } from './matrix-cases.js';
import type { MatrixCodec, MatrixTransport } from './matrix-cases.js';
import { buildMatrix, matrixGoTypes, startMatrixServer } from './matrix-harness.js';
import { dialedTransports, matrixContract, matrixDialers } from './matrix-netrpc.js';
import type { MatrixGoTypes } from './matrix-netrpc.js';

const haveGo = await requireGo();

const kinds = ['untyped', 'typed'] as const;
type Kind = (typeof kinds)[number];
const modes = dialedTransports().flatMap((transport) => matrixCodecs.flatMap((codec) => kinds.map((kind) => ({ transport, codec, kind }))));

/** The cases whose Get → Check round trip is not exact, with why (see the README's value table). */
function knownBreaks(kind: Kind, codec: MatrixCodec): Record<string, string> {
  const breaks: Record<string, string> = {};
  if (codec === 'gob') breaks.InvalidUTF8 = 'a JS string cannot hold invalid UTF-8';
  if (kind === 'typed') {
    breaks.Ints = 'Go int/uint at ±2^63 declared go.int()/go.uint()';
    breaks.KeyedMaps = breaks.Ints;
    if (codec === 'json') breaks.Embedded = 'encoding/json flattens embedded structs';
  }
  return breaks;
}

/** roundTrip gets a case and checks it back; resolves with the failure text, or '' when Go found it exact. */
async function roundTrip(name: string, call: (method: string, args: unknown) => Promise<unknown>): Promise<string> {
  try {
    const value = await call(`Get${name}`, {});
    await call(`Check${name}`, value);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

describe.skipIf(!haveGo)('Go value matrix, netrpc client → Go server', () => {
  let types: MatrixGoTypes;
  const servers = new Map<MatrixCodec, StartedServer>();
  beforeAll(async () => {
    await buildMatrix();
    types = await matrixGoTypes();
  });
  afterAll(() => Promise.all([...servers.values()].map((s) => s.stop())));

  async function goServer(transport: MatrixTransport, codec: MatrixCodec): Promise<StartedServer> {
    const key = `${transport}/${codec}` as MatrixCodec;
    let s = servers.get(key);
    if (!s) {
      s = await startMatrixServer({ transport, codec });
      servers.set(key, s);
    }
    return s;
  }

  it.each(modes)('$kind Get → Check over $transport/$codec arrives exactly as Go → Go', async ({ transport, codec, kind }: { transport: MatrixTransport; codec: MatrixCodec; kind: Kind }) => {
    const server = await goServer(transport, codec);
    const client = await matrixDialers[transport]!(server.address, codec);
    try {
      const proxy = kind === 'typed' ? (createServiceProxy(client, matrixContract(types), { validateReplies: true }) as unknown as Record<string, (a: unknown) => Promise<unknown>>) : undefined;
      const call = proxy ? (m: string, a: unknown) => proxy[m]!(a) : (m: string, a: unknown) => client.call(`Matrix.${m}`, a);
      const failed: Record<string, string> = {};
      for (const c of casesFor(codec)) {
        const why = await roundTrip(c.name, call);
        if (why) failed[c.name] = why;
      }
      const known = knownBreaks(kind, codec);
      expect(Object.keys(failed), JSON.stringify(failed, null, 1)).toEqual(matrixCases.map((c) => c.name).filter((n) => n in known));
      await expect(client.call('Matrix.Fail', {})).rejects.toThrow(/^échec/);
    } finally {
      client.close();
    }
  });

  it.each(dialedTransports().flatMap((transport) => matrixCodecs.map((codec) => ({ transport, codec }))))(
    'JS-constructed values through contracts over $transport/$codec: int64 as bigint, float64 interfaces, times with nanoseconds',
    async ({ transport, codec }: { transport: MatrixTransport; codec: MatrixCodec }) => {
      const server = await goServer(transport, codec);
      const client = await matrixDialers[transport]!(server.address, codec);
      try {
        const Rect = go.struct('main.Rect', { W: go.float64(), H: go.float64() });
        const contract = defineService('Matrix', {
          EchoTopInt64: { args: go.int64(), reply: go.int64() },
          EchoTopUint64: { args: go.uint64(), reply: go.uint64() },
          EchoTopNegZero: { args: go.float64(), reply: go.float64() },
          EchoBigBytes: { args: go.bytes(), reply: go.bytes() },
          EchoInterfaces: {
            args: z.object({ Shape: go.interface({ 'main.Rect': Rect }), Temp: go.interface({ 'main.Celsius': go.float64() }) }),
            reply: z.object({ Shape: go.interface({ 'main.Rect': Rect }), Temp: go.interface({ 'main.Celsius': go.float64() }) }),
          },
          EchoTimes: { args: z.object({ UTC: go.time(), Kolkata: go.time() }), reply: z.object({ UTC: go.time(), Kolkata: go.time() }) },
        });
        const m = createServiceProxy(client, contract, { validateReplies: true });
        // The same contract holds for 1 and for 2^63-1, as argument and as reply.
        expect(await m.EchoTopInt64(1n)).toBe(1n);
        expect(await m.EchoTopInt64(2n ** 63n - 1n)).toBe(2n ** 63n - 1n);
        expect(await m.EchoTopUint64(1n)).toBe(1n);
        expect(await m.EchoTopUint64(2n ** 64n - 1n)).toBe(2n ** 64n - 1n);
        expect(Object.is(await m.EchoTopNegZero(-0), -0)).toBe(true);
        expect(await m.EchoTopNegZero(2)).toBe(2);
        const bytes = Buffer.from('a Buffer goes as []byte');
        const back = await m.EchoBigBytes(bytes);
        expect(back).toBeInstanceOf(Uint8Array);
        expect(Buffer.isBuffer(back)).toBe(false);
        expect(Buffer.from(back!).toString()).toBe('a Buffer goes as []byte');
        const kolkata = new GoTime(1_700_000_000, 123_456_789, 19_800);
        const times = await m.EchoTimes({ UTC: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), Kolkata: kolkata });
        expect(times.Kolkata).toBeInstanceOf(GoTime);
        expect([(times.Kolkata as GoTime).nanosecond, (times.Kolkata as GoTime).offset, times.Kolkata.getTime()]).toEqual([123_456_789, 19_800, kolkata.getTime()]);
        expect((times.UTC as GoTime).offset).toBe(null);
        expect(times.UTC.getTime()).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
        if (codec === 'gob') {
          // Integral float64 fields of a registered struct inside interface{} reach Go as float64.
          const ifc = await m.EchoInterfaces({ Shape: { type: 'main.Rect', value: { W: 3, H: 4 } }, Temp: { type: 'main.Celsius', value: 21 } });
          expect(ifc).toEqual({ Shape: { type: 'main.Rect', value: { W: 3, H: 4 } }, Temp: { type: 'main.Celsius', value: 21 } });
        }
      } finally {
        client.close();
      }
    },
  );
});
