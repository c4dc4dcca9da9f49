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
import { startCli } from '../cli/cli-process.js';
import type { CliRun } from '../cli/cli-process.js';
import { startCallLoad } from '../support/call-load.js';
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

describe.runIf(haveDnsmasq)('a rolling restart behind DNS', () => {
  it.each([
    ['each replica leaves DNS before it stops', true],
    ['the records never change (the goaway notice and reconnects do the work)', false],
  ])('loses no idempotent call and no call a server never started: %s', { timeout: 90_000 }, async (_name, leavesDns) => {
    const port = await freePort(HOSTS[0]!);
    const replicas = await Promise.all(HOSTS.map((h) => startReplica(h, port)));
    dns = await startDnsmasq({ hosts: { 'svc.test': HOSTS } }, 1);
    const live = new Set(HOSTS);
    const setLive = (): Promise<void> => dns!.setHosts({ 'svc.test': [...live] });
    const pool = connectPool([`dns://${dns.server}/svc.test:${port}`], { reresolveMs: 1000, minBackoffMs: 50, maxBackoffMs: 500 });
    await pool.ready();

    const load = startCallLoad([pool], CALLERS);
    const { tally } = load;

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
    const figures = await load.stop();
    await pool.close();
    console.log(
      `rolling restart (${leavesDns ? 'leaving DNS' : 'fixed records'}): ${figures.calls} calls, ${figures.retries} retries, ${figures.throttled} throttled, ` +
        `p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, max ${figures.max.toFixed(1)} ms, ` +
        `non-idempotent failures that may have run: ${tally.otherFailures.length}`,
    );
    expect(tally.idempotentFailures).toEqual([]);
    expect(tally.neverStartedFailures).toEqual([]);
    expect(tally.otherFailures).toEqual([]);
    expect(tally.calls).toBeGreaterThan(100);
  });
});
