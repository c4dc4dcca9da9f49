/**
 * `rpc-serve --metrics --workers 2` scraped by a real Prometheus server
 * (Debian's `prometheus`, on a loopback port), with the bearer token the
 * server requires: every scrape and every debug page sums both workers.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import type { ServerReport } from '../../src/server/server-stats.js';
import { startCli } from '../cli/cli-process.js';
import type { CliRun } from '../cli/cli-process.js';
import { freePort } from '../helpers.js';
import { requireTool } from '../support/require-tool.js';
import { waitForValue } from '../support/wait-for.js';

const havePrometheus = await requireTool('prometheus', ['--version'], 'apt-get install prometheus');

const LISTENING = /listening on (127\.0\.0\.1:\d+)/;
const WORKERS = /rpc-serve: (\d+) workers \(pids ([\d, ]+)\)\n/;
const TOKEN = 'scrape-s3cret';
const CALLS = 40;
const FAILS = 3;
/** The first calls ask every connection (twice) which worker serves it. */
const PID_CALLS = 16;

let cli: CliRun | undefined;
let prometheus: ChildProcess | undefined;

afterAll(async () => {
  if (prometheus?.pid && prometheus.exitCode === null) prometheus.kill('SIGTERM');
  if (cli && cli.child.exitCode === null) {
    cli.child.kill('SIGTERM');
    await cli.exited;
  }
});

/** waitUntil polls `probe` every 200 ms, through its failures, until it yields a value, for up to `ms`. */
const waitUntil = <T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> => waitForValue(probe, ms, { what, everyMs: 200, retryErrors: true });

/** sampleValue reads one unlabelled or labelled sample from Prometheus text. */
function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe.skipIf(!havePrometheus)('rpc-serve --metrics with a real Prometheus', () => {
  it('sums every worker in each scrape, guards /metrics with the token, and PromQL reads the call count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netrpc-prom-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    cli = startCli('rpc-serve', ['--port', '0', '--workers', '2', '--metrics', '--token-file', tokenFile, 'test/fixtures/cluster-services.ts']);
    const [, , pidList] = await cli.waitForOutput(WORKERS, 20_000);
    const pids = pidList!.split(', ').map(Number);
    const address = LISTENING.exec(cli.stdout())![1]!;
    const base = `http://${address}`;
    const auth = { headers: { authorization: `Bearer ${TOKEN}` } };

    // Calls over several connections, so that both workers serve some.
    const served = new Set<number>();
    const clients = await Promise.all(Array.from({ length: 8 }, () => dialHTTP(address, { codec: 'msgpack', headers: auth.headers })));
    for (let i = 0; i < CALLS; i++) {
      const client = clients[i % clients.length]!;
      if (i < PID_CALLS) served.add(await client.call<number>('Proc.Pid'));
      else expect(await client.call('Arith.Multiply', { A: i, B: 2 })).toBe(i * 2);
    }
    for (let i = 0; i < FAILS; i++) await clients[i]!.call('Echo.Fail', 'x').catch(() => undefined);
    await Promise.all(clients.map((c) => c.close()));
    expect([...served].sort()).toEqual([...pids].sort());

    // A CONNECT without the token is refused, and counted; /metrics without it is refused too.
    await expect(dialHTTP(address, { codec: 'msgpack' })).rejects.toThrow(/401/);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    // Each fetch is a new connection, handed to either worker: every answer holds both workers' counts.
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${base}/metrics`, auth);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(sampleValue(text, 'netrpc_server_call_duration_seconds_count')).toBe(CALLS + FAILS);
      expect(sampleValue(text, 'netrpc_server_call_duration_seconds_count', { service: 'Proc', method: 'Pid', outcome: 'ok' })).toBe(PID_CALLS);
      expect(sampleValue(text, 'netrpc_server_call_duration_seconds_count', { method: 'Fail', outcome: 'error' })).toBe(FAILS);
      expect(sampleValue(text, 'netrpc_server_refused_connections_total', { reason: 'unauthorized' })).toBe(1);
      expect(sampleValue(text, 'netrpc_server_received_bytes_total')).toBeGreaterThan(0);
      expect(sampleValue(text, 'netrpc_server_sent_bytes_total')).toBeGreaterThan(0);
      expect(sampleValue(text, 'netrpc_server_calls_in_flight')).toBe(0);
    }

    // The debug page's JSON sums both workers too.
    for (let i = 0; i < 4; i++) {
      const report = (await (await fetch(`${base}/debug/rpc?format=json`, auth)).json()) as ServerReport;
      expect(report.workers).toBe(2);
      const methods = report.services.flatMap((s) => s.methods);
      expect(methods.reduce((n, m) => n + m.calls, 0)).toBe(CALLS + FAILS);
      expect(methods.reduce((n, m) => n + m.errors, 0)).toBe(FAILS);
      expect(report.history!.calls.reduce((a, b) => a + b, 0)).toBe(CALLS + FAILS);
    }

    // A real Prometheus scrapes it with the bearer token; PromQL over its HTTP API returns the count.
    const promPort = await freePort();
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: netrpc',
        '    authorization:',
        `      credentials_file: ${tokenFile}`,
        '    static_configs:',
        `      - targets: ['${address}']`,
        '',
      ].join('\n'),
    );
    prometheus = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' });
    const query = encodeURIComponent('sum(netrpc_server_call_duration_seconds_count{job="netrpc"})');
    const value = await waitUntil(
      'Prometheus has scraped the call count',
      async () => {
        const body = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${query}`)).json()) as { data: { result: { value: [number, string] }[] } };
        return body.data.result[0]?.value[1];
      },
      30_000,
    );
    expect(Number(value)).toBe(CALLS + FAILS);
    const up = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=up`)).json()) as { data: { result: { value: [number, string] }[] } };
    expect(up.data.result.map((r) => r.value[1])).toEqual(['1']);
  }, 90_000);
});
