/**
 * `rpc-serve --workers N` as a real multi-process server: the built CLI,
 * real worker processes sharing one port, real signals.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import type { Client } from '../../src/client/client.js';
import { connectPool } from '../../src/client/pool.js';
import { startCli } from '../cli/cli-process.js';
import type { CliRun } from '../cli/cli-process.js';
import { makeTestPki } from '../support/tls-certs.js';
import { waitFor } from '../support/wait-for.js';

const LISTENING = /listening on (?:https:\/\/)?(127\.0\.0\.1:\d+)/;
const WORKERS = /rpc-serve: (\d+) workers \(pids ([\d, ]+)\)\n/;
const FIXTURE = 'test/fixtures/cluster-services.ts';

const started: CliRun[] = [];
const pidsSeen = new Set<number>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** waitUntil polls `ok` every 50 ms until it holds, for up to `ms`; `what` names it in the timeout. */
const waitUntil = (what: string, ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> => waitFor(ok, ms, { what, everyMs: 50 });

/** Starts `rpc-serve --workers N` and resolves with its address and worker pids once the banner is out. */
async function serve(args: string[]): Promise<{ run: CliRun; address: string; pids: number[] }> {
  const run = startCli('rpc-serve', ['--port', '0', ...args]);
  started.push(run);
  const [, n, list] = await run.waitForOutput(WORKERS, 15_000);
  const [, address] = LISTENING.exec(run.stdout())!;
  const pids = list!.split(', ').map(Number);
  for (const pid of pids) pidsSeen.add(pid);
  expect(pids).toHaveLength(Number(n));
  return { run, address: address!, pids };
}

afterAll(async () => {
  for (const run of started) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  for (const pid of pidsSeen) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

describe('rpc-serve --workers', () => {
  it('serves from every worker, replaces a killed one, and drains all on SIGTERM', async () => {
    const { run, address, pids } = await serve(['--workers', '2', FIXTURE]);
    expect(run.stdout().match(/listening on/g)).toHaveLength(1); // the banner is printed once
    expect(run.stdout()).toContain('  Proc.Pid\n');
    expect(run.stdout()).toContain('  Arith.Multiply\n');
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(run.child.pid);

    // Many calls over several connections: the primary spreads connections over both workers.
    const clients: Client[] = await Promise.all(Array.from({ length: 8 }, () => dialHTTP(address, { codec: 'msgpack' })));
    const served = new Set<number>();
    await Promise.all(
      clients.map(async (client) => {
        for (let i = 0; i < 25; i++) served.add(await client.call<number>('Proc.Pid'));
        expect(await client.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42);
      }),
    );
    await Promise.all(clients.map((c) => c.close()));
    expect([...served].sort()).toEqual([...pids].sort());

    // Kill one worker while a reconnecting pool keeps calling: every call succeeds.
    const pool = connectPool([address, address, address, address], { codec: 'msgpack', minBackoffMs: 20 });
    await pool.ready();
    const [victim, survivor] = pids as [number, number];
    let ok = 0;
    let stop = false;
    const loop = async (id: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        expect(await pool.call('Arith.Multiply', { A: id, B: i }, { idempotent: true })).toBe(id * i);
        ok++;
      }
    };
    const loops = Promise.all([1, 2, 3, 4, 5, 6].map(loop));
    await sleep(200);
    const before = ok;
    process.kill(victim, 'SIGKILL');
    await waitUntil('the killed worker is gone', () => !alive(victim));
    await sleep(300);
    stop = true;
    await loops;
    expect(ok - before).toBeGreaterThan(50);

    // A replacement appears: a connection made now lands on a pid never seen before.
    let replacement: number | undefined;
    await waitUntil(
      'a replacement worker answers',
      async () => {
        await using client = await dialHTTP(address, { codec: 'msgpack' });
        const pid = await client.call<number>('Proc.Pid');
        if (pid !== survivor) replacement = pid;
        return replacement !== undefined;
      },
      15_000,
    );
    expect(pids).not.toContain(replacement);
    pidsSeen.add(replacement!);
    expect(run.stderr()).toMatch(new RegExp(`worker ${victim} exited with signal SIGKILL; starting a replacement`));

    // SIGTERM to the primary while a slow call runs: the call finishes, everything exits 0.
    const slowClients = await Promise.all([dialHTTP(address, { codec: 'msgpack' }), dialHTTP(address, { codec: 'msgpack' })]);
    const slow = slowClients.map((c) => c.call<number>('Echo.Sleep', 800));
    await sleep(200);
    run.child.kill('SIGTERM');
    expect(await Promise.all(slow)).toEqual([800, 800]);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('rpc-serve: SIGTERM: shutting down 2 workers');
    expect(run.stdout()).toContain('rpc-serve: stopped');
    await Promise.all(slowClients.map((c) => c.close()));
    await pool.close();
    for (const pid of [survivor, replacement!]) await waitUntil(`worker ${pid} exits`, () => !alive(pid), 5_000);
  }, 60_000);

  it('serves TLS with a token from every worker, and the debug page', async () => {
    const pki = await makeTestPki();
    const tokenFile = join(pki.dir, 'token');
    writeFileSync(tokenFile, 'tok-cluster\n');
    const { run, address, pids } = await serve(['--workers', '2', '--token-file', tokenFile, '--tls-cert', pki.files.serverCert, '--tls-key', pki.files.serverKey, FIXTURE]);
    expect(run.stdout()).toContain('bearer token required');
    const port = address.split(':')[1]!;
    const clients = await Promise.all(
      Array.from({ length: 6 }, () => dialHTTP(`https://localhost:${port}`, { codec: 'msgpack', token: 'tok-cluster', tls: { ca: pki.caCert } })),
    );
    const served = new Set(await Promise.all(clients.map((c) => c.call<number>('Proc.Pid'))));
    await Promise.all(clients.map((c) => c.close()));
    expect([...served].sort()).toEqual([...pids].sort());
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 30_000);

  it('answers the debug page (a readiness probe) from a worker', async () => {
    const { run, address, pids } = await serve(['--workers', '2']);
    const res = await fetch(`http://${address}/debug/rpc?format=json`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain('Multiply');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    for (const pid of pids) await waitUntil(`worker ${pid} exits`, () => !alive(pid), 5_000);
  }, 30_000);

  it('workers exit when the primary is killed outright', async () => {
    const { run, pids } = await serve(['--workers', '2']);
    run.child.kill('SIGKILL');
    await run.exited;
    for (const pid of pids) await waitUntil(`orphaned worker ${pid} exits`, () => !alive(pid), 5_000);
  }, 30_000);

  it('a second SIGINT stops at once, killing workers with calls still running', async () => {
    const { run, address, pids } = await serve(['--workers', '2', '--grace', '30s']);
    const client = await dialHTTP(address, { codec: 'msgpack' });
    const slow = client.call('Echo.Sleep', 20_000).catch((e: Error) => e);
    await sleep(200);
    run.child.kill('SIGINT');
    await sleep(200);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(1);
    expect(await slow).toBeInstanceOf(Error);
    for (const pid of pids) await waitUntil(`worker ${pid} exits`, () => !alive(pid), 5_000);
    await client.close();
  }, 30_000);

  it('a worker that cannot start stops the whole server with its exit code', async () => {
    const run = startCli('rpc-serve', ['--port', '0', '--workers', '2', 'test/fixtures/nothing-here.ts']);
    started.push(run);
    expect(await run.exited).toBe(2);
    expect(run.stderr().match(/nothing-here/g)?.length).toBeGreaterThanOrEqual(1);
    expect(run.stdout()).not.toContain('listening on');
  });

  it.each([['0'], ['two'], ['1.5']])('rejects --workers %s with exit 2', async (n) => {
    const run = startCli('rpc-serve', ['--port', '0', '--workers', n]);
    started.push(run);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/invalid --workers/);
  });
});
