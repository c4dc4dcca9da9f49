/**
 * Go's stock net/rpc clients (gob over DialHTTP, jsonrpc over CONNECT) see a
 * netrpc server drain exactly as Go's rpc package can understand it: no
 * notification bytes (they never asked for any), new calls answered with
 * the `rpc: server is shutting down` ServerError, the running call finished.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { SHUTTING_DOWN } from '../../src/drain-refusal.js';
import type { Server } from '../../src/server/server.js';
import { startDemoServer } from '../helpers.js';
import { buildGoProgram, requireGo } from './go-toolchain.js';
import { parseJsonLines } from './go-process.js';

const haveGo = await requireGo();

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close(0)));
  servers = [];
});

describe.skipIf(!haveGo)("Go's net/rpc client during a drain", () => {
  it.each(['gob', 'json'])('gets the drain refusal as an rpc.ServerError over %s, and its running call finishes', async (codec) => {
    const binary = await buildGoProgram('drainclient');
    const { server, address } = await startDemoServer();
    servers.push(server);
    const child = spawn(binary, [codec, address, '1500'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const ready = new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('"ready"')) resolve();
      }),
    );
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await ready;
    const closing = server.close({ graceMs: 5000 });
    expect(await exited).toBe(0);
    await closing;
    expect(stderr).toBe('');
    const [, refusal, slow] = parseJsonLines(stdout);
    expect(refusal).toMatchObject({ error: SHUTTING_DOWN, serverError: true });
    expect(slow).toEqual({ slept: 1500 });
  });
});
