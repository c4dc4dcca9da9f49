/**
 * Interop: Go's stock plain-TCP clients, rpc.Dial (gob) and jsonrpc.Dial
 * (json), against a netrpc server's one port (no HTTP CONNECT), in-process
 * and as `rpc-serve --workers 2`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server } from '../../src/server/server.js';
import { demoServices } from '../../src/demo/services.js';
import { startDemoServer } from '../helpers.js';
import { startCli } from '../cli/cli-process.js';
import type { CliRun } from '../cli/cli-process.js';
import { buildGoProgram, requireGo } from './go-toolchain.js';
import { parseJsonLines, runProgram } from './go-process.js';

interface Line {
  readonly name: string;
  readonly reply: unknown;
  readonly error?: string;
}

const haveGo = await requireGo();

/** runPlainClient runs plainclient with `codec` against `address` and returns its lines by name. */
async function runPlainClient(codec: 'gob' | 'json', address: string): Promise<Record<string, Line>> {
  const run = await runProgram(await buildGoProgram('plainclient'), [codec, address], 30_000);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return Object.fromEntries(parseJsonLines<Line>(run.stdout).map((l) => [l.name, l]));
}

/** expectDemoAnswers checks every line plainclient prints against the demo services' answers. */
function expectDemoAnswers(r: Record<string, Line>): void {
  expect(r.multiply).toEqual({ name: 'multiply', reply: 56 });
  expect(r.add).toEqual({ name: 'add', reply: 7 });
  expect(r.divide).toEqual({ name: 'divide', reply: { Quo: -3, Rem: -1 } });
  expect(r['divide-by-zero']!.error).toBe('divide by zero');
  expect(r.upper).toEqual({ name: 'upper', reply: 'HÉLLO, WÖRLD' });
  expect(r.echo).toEqual({ name: 'echo', reply: 'round trip' });
  expect(r.fail!.error).toBe('failed: boom');
  expect(r['unknown-method']!.error).toBe("rpc: can't find method Arith.Nope");
  expect(r['fast-during-slow']).toEqual({ name: 'fast-during-slow', reply: { reply: 2, slowDone: false } });
  expect(r.slow).toEqual({ name: 'slow', reply: 1000 });
  expect(r['parallel-500']).toEqual({ name: 'parallel-500', reply: { bad: [] } });
  expect(r['after-errors']).toEqual({ name: 'after-errors', reply: 42 });
  expect(r.done).toBeDefined();
}

describe.skipIf(!haveGo)("Go's rpc.Dial and jsonrpc.Dial → netrpc server, plain TCP on the HTTP port", () => {
  let server: Server;
  let address: string;
  beforeAll(async () => {
    ({ server, address } = await startDemoServer());
  });
  afterAll(() => server.close());

  it.each(['gob', 'json'] as const)('%s: every demo method, errors, a slow call beside a fast one, 500 parallel calls', async (codec) => {
    expectDemoAnswers(await runPlainClient(codec, address));
    expect(server.telemetry.refusalCounts().size).toBe(0);
  });

  it('a listener pinned to json serves jsonrpc.Dial without detection', async () => {
    const pinned = new Server();
    for (const s of demoServices()) pinned.register(s);
    const { port } = await pinned.listen({ port: 0, plain: 'json' });
    try {
      expectDemoAnswers(await runPlainClient('json', `127.0.0.1:${port}`));
    } finally {
      await pinned.close();
    }
  });
});

describe.skipIf(!haveGo)('rpc.Dial and jsonrpc.Dial → rpc-serve --workers 2', () => {
  let cli: CliRun;
  let address: string;
  beforeAll(async () => {
    cli = startCli('rpc-serve', ['--port', '0', '--workers', '2']);
    await cli.waitForOutput(/rpc-serve: 2 workers/, 20_000);
    address = /listening on (127\.0\.0\.1:\d+)/.exec(cli.stdout())![1]!;
  }, 30_000);
  afterAll(async () => {
    cli.child.kill('SIGTERM');
    await cli.exited;
  });

  it.each(['gob', 'json'] as const)('%s: the demo services answer over plain TCP', async (codec) => {
    expectDemoAnswers(await runPlainClient(codec, address));
  });
});
