import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { ErrorCode, ServerError } from '../../src/errors.js';
import type { Server } from '../../src/server/server.js';
import { startDemoServer } from '../helpers.js';
import { buildGoProgram, requireGo } from './go-toolchain.js';
import { parseJsonLines, runProgram, startListeningProgram } from './go-process.js';
import type { StartedServer } from './go-process.js';

const haveGo = await requireGo();

describe.skipIf(!haveGo)("Go's net/rpc/jsonrpc client → netrpc server", () => {
  let server: Server;
  let address: string;
  beforeAll(async () => {
    ({ server, address } = await startDemoServer());
  });
  afterAll(() => server.close());

  it('gets correct replies and ServerErrors over a bare-LF CONNECT', async () => {
    const binary = await buildGoProgram('jsonclient');
    const run = await runProgram(binary, [address]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const results = Object.fromEntries(parseJsonLines<{ name: string; reply: unknown; error?: string }>(run.stdout).map((r) => [r.name, r]));
    expect(results.multiply).toEqual({ name: 'multiply', reply: 56 });
    expect(results.add).toEqual({ name: 'add', reply: 7 });
    expect(results.divide).toEqual({ name: 'divide', reply: { Quo: -3, Rem: -1 } });
    expect(results['divide-exact']).toEqual({ name: 'divide-exact', reply: { Quo: 2, Rem: 0 } });
    expect(results['divide-by-zero']!.error).toBe('divide by zero');
    expect(results.upper!.reply).toBe('HÉLLO, WÖRLD');
    expect(results.echo!.reply).toEqual({ nested: [1, 2, 3], s: 'x' });
    expect(results.fail!.error).toBe('failed: boom');
    expect(results['unknown-service']!.error).toBe("rpc: can't find service Nope.Method");
    expect(results['unknown-method']!.error).toBe("rpc: can't find method Arith.Nope");
    expect(results['ill-formed']!.error).toBe('rpc: service/method request ill-formed: NoDot');
    expect(results['fast-during-slow']!.reply).toMatchObject({ reply: 2, slowDone: false });
    expect(results.slow!.reply).toBe(300);
    expect(results['concurrent-300']!.reply).toEqual({ bad: 0 });
    expect(results['error-again']!.error).toBe('failed: again');
    expect(results['after-error']!.reply).toBe(42);
  });
});

describe.skipIf(!haveGo)('netrpc json client → Go jsonrpc server (hijacked CONNECT)', () => {
  let go: StartedServer;
  beforeAll(async () => {
    go = await startListeningProgram(await buildGoProgram('jsonserver'));
  });
  afterAll(() => go?.stop());

  it('calls Go methods and gets replies, including zero-valued fields', async () => {
    await using client = await dialHTTP(go.address, { codec: 'json' });
    expect(await client.call('Arith.Multiply', { A: 7, B: 8 })).toBe(56);
    expect(await client.call('Arith.Divide', { A: 8, B: 4 })).toEqual({ Quo: 2, Rem: 0 });
    expect(await client.call('Echo.Upper', 'grüße')).toBe('GRÜßE'); // Go's ToUpper keeps ß
    expect(await client.call('Echo.Echo', { list: [1, 2], nested: { ok: true } })).toEqual({ list: [1, 2], nested: { ok: true } });
  });

  it("gets Go's errors as ServerError and keeps the connection", async () => {
    await using client = await dialHTTP(go.address, { codec: 'json' });
    const cases: [string, unknown, string][] = [
      ['Arith.Divide', { A: 1, B: 0 }, 'divide by zero'],
      ['Nope.Method', 1, "rpc: can't find service Nope.Method"],
      ['Arith.Nope', 1, "rpc: can't find method Arith.Nope"],
    ];
    for (const [method, args, text] of cases) {
      const err = await client.call(method, args).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServerError);
      expect((err as ServerError).code).toBe(ErrorCode.Server);
      expect((err as ServerError).message).toBe(text);
    }
    expect(await client.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42);
  });

  it('runs a slow and a fast call concurrently, and 500 calls in parallel', async () => {
    await using client = await dialHTTP(go.address, { codec: 'json' });
    const order: string[] = [];
    await Promise.all([
      client.call('Echo.Sleep', 300).then(() => order.push('slow')),
      client.call('Arith.Multiply', { A: 1, B: 1 }).then(() => order.push('fast')),
    ]);
    expect(order).toEqual(['fast', 'slow']);
    const replies = await Promise.all(Array.from({ length: 500 }, (_, i) => client.call('Arith.Multiply', { A: i, B: 2 })));
    expect(replies).toEqual(Array.from({ length: 500 }, (_, i) => i * 2));
  });
});
