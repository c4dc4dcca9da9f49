/**
 * Retries: the drain refusal is marked as never executed (every codec),
 * a pool moves refused calls to another endpoint even when they are not
 * idempotent, the retry budget bounds retries against a failing fleet, and
 * a call's timeout and signal bound it as a whole, always with an RpcError.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { dial } from '../../src/client/dial.js';
import { dialHTTP } from '../../src/client/dial-http.js';
import { connectPool } from '../../src/client/pool.js';
import { backoffBound, backoffDelay, RetryBudget } from '../../src/client/retry-policy.js';
import { SHUTTING_DOWN } from '../../src/drain-refusal.js';
import { ErrorCode, RpcError, ServerError } from '../../src/errors.js';
import { Server } from '../../src/server/server.js';
import { waitFor } from '../support/wait-for.js';
import { freePort } from '../support/ports.js';

interface Backend {
  server: Server;
  address: string;
  /** Calls each method's handler ran, by name. */
  ran: Map<string, number>;
}

async function startBackend(name: string): Promise<Backend> {
  const server = new Server({ graceMs: 5000 });
  const ran = new Map<string, number>();
  const count = (m: string): void => void ran.set(m, (ran.get(m) ?? 0) + 1);
  server.register('Who', {
    Am: () => (count('Am'), name),
    Slow: async (ms: number) => (count('Slow'), await sleep(ms), name),
  });
  const addr = await server.listen({ port: 0 });
  return { server, address: `127.0.0.1:${addr.port}`, ran };
}

/** closedPort returns an address nothing listens on. */
async function closedPort(): Promise<string> {
  return `127.0.0.1:${await freePort()}`;
}

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

/** Pool options for msgpack connections that cannot be told to go away (plain TCP: no CONNECT headers). */
const UNTOLD = { plain: true, codec: 'msgpack' } as const;

// A netrpc msgpack client on a CONNECT is told to go away before any refusal (test/client/goaway.test.ts);
// over plain TCP it sends no headers, cannot be told, and meets the refusal like gob and json clients.
describe('the drain refusal', () => {
  it.each(['msgpack', 'gob', 'json'] as const)('reaches a %s client as a ServerError marked never executed', async (codec) => {
    const a = await startBackend('a');
    const client = codec === 'msgpack' ? await dial(`tcp://${a.address}`, { codec }) : await dialHTTP(a.address, { codec });
    cleanup.push(() => client.close());
    const running = client.call('Who.Slow', 300);
    await waitFor(() => a.ran.get('Slow') === 1);
    const closing = a.server.close();
    const err = (await client.call('Who.Am', null).catch((e: unknown) => e)) as ServerError;
    expect(err).toBeInstanceOf(ServerError);
    expect(err.code).toBe(ErrorCode.Server);
    expect(err.message).toBe(SHUTTING_DOWN);
    expect(err.unsent).toBe(true);
    expect(a.ran.get('Am')).toBeUndefined();
    expect(await running).toBe('a'); // the running call finishes
    await closing;
  });

  it('is retried on another endpoint even when the call is not idempotent', async () => {
    const a = await startBackend('a');
    const b = await startBackend('b');
    cleanup.push(() => b.server.close());
    const pool = connectPool([a.address, b.address], UNTOLD);
    cleanup.push(() => pool.close());
    await waitFor(() => pool.status().every((s) => s.healthy));
    const slow = [pool.call('Who.Slow', 400), pool.call('Who.Slow', 400)]; // one on each, keeping a's connection open
    await waitFor(() => a.ran.get('Slow') === 1 && b.ran.get('Slow') === 1);
    const closing = a.server.close();
    const names = [];
    for (let i = 0; i < 4; i++) names.push(await pool.call('Who.Am', null));
    expect(names).toEqual(['b', 'b', 'b', 'b']);
    expect(a.ran.get('Am')).toBeUndefined();
    // Round-robin sent one of the first two calls to a; its refusal took a's connection out of the rotation.
    expect(pool.stats().retries).toBe(1);
    expect((await Promise.all(slow)).sort()).toEqual(['a', 'b']);
    await closing;
  });

  it('is returned as is when the call asks for no retry', async () => {
    const a = await startBackend('a');
    const pool = connectPool([a.address], UNTOLD);
    cleanup.push(() => pool.close());
    await pool.ready();
    const running = pool.call('Who.Slow', 300);
    await waitFor(() => a.ran.get('Slow') === 1);
    const closing = a.server.close();
    const err = (await pool.call('Who.Am', null, { retry: false }).catch((e: unknown) => e)) as ServerError;
    expect(err).toBeInstanceOf(ServerError);
    expect(err.unsent).toBe(true);
    expect(pool.stats().retries).toBe(0);
    await running;
    await closing;
  });
});

describe('the retry budget', () => {
  it('stops retrying once half its tokens are spent, across calls', async () => {
    const pool = connectPool([await closedPort()], { minBackoffMs: 5, maxBackoffMs: 10, retry: { maxAttempts: 10 }, retryBudget: { maxTokens: 4, tokenRatio: 0 } });
    cleanup.push(() => pool.close());
    const first = (await pool.call('Who.Am').catch((e: unknown) => e)) as RpcError;
    expect(first.code).toBe(ErrorCode.Connect);
    // 4 tokens: the first failure leaves 3 (> 2, retry), the second 2 (not > 2, throttled).
    expect(pool.stats()).toEqual({ calls: 1, retries: 1, throttled: 1 });
    await pool.call('Who.Am').catch(() => undefined);
    expect(pool.stats()).toEqual({ calls: 2, retries: 1, throttled: 2 });
  });

  it('refills with tokenRatio per call that succeeds', () => {
    const budget = new RetryBudget({ maxTokens: 4, tokenRatio: 0.5 });
    expect(budget.recordFailure()).toBe(true);
    expect(budget.recordFailure()).toBe(false);
    budget.recordSuccess();
    expect(budget.available).toBe(2.5);
    expect(budget.recordFailure()).toBe(false);
    for (let i = 0; i < 20; i++) budget.recordSuccess();
    expect(budget.available).toBe(4);
    expect(() => new RetryBudget({ maxTokens: 0 })).toThrow(RpcError);
  });

  it('draws backoff with full jitter below an exponential, capped bound', () => {
    const policy = { initialBackoffMs: 10, maxBackoffMs: 50, backoffMultiplier: 2 };
    expect([1, 2, 3, 4, 5].map((n) => backoffBound(policy, n))).toEqual([10, 20, 40, 50, 50]);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(20);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
  });
});

describe('a call bound', () => {
  it('limits the whole call, retries included, and rejects with RPC_TIMEOUT', async () => {
    const pool = connectPool([await closedPort()], { minBackoffMs: 5, maxBackoffMs: 10, retry: { maxAttempts: 1000 }, retryBudget: false });
    cleanup.push(() => pool.close());
    const err = (await pool.call('Who.Am', null, { timeout: 300 }).catch((e: unknown) => e)) as RpcError;
    expect(err).toBeInstanceOf(RpcError);
    expect(err.code).toBe(ErrorCode.Timeout);
    expect(pool.stats().retries).toBeLessThan(999);
  });

  it('rejects with RPC_ABORTED when aborted while the connection is still being made', async () => {
    // A peer that accepts TCP and never answers the CONNECT request.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanup.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const pool = connectPool([`127.0.0.1:${(silent.address() as net.AddressInfo).port}`], { connectTimeout: 60_000 });
    cleanup.push(() => pool.close());
    const controller = new AbortController();
    const call = pool.call('Who.Am', null, { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(() => sockets.length === 1);
    controller.abort();
    const err = (await call) as RpcError;
    expect(err).toBeInstanceOf(RpcError);
    expect(err.code).toBe(ErrorCode.Aborted);
    expect(pool.status()[0]!.state).toBe('connecting'); // it did not wait for the connect timeout
  });

  it('gives each attempt only the time left', async () => {
    const a = await startBackend('a');
    cleanup.push(() => a.server.close());
    const pool = connectPool([a.address]);
    cleanup.push(() => pool.close());
    await pool.ready();
    const err = (await pool.call('Who.Slow', 600, { timeout: 200, idempotent: true }).catch((e: unknown) => e)) as RpcError;
    expect(err.code).toBe(ErrorCode.Timeout);
    expect(a.ran.get('Slow')).toBe(1);
  });
});
