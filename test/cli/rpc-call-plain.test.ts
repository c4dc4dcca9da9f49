/** rpc-call over plain TCP (tcp://, unix:, --plain) against netrpc and Go's rpc.Accept server. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoServices } from '../../src/demo/services.js';
import { Server } from '../../src/server/server.js';
import { startDemoServer } from '../helpers.js';
import { buildGoProgram, requireGo } from '../interop/go-toolchain.js';
import { startListeningProgram } from '../interop/go-process.js';
import type { StartedServer } from '../interop/go-process.js';
import { rpcCall } from '../support/rpc-call-cli.js';

const haveGo = await requireGo();

describe('rpc-call over plain TCP', () => {
  let server: Server;
  let address: string;
  let unixServer: Server;
  let socketPath: string;
  beforeAll(async () => {
    ({ server, address } = await startDemoServer());
    socketPath = join(mkdtempSync(join(tmpdir(), 'netrpc-unix-')), 'rpc.sock');
    unixServer = new Server();
    for (const s of demoServices()) unixServer.register(s);
    await unixServer.listen({ path: socketPath });
  });
  afterAll(() => Promise.all([server.close(), unixServer.close()]));

  it.each([
    ['tcp:// (gob, as rpc.Dial)', (a: string) => [`tcp://${a}`]],
    ['--plain --codec json', (a: string) => ['--plain', '--codec', 'json', a]],
    ['tcp:// --codec msgpack', (a: string) => ['--codec', 'msgpack', `tcp://${a}`]],
  ])('%s', async (_name, target) => {
    const run = await rpcCall([...target(address), 'Arith.Multiply', '{"A":7,"B":8}']);
    expect(run).toEqual({ code: 0, stdout: '56\n', stderr: '' });
    expect(server.telemetry.refusalCounts().size).toBe(0);
  });

  it('unix:/path', async () => {
    expect(await rpcCall([`unix:${socketPath}`, 'Echo.Upper', '"x"'])).toEqual({ code: 0, stdout: '"X"\n', stderr: '' });
  });

  it('prints server errors with exit 1, and refuses CONNECT-only flags with exit 2', async () => {
    const failed = await rpcCall([`tcp://${address}`, 'Echo.Fail', '"boom"']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('failed: boom');
    const misuse = await rpcCall(['--header', 'X: y', `tcp://${address}`, 'Arith.Add', '{"A":1,"B":2}']);
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toContain('plain TCP sends no headers');
  });
});

describe.skipIf(!haveGo)('rpc-call tcp:// → Go rpc.Accept server', () => {
  let go: StartedServer;
  beforeAll(async () => {
    go = await startListeningProgram(await buildGoProgram('gobserver'), ['tcp']);
  }, 60_000);
  afterAll(() => go?.stop());

  it('calls a Go plain-TCP server with gob', async () => {
    expect(await rpcCall([`tcp://${go.address}`, 'Arith.Divide', '{"A":-7,"B":2}'])).toEqual({ code: 0, stdout: '{\n  "Quo": -3,\n  "Rem": -1\n}\n', stderr: '' });
  });
});
