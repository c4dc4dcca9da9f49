/**
 * The built-in Health service (grpc.health.v1 semantics), the /healthz and
 * /readyz probes, and close()'s drain delay, over real sockets.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { RpcError, ServerError } from '../../src/errors.js';
import { SHUTTING_DOWN } from '../../src/drain-refusal.js';
import { bearerToken } from '../../src/server/authorize.js';
import type { ServerOptions } from '../../src/server/options.js';
import type { Server } from '../../src/server/server.js';
import { startDemoServer } from '../helpers.js';

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

async function demo(options: ServerOptions = {}): Promise<{ server: Server; address: string; port: number }> {
  const started = await startDemoServer(options);
  cleanup.push(() => started.server.close(0));
  return started;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Health.Check', () => {
  it.each(['msgpack', 'gob', 'json'] as const)('answers grpc.health.v1 statuses over %s', async (codec) => {
    const { server, address } = await demo();
    const client = await dialHTTP(address, { codec });
    cleanup.push(() => client.close());
    const check = (Service: string): Promise<unknown> => client.call('Health.Check', { Service });
    expect(await check('')).toEqual({ Status: 'SERVING' });
    expect(await check('Arith')).toEqual({ Status: 'SERVING' });
    expect(await check('Nope')).toEqual({ Status: 'SERVICE_UNKNOWN' });
    server.setServingStatus('Arith', 'NOT_SERVING');
    server.setServingStatus('Batch', 'SERVING'); // a name that is not a registered service may be given a status
    expect(await check('Arith')).toEqual({ Status: 'NOT_SERVING' });
    expect(await check('Batch')).toEqual({ Status: 'SERVING' });
    expect(await check('')).toEqual({ Status: 'SERVING' });
    expect(await client.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42); // the status is advice; calls still run
  });

  it('treats a missing argument as the whole server and refuses a status it does not know', async () => {
    const { server, address } = await demo();
    const client = await dialHTTP(address);
    cleanup.push(() => client.close());
    expect(await client.call('Health.Check', {})).toEqual({ Status: 'SERVING' });
    expect(await client.call('Health.Check', null)).toEqual({ Status: 'SERVING' });
    const err = await client.call('Health.Check', { Service: 7 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toBe('rpc: Health.Check wants { Service: string }');
    expect(() => server.setServingStatus('', 'DOWN' as 'SERVING')).toThrow(RpcError);
  });

  it('is not listed with the user services, can be turned off, and yields to a user service named Health', async () => {
    const { server, address, port } = await demo();
    const report = JSON.parse((await get(port, '/debug/rpc?format=json')).body) as { services: { name: string }[] };
    expect(report.services.map((s) => s.name)).toEqual(['Arith', 'Echo']);
    expect(server.registry.list().map((s) => s.name)).toEqual(['Arith', 'Echo']);

    const off = await demo({ health: false });
    const client = await dialHTTP(off.address);
    cleanup.push(() => client.close());
    const err = await client.call('Health.Check', { Service: '' }).catch((e: unknown) => e);
    expect((err as ServerError).message).toBe("rpc: can't find service Health.Check");

    server.register('Health', { Check: () => 'mine' });
    const mine = await dialHTTP(address);
    cleanup.push(() => mine.close());
    expect(await mine.call('Health.Check', {})).toBe('mine');
  });
});

describe('probes', () => {
  it('answer 200 while serving, and /readyz 503 once the server is marked not serving', async () => {
    const { server, port } = await demo();
    expect(await get(port, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect(await get(port, '/readyz')).toEqual({ status: 200, body: 'ready\n' });
    expect(await get(port, '/readyz', {}, 'HEAD')).toEqual({ status: 200, body: '' });
    expect((await get(port, '/readyz', {}, 'POST')).status).toBe(405);
    server.setServingStatus('', 'NOT_SERVING');
    expect(await get(port, '/readyz')).toEqual({ status: 503, body: 'not ready: not serving\n' });
    expect((await get(port, '/healthz')).status).toBe(200);
    server.setServingStatus('', 'SERVING');
    expect((await get(port, '/readyz')).status).toBe(200);
  });

  it('are guarded by the authorize hook by default, and open with probes: open', async () => {
    const guarded = await demo({ authorize: bearerToken('s3cret') });
    expect((await get(guarded.port, '/readyz')).status).toBe(401);
    expect((await get(guarded.port, '/healthz')).status).toBe(401);
    expect(await get(guarded.port, '/readyz', { Authorization: 'Bearer s3cret' })).toEqual({ status: 200, body: 'ready\n' });
    const open = await demo({ authorize: bearerToken('s3cret'), probes: 'open' });
    expect(await get(open.port, '/readyz')).toEqual({ status: 200, body: 'ready\n' });
    expect((await get(open.port, '/debug/rpc')).status).toBe(401); // only the probes are opened
    const off = await demo({ probes: 'off' });
    expect((await get(off.port, '/healthz')).status).toBe(405);
  });
});

describe('close with a drain delay', () => {
  it('turns not ready at once, keeps accepting and serving during the delay, then drains', async () => {
    const { server, address, port } = await demo();
    const before = await dialHTTP(address);
    cleanup.push(() => before.close());
    const closed = server.close({ drainDelayMs: 600_000 });
    let done = false;
    void closed.then(() => (done = true));
    expect(await get(port, '/readyz')).toEqual({ status: 503, body: 'not ready: shutting down\n' });
    expect(await before.call('Health.Check', { Service: '' })).toEqual({ Status: 'NOT_SERVING' });
    expect(await before.call('Health.Check', { Service: 'Arith' })).toEqual({ Status: 'NOT_SERVING' });
    server.setServingStatus('', 'SERVING'); // cannot be undone once shutting down
    expect(server.servingStatus('')).toBe('NOT_SERVING');
    expect(await before.call('Arith.Multiply', { A: 2, B: 3 })).toBe(6);
    const during = await dialHTTP(address, { codec: 'gob' }); // new connections are still accepted (gob: told by the refusal)
    cleanup.push(() => during.close());
    expect(await during.call('Arith.Add', { A: 2, B: 3 })).toBe(5);
    expect(server.draining).toBe(false);
    expect(done).toBe(false);
    const slow = before.call('Echo.Sleep', 200);
    expect(await before.call('Arith.Add', { A: 1, B: 2 })).toBe(3); // replied: the server has read Sleep, which now runs
    void server.close({ drainDelayMs: 0 }); // ends the delay: the drain starts now
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.draining).toBe(true);
    const refused = (await during.call('Arith.Add', { A: 1, B: 1 }).catch((e: unknown) => e)) as ServerError;
    // The idle connection is not cut at once: the call is read and refused, marked never executed.
    expect(refused).toBeInstanceOf(ServerError);
    expect(refused.message).toBe(SHUTTING_DOWN);
    expect(refused.unsent).toBe(true);
    expect(await slow).toBe(200); // the running call finishes
    await closed;
    await expect(dialHTTP(address, { connectTimeout: 2000 })).rejects.toBeInstanceOf(RpcError);
  });
});
