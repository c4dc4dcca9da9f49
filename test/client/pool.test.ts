import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { connectPool, dialReconnecting } from '../../src/client/pool.js';
import type { Pool } from '../../src/client/pool.js';
import { ErrorCode, RpcError, ServerError } from '../../src/errors.js';
import { Server } from '../../src/server/server.js';
import { waitFor } from '../support/wait-for.js';

interface Backend {
  server: Server;
  port: number;
  address: string;
  calls: number;
}

/** startBackend serves `Who.Am` (returns its name) and `Slow.Work` on a port (0 picks one). */
async function startBackend(name: string, port = 0): Promise<Backend> {
  const server = new Server({ graceMs: 0 });
  const backend = { server, port: 0, address: '', calls: 0 };
  server.register('Who', {
    Am: () => {
      backend.calls++;
      return name;
    },
    Fail: () => {
      backend.calls++;
      throw new Error(`${name} refuses`);
    },
  });
  server.register('Slow', {
    Work: async (ms: number) => {
      backend.calls++;
      await sleep(ms);
      return name;
    },
  });
  const addr = await server.listen({ port });
  backend.port = addr.port;
  backend.address = `127.0.0.1:${addr.port}`;
  return backend;
}

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

function track<T extends { close(): Promise<unknown> }>(x: T): T {
  cleanup.push(() => x.close());
  return x;
}

describe('connectPool', () => {
  it('spreads calls round-robin over healthy endpoints', async () => {
    const a = await startBackend('a');
    const b = await startBackend('b');
    cleanup.push(() => a.server.close(), () => b.server.close());
    const pool = track(connectPool([a.address, b.address]));
    await waitFor(() => pool.status().every((s) => s.healthy));
    const names = [];
    for (let i = 0; i < 10; i++) names.push(await pool.call('Who.Am'));
    expect(names.filter((n) => n === 'a')).toHaveLength(5);
    expect(names.filter((n) => n === 'b')).toHaveLength(5);
  });

  it('opens one connection per listing of the same address, and spreads calls over them', async () => {
    const a = await startBackend('a');
    cleanup.push(() => a.server.close());
    const pool = track(connectPool([a.address, a.address, a.address]));
    await waitFor(() => pool.status().length === 3 && pool.status().every((s) => s.healthy));
    expect(pool.status().map((s) => s.address)).toEqual([a.address, a.address, a.address]);
    expect(a.server.connectionCount).toBe(3);
    const slow = [pool.call('Slow.Work', 200), pool.call('Slow.Work', 200), pool.call('Slow.Work', 200)];
    expect(pool.status().map((s) => s.pending)).toEqual([1, 1, 1]); // round-robin: one on each connection
    expect(await Promise.all(slow)).toEqual(['a', 'a', 'a']);
  });

  it('sends to the endpoint with the fewest pending calls with least-pending', async () => {
    const a = await startBackend('a');
    const b = await startBackend('b');
    cleanup.push(() => a.server.close(), () => b.server.close());
    const pool = track(connectPool([a.address, b.address], { strategy: 'least-pending' }));
    await waitFor(() => pool.status().every((s) => s.healthy));
    const slow = [pool.call('Slow.Work', 300), pool.call('Slow.Work', 300)];
    expect(pool.status().map((s) => s.pending)).toEqual([1, 1]);
    const extra = pool.call('Slow.Work', 300);
    const quick = await pool.call('Who.Am');
    expect(await Promise.all([...slow, extra])).toHaveLength(3);
    expect(['a', 'b']).toContain(quick);
    const counts = pool.status().map((s) => s.pending);
    expect(counts).toEqual([0, 0]);
  });

  it('notices a dead endpoint, keeps serving from the others, and reconnects with backoff when it is back', async () => {
    const a = await startBackend('a');
    const b = await startBackend('b');
    cleanup.push(() => b.server.close());
    const pool = track(connectPool([a.address, b.address], { minBackoffMs: 50, maxBackoffMs: 200 }));
    await waitFor(() => pool.status().every((s) => s.healthy));
    await a.server.close(0);
    await waitFor(() => !pool.status()[0]!.healthy);
    for (let i = 0; i < 6; i++) expect(await pool.call('Who.Am')).toBe('b');
    await waitFor(() => pool.status()[0]!.failures > 0);
    expect(pool.status()[0]).toMatchObject({ address: a.address, healthy: false });
    expect(pool.status()[0]!.lastError).toMatch(/rpc:/);
    const again = await startBackend('a2', a.port);
    cleanup.push(() => again.server.close());
    await waitFor(() => pool.status()[0]!.healthy, 5000);
    const names = new Set<unknown>();
    for (let i = 0; i < 6; i++) names.add(await pool.call('Who.Am'));
    expect(names).toEqual(new Set(['a2', 'b']));
  });

  it('does not retry a call that was sent when its connection broke, unless marked idempotent', async () => {
    const a = await startBackend('a');
    const b = await startBackend('b');
    cleanup.push(() => b.server.close());
    const pool = track(connectPool([a.address, b.address], { strategy: 'least-pending', minBackoffMs: 50 }));
    await waitFor(() => pool.status().every((s) => s.healthy));
    const once = pool.call('Slow.Work', 2000).catch((e: unknown) => e);
    const twice = pool.call('Slow.Work', 200, { idempotent: true });
    await waitFor(() => a.calls === 1 && b.calls === 1);
    // The first call went to a, the second to b. Cut a while its call runs:
    await a.server.close(0);
    const err = (await once) as RpcError;
    expect(err).toBeInstanceOf(RpcError);
    expect(err.code).toBe(ErrorCode.ConnectionLost);
    expect(err.unsent).toBe(false);
    expect(await twice).toBe('b');
    expect(a.calls + b.calls).toBe(2);
  });

  it('retries an idempotent call on another endpoint when its connection breaks', async () => {
    const a = await startBackend('a');
    const b = await startBackend('b');
    cleanup.push(() => b.server.close());
    const pool = track(connectPool([a.address, b.address], { strategy: 'least-pending' }));
    await waitFor(() => pool.status().every((s) => s.healthy));
    const call = pool.call('Slow.Work', 300, { idempotent: true });
    await waitFor(() => a.calls === 1);
    await a.server.close(0);
    expect(await call).toBe('b');
    expect(b.calls).toBe(1);
  });

  it('never retries a server error', async () => {
    const a = await startBackend('a');
    const b = await startBackend('b');
    cleanup.push(() => a.server.close(), () => b.server.close());
    const pool = track(connectPool([a.address, b.address]));
    await waitFor(() => pool.status().every((s) => s.healthy));
    const err = await pool.call('Who.Fail', undefined, { idempotent: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(a.calls + b.calls).toBe(1);
  });

  it('fails with RPC_CONNECT when no endpoint can be reached', async () => {
    const a = await startBackend('a');
    await a.server.close(0);
    const pool = track(connectPool([a.address], { minBackoffMs: 20, maxBackoffMs: 50 }));
    const err = (await pool.call('Who.Am').catch((e: unknown) => e)) as RpcError;
    expect(err.code).toBe(ErrorCode.Connect);
    expect(err.message).toMatch(/^rpc: no healthy endpoint \(127\.0\.0\.1:\d+: rpc: cannot connect/);
    await expect(pool.ready()).rejects.toThrow(/no healthy endpoint/);
  });
});

describe('dialReconnecting', () => {
  it('reconnects to its one endpoint after the server restarts', async () => {
    const a = await startBackend('first');
    const pool: Pool = track(dialReconnecting(a.address, { minBackoffMs: 50, maxBackoffMs: 200 }));
    await pool.ready();
    expect(await pool.call('Who.Am')).toBe('first');
    await a.server.close(0);
    const again = await startBackend('second', a.port);
    cleanup.push(() => again.server.close());
    await waitFor(() => pool.status()[0]!.healthy);
    expect(await pool.call('Who.Am')).toBe('second');
  });
});

describe('unsent calls', () => {
  it('are marked unsent when the connection dies before they were written', async () => {
    const a = await startBackend('a');
    cleanup.push(() => a.server.close());
    const client = await dialHTTP(a.address);
    const p = client.call('Who.Am').catch((e: unknown) => e);
    (client as unknown as { socket: { destroy(): void } }).socket.destroy(); // before the end of the tick, when requests are written
    const err = (await p) as RpcError;
    expect(err.code).toBe(ErrorCode.ConnectionLost);
    expect(err.unsent).toBe(true);
    const later = (await client.call('Who.Am').catch((e: unknown) => e)) as RpcError;
    expect(later.code).toBe(ErrorCode.Shutdown);
    expect(later.unsent).toBe(true);
    expect(a.calls).toBe(0);
  });
});
