/**
 * Contracts generated from the Go programs the interop tests run, used
 * against those real Go programs: a netrpc client calls the Go servers
 * through them with validateReplies (gob and json), and the Go matrix
 * client calls a netrpc server serving the generated contract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { implement } from '../../src/contract/contract.js';
import type { ServiceContract } from '../../src/contract/contract.js';
import { createServiceProxy } from '../../src/contract/service-proxy.js';
import { GoTime } from '../../src/codec/go-time.js';
import { Server } from '../../src/server/server.js';
import { goProgramsDir, requireGo, buildGoProgram } from '../interop/go-toolchain.js';
import { startListeningProgram } from '../interop/go-process.js';
import type { StartedServer } from '../interop/go-process.js';
import { casesFor, matrixCases, matrixCodecs, matrixFailText } from '../interop/matrix-cases.js';
import type { MatrixCodec } from '../interop/matrix-cases.js';
import { failures, runMatrixClient, startMatrixServer } from '../interop/matrix-harness.js';
import { contractOf, generateFrom, importGenerated } from './generated-module.js';

const haveGo = await requireGo();
const order = (name: string): number => matrixCases.findIndex((c) => c.name === name);

/**
 * The cases whose values the generated contract cannot give back exactly,
 * with why (the same as the hand-built typed contract's, see
 * test/interop/matrix-*.test.ts); every other case must be exact.
 */
function knownBreaks(codec: MatrixCodec): Record<string, string> {
  const breaks: Record<string, string> = {
    Ints: 'Go int/uint at ±2^63: the generated go.int()/go.uint() holds safe integers',
    KeyedMaps: 'Go int keys at ±2^63, as Ints',
  };
  if (codec === 'gob') breaks.InvalidUTF8 = 'a JS string cannot hold invalid UTF-8';
  if (codec === 'json') breaks.Embedded = 'encoding/json flattens embedded structs; gob, which the contract describes, does not';
  return breaks;
}

type Proxy = Record<string, (args: unknown) => Promise<unknown>>;

describe.skipIf(!haveGo)('rpc-gen contracts against the Go programs they were generated from', () => {
  let matrix: ServiceContract;
  let gobserver: Record<string, unknown>;
  const goServers: StartedServer[] = [];
  beforeAll(async () => {
    const generated = await generateFrom(`${goProgramsDir}matrix`);
    matrix = contractOf(await importGenerated(generated.source), 'Matrix');
    gobserver = await importGenerated((await generateFrom(`${goProgramsDir}gobserver`)).source);
  }, 240_000);
  afterAll(() => Promise.all(goServers.map((s) => s.stop())));

  it.each(matrixCodecs)('netrpc → Go matrix server over %s: Get → Check through the generated contract, replies validated', async (codec) => {
    const server = await startMatrixServer({ transport: 'http', codec });
    goServers.push(server);
    const client = await dialHTTP(server.address, { codec });
    try {
      const m = createServiceProxy(client, matrix, { validateReplies: true }) as unknown as Proxy;
      const failed: Record<string, string> = {};
      for (const c of casesFor(codec)) {
        try {
          await m[`Check${c.name}`]!(await m[`Get${c.name}`]!({}));
        } catch (err) {
          failed[c.name] = (err as Error).message;
        }
      }
      const known = knownBreaks(codec);
      expect(Object.keys(failed), JSON.stringify(failed, null, 1)).toEqual(casesFor(codec).map((c) => c.name).filter((n) => n in known));
      await expect(m.Fail!({})).rejects.toThrow(matrixFailText);
    } finally {
      client.close();
    }
  }, 120_000);

  it.each(matrixCodecs)('Go matrix client → netrpc serving the generated contract over %s gets every case back as Go → Go', async (codec) => {
    const server = new Server();
    const echo = (args: unknown): unknown => args;
    const impl: Record<string, (args: unknown) => unknown> = {
      Fail: () => {
        throw new Error(matrixFailText);
      },
    };
    for (const method of Object.keys(matrix.methods)) if (method.startsWith('Echo')) impl[method] = echo;
    for (const method of Object.keys(matrix.methods)) impl[method] ??= () => Promise.reject(new Error(`${method} is not served here`));
    server.register(implement(matrix, impl as never));
    const { port } = await server.listen({ port: 0 });
    try {
      const run = await runMatrixClient(`127.0.0.1:${port}`, { transport: 'http', codec, methods: ['echo', 'fail'] });
      const known = knownBreaks(codec);
      expect(failures(run).map((r) => r.case)).toEqual(Object.keys(known).filter((n) => casesFor(codec).some((c) => c.name === n)).sort((a, b) => order(a) - order(b)));
      expect(run.results.map((r) => r.method)).toEqual([...casesFor(codec).map((c) => `Matrix.Echo${c.name}`), 'Matrix.Fail']);
      for (const name of ['Ints', 'KeyedMaps']) {
        expect(run.results.find((r) => r.case === name)!.detail).toMatch(/invalid args for Matrix\.Echo\w+: .*declare the field u?int64/);
      }
    } finally {
      await server.close();
    }
  }, 120_000);

  it('the gobserver program: Arith, Echo and Kinds through their generated contracts over gob', async () => {
    const server = await startListeningProgram(await buildGoProgram('gobserver'));
    goServers.push(server);
    const client = await dialHTTP(server.address, { codec: 'gob' });
    try {
      const arith = createServiceProxy(client, contractOf(gobserver, 'Arith'), { validateReplies: true }) as unknown as Proxy;
      expect(await arith.Multiply!({ A: 7, B: 8 })).toBe(56);
      expect(await arith.Divide!({ A: 17, B: 5 })).toEqual({ Quo: 3, Rem: 2 });
      await expect(arith.Divide!({ A: 1, B: 0 })).rejects.toThrow('divide by zero');
      const echo = createServiceProxy(client, contractOf(gobserver, 'Echo'), { validateReplies: true }) as unknown as Proxy;
      const bytes = (await echo.Bytes!(new Uint8Array([0, 1, 255]))) as Uint8Array;
      expect([...bytes]).toEqual([0, 1, 255]);
      const t = (await echo.Time!(new GoTime(1_700_000_000, 5, 3600))) as GoTime;
      expect(t).toBeInstanceOf(GoTime);
      expect(t.unixSeconds).toBe(1_700_000_001);
      const kinds = createServiceProxy(client, contractOf(gobserver, 'Kinds'), { validateReplies: true }) as unknown as Proxy;
      expect(await kinds.Uints!({ U32: 2 ** 32 - 1, U64: 2n ** 64n - 1n })).toEqual({ U32: 2 ** 32 - 1, U64: 2n ** 64n - 1n, Seen: '4294967295 18446744073709551615' });
      // The contract refuses a value its Go type cannot hold before sending it.
      await expect(arith.Multiply!({ A: 1.5, B: 2 })).rejects.toThrow(/cannot encode 1\.5 as an int/);
    } finally {
      client.close();
    }
  }, 120_000);
});
