/**
 * Pools that follow DNS names, against a real DNS server (dnsmasq on a
 * loopback port): backends on 127.0.0.2, 127.0.0.3, ... share one port,
 * records change and dnsmasq reloads them on SIGHUP.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDnsTarget } from '../../src/client/dns-target.js';
import { connectPool, dialReconnecting } from '../../src/client/pool.js';
import type { Pool } from '../../src/client/pool.js';
import { ErrorCode, RpcError } from '../../src/errors.js';
import { Server } from '../../src/server/server.js';
import { requireDnsmasq, startDnsmasq } from '../support/dnsmasq.js';
import type { TestDns } from '../support/dnsmasq.js';
import { waitFor as pollUntil } from '../support/wait-for.js';

const haveDnsmasq = await requireDnsmasq();

interface Backend {
  readonly server: Server;
  readonly host: string;
  ran: number;
}

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

async function startBackend(host: string, port: number): Promise<Backend> {
  const server = new Server({ graceMs: 5000 });
  const backend: Backend = { server, host, ran: 0 };
  server.register('Who', {
    Am: () => (backend.ran++, host),
    Slow: async (ms: number) => (backend.ran++, await sleep(ms), host),
  });
  await server.listen({ host, port });
  cleanup.push(() => server.close(0));
  return backend;
}

/** startBackends serves on each loopback address at one shared port. */
async function startBackends(hosts: readonly string[]): Promise<{ port: number; backends: Map<string, Backend> }> {
  const first = new Server();
  const { port } = await first.listen({ host: hosts[0]!, port: 0 });
  await first.close(0);
  const backends = new Map<string, Backend>();
  for (const h of hosts) backends.set(h, await startBackend(h, port));
  return { port, backends };
}

async function dns(hosts: Record<string, string[]>, ttl = 1, srv?: Record<string, { target: string; port: number }[]>): Promise<TestDns> {
  const d = await startDnsmasq({ hosts, ...(srv ? { srv } : {}) }, ttl);
  cleanup.push(() => d.stop());
  return d;
}

function track(pool: Pool): Pool {
  cleanup.push(() => pool.close());
  return pool;
}

/** waitFor polls `predicate` every 20 ms until it holds, for up to `ms`. */
const waitFor = (predicate: () => boolean, ms = 10_000): Promise<void> => pollUntil(predicate, ms, { everyMs: 20 });

const addresses = (pool: Pool): string[] => pool.status().filter((s) => s.state !== 'draining').map((s) => s.address).sort();

describe('dns: addresses', () => {
  it('are read in every documented form, and refused with RPC_INVALID_ARGUMENT otherwise', () => {
    expect(parseDnsTarget('dns:///svc.test:1234')).toMatchObject({ kind: 'host', server: undefined, name: 'svc.test', port: 1234 });
    expect(parseDnsTarget('dns://127.0.0.1:5353/svc.test:80')).toMatchObject({ server: '127.0.0.1:5353', name: 'svc.test', port: 80 });
    expect(parseDnsTarget('dns://[::1]/svc.test:80')).toMatchObject({ server: '[::1]:53' });
    expect(parseDnsTarget('dns+srv:///_rpc._tcp.svc.test')).toMatchObject({ kind: 'srv', name: '_rpc._tcp.svc.test', port: undefined });
    for (const bad of ['dns:///svc.test', 'dns://resolver.example/svc.test:80', 'dns:///svc.test:0', 'dns+srv:///bad name', 'dns:svc.test:80']) {
      let err: unknown;
      try {
        parseDnsTarget(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(RpcError);
      expect((err as RpcError).code).toBe(ErrorCode.InvalidArgument);
    }
  });
});

describe.runIf(haveDnsmasq)('a pool on a DNS name', () => {
  it('connects to every A record and spreads calls over them', async () => {
    const { port, backends } = await startBackends(['127.0.0.2', '127.0.0.3']);
    const d = await dns({ 'svc.test': ['127.0.0.2', '127.0.0.3'] });
    const pool = track(connectPool([`dns://${d.server}/svc.test:${port}`]));
    await pool.ready();
    await waitFor(() => pool.status().every((s) => s.healthy));
    expect(addresses(pool)).toEqual([`127.0.0.2:${port}`, `127.0.0.3:${port}`]);
    const seen = new Set<unknown>();
    for (let i = 0; i < 4; i++) seen.add(await pool.call('Who.Am'));
    expect(seen).toEqual(new Set(['127.0.0.2', '127.0.0.3']));
    expect(pool.targets()).toEqual([{ target: `dns://${d.server}/svc.test:${port}`, addresses: [`127.0.0.2:${port}`, `127.0.0.3:${port}`], lookups: 1 }]);
    expect(backends.size).toBe(2);
  });

  it('follows changed records: new addresses get connections, removed ones finish their calls and close', async () => {
    const { port, backends } = await startBackends(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    const d = await dns({ 'svc.test': ['127.0.0.2', '127.0.0.3'] });
    const pool = track(connectPool([`dns://${d.server}/svc.test:${port}`], { reresolveMs: 1000 }));
    await waitFor(() => pool.status().length === 2 && pool.status().every((s) => s.healthy));
    const slow = [pool.call('Who.Slow', 1500), pool.call('Who.Slow', 1500)]; // one on each
    await waitFor(() => backends.get('127.0.0.2')!.ran === 1 && backends.get('127.0.0.3')!.ran === 1);
    await d.setHosts({ 'svc.test': ['127.0.0.3', '127.0.0.4'] });
    await waitFor(() => addresses(pool).join() === `127.0.0.3:${port},127.0.0.4:${port}`);
    expect(pool.status().find((s) => s.address === `127.0.0.2:${port}`)).toMatchObject({ state: 'draining', pending: 1 });
    await waitFor(() => pool.status().filter((s) => s.state !== 'draining').every((s) => s.state === 'ready'));
    const names = new Set<unknown>();
    for (let i = 0; i < 4; i++) names.add(await pool.call('Who.Am'));
    expect(names).toEqual(new Set(['127.0.0.3', '127.0.0.4']));
    expect((await Promise.all(slow)).sort()).toEqual(['127.0.0.2', '127.0.0.3']); // the removed endpoint's call finished
    await waitFor(() => backends.get('127.0.0.2')!.server.connectionCount === 0);
    expect(pool.status().map((s) => s.address).sort()).toEqual([`127.0.0.3:${port}`, `127.0.0.4:${port}`]);
    expect(backends.get('127.0.0.2')!.ran).toBe(1);
  });

  it('looks the name up again when the TTL runs out, before reresolveMs', async () => {
    const { port } = await startBackends(['127.0.0.2', '127.0.0.3']);
    const d = await dns({ 'svc.test': ['127.0.0.2'] }, 1);
    const pool = track(connectPool([`dns://${d.server}/svc.test:${port}`], { reresolveMs: 600_000 }));
    await pool.ready();
    await d.setHosts({ 'svc.test': ['127.0.0.3'] });
    await waitFor(() => addresses(pool).join() === `127.0.0.3:${port}`);
    expect(pool.targets()[0]!.lookups).toBeGreaterThanOrEqual(2);
  });

  it('looks the name up again soon after an endpoint fails', async () => {
    const { port, backends } = await startBackends(['127.0.0.2', '127.0.0.3']);
    const d = await dns({ 'svc.test': ['127.0.0.2'] }, 3600);
    const pool = track(dialReconnecting(`dns://${d.server}/svc.test:${port}`, { reresolveMs: 600_000, minBackoffMs: 50 }));
    await pool.ready();
    expect(await pool.call('Who.Am')).toBe('127.0.0.2');
    await d.setHosts({ 'svc.test': ['127.0.0.3'] });
    expect(pool.targets()[0]!.lookups).toBe(1);
    await backends.get('127.0.0.2')!.server.close(0);
    await waitFor(() => addresses(pool).join() === `127.0.0.3:${port}`);
    expect(await pool.call('Who.Am', null, { timeout: 5000 })).toBe('127.0.0.3');
  });

  it('keeps the last good list when the DNS server stops answering', async () => {
    const { port } = await startBackends(['127.0.0.2']);
    const d = await dns({ 'svc.test': ['127.0.0.2'] }, 1);
    const pool = track(connectPool([`dns://${d.server}/svc.test:${port}`], { reresolveMs: 1000 }));
    await pool.ready();
    await d.stop();
    await waitFor(() => pool.targets()[0]!.lastError !== undefined);
    expect(pool.targets()[0]).toMatchObject({ addresses: [`127.0.0.2:${port}`] });
    expect(pool.targets()[0]!.lastError).toMatch(/^rpc: cannot resolve svc\.test/);
    expect(await pool.call('Who.Am')).toBe('127.0.0.2');
  });

  it('fails calls with RPC_CONNECT, naming the lookup error, when the name never resolved', async () => {
    const d = await dns({ 'svc.test': ['127.0.0.2'] });
    const pool = track(connectPool([`dns://${d.server}/missing.test:1234`], { retry: false }));
    await expect(pool.ready()).rejects.toMatchObject({ code: ErrorCode.Connect, message: expect.stringMatching(/missing\.test:1234: rpc: cannot resolve missing\.test: ENOTFOUND/) });
    const err = (await pool.call('Who.Am').catch((e: unknown) => e)) as RpcError;
    expect(err.code).toBe(ErrorCode.Connect);
    expect(err.unsent).toBe(true);
  });

  it('reads SRV records: hosts and ports from the records', async () => {
    const a = await startBackend('127.0.0.2', 0);
    const b = await startBackend('127.0.0.3', 0);
    const pa = a.server.address!.port;
    const pb = b.server.address!.port;
    const d = await dns({ 'a.test': ['127.0.0.2'], 'b.test': ['127.0.0.3'] }, 1, {
      '_rpc._tcp.svc.test': [{ target: 'a.test', port: pa }, { target: 'b.test', port: pb }],
    });
    const pool = track(connectPool([`dns+srv://${d.server}/_rpc._tcp.svc.test`]));
    await pool.ready();
    expect(addresses(pool)).toEqual([`127.0.0.2:${pa}`, `127.0.0.3:${pb}`].sort());
    await waitFor(() => pool.status().every((s) => s.healthy));
    const seen = new Set<unknown>();
    for (let i = 0; i < 4; i++) seen.add(await pool.call('Who.Am'));
    expect(seen).toEqual(new Set(['127.0.0.2', '127.0.0.3']));
  });
});
