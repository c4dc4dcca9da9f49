/**
 * A rolling restart under load: three `rpc-serve` processes on 127.0.0.2-4
 * (one port) behind a real DNS server (dnsmasq), restarted one at a time as
 * an orchestrator would: the replica leaves DNS and gets SIGTERM with a
 * drain delay, exits, starts again and comes back into DNS. A pool on the
 * DNS name runs idempotent and non-idempotent calls the whole time.
 * Nothing may fail: not an idempotent call, and not a call that no server
 * started. The figures (calls, retries, p99) are printed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectPool } from '../../src/client/pool.js';
import { RpcError } from '../../src/errors.js';
import { startCli } from '../cli/cli-process.js';
import type { CliRun } from '../cli/cli-process.js';
import { requireDnsmasq, startDnsmasq } from '../support/dnsmasq.js';
import type { TestDns } from '../support/dnsmasq.js';
import { freePort } from '../support/ports.js';

const haveDnsmasq = await requireDnsmasq();
const HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
/** Concurrent callers. */
const CALLERS = 8;

let processes: CliRun[] = [];
let dns: TestDns | undefined;
afterEach(async () => {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  processes = [];
  await dns?.stop();
  dns = undefined;
});

async function startReplica(host: string, port: number): Promise<CliRun> {
  const run = startCli('rpc-serve', ['--host', host, '--port', String(port), '--drain-delay', '1500ms', '--grace', '5s']);
  processes.push(run);
  await run.waitForOutput(/listening on/, 15_000);
  return run;
}

interface Tally {
  calls: number;
  idempotentFailures: string[];
  neverStartedFailures: string[];
  otherFailures: string[];
  latencies: number[];
}

describe.runIf(haveDnsmasq)('a rolling restart behind DNS', () => {
  it.each([
    ['each replica leaves DNS before it stops', true],
    ['the records never change (the drain refusal and reconnects do the work)', false],
  ])('loses no idempotent call and no call a server never started: %s', { timeout: 90_000 }, async (_name, leavesDns) => {
    const port = await freePort(HOSTS[0]!);
    const replicas = await Promise.all(HOSTS.map((h) => startReplica(h, port)));
    dns = await startDnsmasq({ hosts: { 'svc.test': HOSTS } }, 1);
    const live = new Set(HOSTS);
    const setLive = (): Promise<void> => dns!.setHosts({ 'svc.test': [...live] });
    const pool = connectPool([`dns://${dns.server}/svc.test:${port}`], { reresolveMs: 1000, minBackoffMs: 50, maxBackoffMs: 500 });
    await pool.ready();

    const tally: Tally = { calls: 0, idempotentFailures: [], neverStartedFailures: [], otherFailures: [], latencies: [] };
    let rolling = true;
    const caller = async (id: number): Promise<void> => {
      for (let i = 0; rolling; i++) {
        const idempotent = i % 2 === 0;
        const started = performance.now();
        try {
          if (idempotent) expect(await pool.call('Arith.Multiply', { A: id, B: i }, { idempotent: true, timeout: 10_000 })).toBe(id * i);
          else expect(await pool.call('Echo.Echo', `${id}/${i}`, { timeout: 10_000 })).toBe(`${id}/${i}`);
          tally.latencies.push(performance.now() - started);
        } catch (err) {
          const text = err instanceof RpcError ? `${err.code}: ${err.message}` : String(err);
          if (idempotent) tally.idempotentFailures.push(text);
          else if (err instanceof RpcError && err.unsent) tally.neverStartedFailures.push(text);
          else tally.otherFailures.push(text);
        }
        tally.calls++;
      }
    };
    const callers = Array.from({ length: CALLERS }, (_, id) => caller(id + 1));

    for (const [i, host] of HOSTS.entries()) {
      const before = tally.calls;
      if (leavesDns) {
        live.delete(host);
        await setLive(); // the orchestrator takes the replica out of the endpoints ...
      }
      replicas[i]!.child.kill('SIGTERM'); // ... and stops it, with a drain delay
      expect(await replicas[i]!.exited).toBe(0);
      replicas[i] = await startReplica(host, port);
      if (leavesDns) {
        live.add(host);
        await setLive();
      }
      const address = `${host}:${port}`;
      const end = Date.now() + 20_000;
      while (!pool.status().some((s) => s.address === address && s.state === 'ready')) {
        if (Date.now() > end) throw new Error(`${address} did not come back: ${JSON.stringify(pool.status())}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(tally.calls).toBeGreaterThan(before); // calls went on during this replica's restart
    }
    rolling = false;
    await Promise.all(callers);
    const stats = pool.stats();
    await pool.close();

    const sorted = tally.latencies.sort((a, b) => a - b);
    const p99 = sorted[Math.floor(sorted.length * 0.99)] ?? 0;
    console.log(
      `rolling restart (${leavesDns ? 'leaving DNS' : 'fixed records'}): ${tally.calls} calls, ${stats.retries} retries, ${stats.throttled} throttled, ` +
        `p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms, ` +
        `non-idempotent failures that may have run: ${tally.otherFailures.length}`,
    );
    expect(tally.idempotentFailures).toEqual([]);
    expect(tally.neverStartedFailures).toEqual([]);
    expect(tally.otherFailures).toEqual([]);
    expect(tally.calls).toBeGreaterThan(100);
  });
});
