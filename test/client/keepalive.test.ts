/**
 * Keepalive: a frozen peer (a SIGSTOPped rpc-serve) fails pending calls with
 * RPC_CONNECTION_LOST, a pool stops using it, and a stock Go server's
 * "can't find service" answer to the ping counts as a sign of life.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { KEEPALIVE_METHOD } from '../../src/client/keepalive.js';
import { connectPool } from '../../src/client/pool.js';
import { ErrorCode, RpcError } from '../../src/errors.js';
import { startCli } from '../cli/cli-process.js';
import type { CliRun } from '../cli/cli-process.js';
import { buildGoProgram, requireGo } from '../interop/go-toolchain.js';
import { startListeningProgram } from '../interop/go-process.js';
import type { StartedServer } from '../interop/go-process.js';
import { waitFor as pollUntil } from '../support/wait-for.js';

const haveGo = await requireGo();
const LISTENING = /listening on (127\.0\.0\.1:\d+)/;

let cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => undefined);
  cleanup = [];
});

async function serve(): Promise<{ run: CliRun; address: string }> {
  const run = startCli('rpc-serve', ['--port', '0']);
  cleanup.push(() => {
    if (run.child.exitCode === null) {
      run.child.kill('SIGCONT');
      run.child.kill('SIGKILL');
    }
  });
  const [, address] = await run.waitForOutput(LISTENING);
  return { run, address: address! };
}

/** waitFor polls `predicate` every 20 ms until it holds, for up to `ms`. */
const waitFor = (predicate: () => boolean, ms = 10_000): Promise<void> => pollUntil(predicate, ms, { everyMs: 20 });

describe('keepalive', () => {
  it('fails the pending calls of a frozen (SIGSTOPped) server with RPC_CONNECTION_LOST', async () => {
    const { run, address } = await serve();
    const client = await dialHTTP(address, { keepaliveMs: 200, keepaliveTimeoutMs: 300 });
    cleanup.push(() => client.close());
    expect(await client.call('Arith.Multiply', { A: 2, B: 3 })).toBe(6);
    await sleep(500); // pings answered meanwhile: the connection stays
    expect(client.isClosed).toBe(false);
    run.child.kill('SIGSTOP');
    const err = (await client.call('Echo.Sleep', 10).catch((e: unknown) => e)) as RpcError;
    expect(err).toBeInstanceOf(RpcError);
    expect(err.code).toBe(ErrorCode.ConnectionLost);
    expect(err.message).toBe('rpc: connection lost: no keepalive answer within 300 ms');
    expect(client.isClosed).toBe(true);
  });

  it('lets a pool move off a frozen endpoint', async () => {
    const a = await serve();
    const b = await serve();
    const pool = connectPool([a.address, b.address], { keepaliveMs: 200, keepaliveTimeoutMs: 300, connectTimeout: 60_000 });
    cleanup.push(() => pool.close());
    await waitFor(() => pool.status().every((s) => s.healthy));
    a.run.child.kill('SIGSTOP');
    await waitFor(() => !pool.status()[0]!.healthy);
    expect(pool.status()[0]!.lastError).toBe('rpc: connection lost: no keepalive answer within 300 ms');
    for (let i = 0; i < 4; i++) expect(await pool.call('Arith.Add', { A: i, B: 1 }, { idempotent: true })).toBe(i + 1);
  });

  it.skipIf(!haveGo)('takes a stock Go server\'s "can\'t find service" answer as a sign of life', async () => {
    const go: StartedServer = await startListeningProgram(await buildGoProgram('gobserver'));
    cleanup.push(() => go.stop());
    const client = await dialHTTP(go.address, { codec: 'gob', keepaliveMs: 100, keepaliveTimeoutMs: 2000 });
    cleanup.push(() => client.close());
    const err = (await client.call(KEEPALIVE_METHOD, null).catch((e: unknown) => e)) as RpcError;
    expect(err.message).toBe(`rpc: can't find service ${KEEPALIVE_METHOD}`);
    await sleep(600); // several pings, each answered with that error
    expect(client.isClosed).toBe(false);
    expect(await client.call('Arith.Multiply', { A: 7, B: 8 })).toBe(56);
  });
});
