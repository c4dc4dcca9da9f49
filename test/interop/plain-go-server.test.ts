/**
 * Interop: netrpc's dial (plain TCP, no HTTP) against Go servers that
 * serve plain TCP: rpc.Accept (gob) and jsonrpc's server codec per
 * connection (json), the two servers Go's rpc.Dial and jsonrpc.Dial reach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial } from '../../src/client/dial.js';
import { ErrorCode, ServerError } from '../../src/errors.js';
import { buildGoProgram, requireGo } from './go-toolchain.js';
import { startListeningProgram } from './go-process.js';
import type { StartedServer } from './go-process.js';

const haveGo = await requireGo();

describe.skipIf(!haveGo).each([
  ['gob', 'gobserver'],
  ['json', 'jsonserver'],
] as const)('netrpc dial (%s) → Go %s tcp', (codec, program) => {
  let go: StartedServer;
  beforeAll(async () => {
    go = await startListeningProgram(await buildGoProgram(program), ['tcp']);
  }, 60_000);
  afterAll(() => go?.stop());

  it('calls the methods both Go programs serve and gets the answers Go computes', async () => {
    await using client = await dial(`tcp://${go.address}`, { codec });
    expect(await client.call('Arith.Multiply', { A: 7, B: 8 })).toBe(56);
    expect(await client.call('Arith.Divide', { A: -7, B: 2 })).toEqual({ Quo: -3, Rem: -1 });
    expect(await client.call('Arith.Divide', { A: 8, B: 4 })).toEqual({ Quo: 2, Rem: 0 });
    expect(await client.call('Echo.Upper', 'héllo')).toBe('HÉLLO');
    expect(await client.call('Echo.Sleep', 5)).toBe(5);
  });

  it("gets Go's errors as ServerError and keeps the connection", async () => {
    await using client = await dial(go.address, { codec });
    const err = await client.call('Arith.Divide', { A: 1, B: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).code).toBe(ErrorCode.Server);
    expect((err as ServerError).message).toBe('divide by zero');
    await expect(client.call('Arith.Nope', 1)).rejects.toThrow("rpc: can't find method Arith.Nope");
    expect(await client.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42);
  });

  it('500 parallel calls, and a slow call does not hold back a fast one', async () => {
    await using client = await dial(go.address, { codec });
    let slowDone = false;
    const slow = client.call('Echo.Sleep', 1000).then((v) => ((slowDone = true), v));
    expect(await client.call('Arith.Multiply', { A: 1, B: 2 })).toBe(2);
    expect(slowDone).toBe(false);
    const replies = await Promise.all(Array.from({ length: 500 }, (_, i) => client.call('Arith.Multiply', { A: i, B: 3 })));
    expect(replies).toEqual(Array.from({ length: 500 }, (_, i) => i * 3));
    expect(await slow).toBe(1000);
  });
});
