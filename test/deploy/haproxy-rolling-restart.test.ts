/**
 * A rolling restart behind HAProxy: three `rpc-serve --drain-delay 1500ms`
 * backends behind a real HAProxy in TCP mode whose health checks ask
 * `GET /readyz`, restarted one at a time (SIGTERM, exit, start again on the
 * same port) while reconnecting clients on the single HAProxy address run
 * idempotent and non-idempotent calls. The SIGTERM turns /readyz to 503,
 * HAProxy takes the backend out, new connections go to the others; when the
 * drain starts, msgpack clients are told to go away and gob clients meet the
 * drain refusal, and either way they redial through HAProxy. Nothing may
 * fail: not an idempotent call, and not a call no server started. The
 * figures (calls, retries, p50/p99) are printed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dialReconnecting } from '../../src/client/pool.js';
import type { Pool } from '../../src/client/pool.js';
import { startCli } from '../cli/cli-process.js';
import type { CliRun } from '../cli/cli-process.js';
import { startCallLoad } from '../support/call-load.js';
import { haproxyConfig, requireHaproxy, startHaproxy } from '../support/haproxy.js';
import { freePort } from '../support/ports.js';
import type { TestHaproxy } from '../support/haproxy.js';

const haveHaproxy = await requireHaproxy();
const BACKENDS = 3;
/** Reconnecting clients on the HAProxy address (one connection each), and callers over them. */
const CLIENTS = 4;
const CALLERS = 8;

let processes: CliRun[] = [];
let haproxy: TestHaproxy | undefined;
let pools: Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.map((p) => p.close()));
  pools = [];
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  processes = [];
  await haproxy?.stop();
  haproxy = undefined;
});

/** openConnections asks a backend's debug page how many RPC connections it holds. */
async function openConnections(port: number): Promise<number> {
  const report = (await (await fetch(`http://127.0.0.1:${port}/debug/rpc?format=json`)).json()) as { connections: number };
  return report.connections;
}

async function startBackend(port: number): Promise<CliRun> {
  const run = startCli('rpc-serve', ['--port', String(port), '--drain-delay', '1500ms', '--grace', '5s']);
  processes.push(run);
  await run.waitForOutput(/listening on/, 15_000);
  return run;
}

describe.runIf(haveHaproxy)('a rolling restart behind HAProxy', () => {
  it.each([
    ['msgpack', 'told to go away'],
    ['gob', 'the drain refusal'],
  ] as const)('loses no idempotent call and no call a server never started: %s clients (%s)', { timeout: 90_000 }, async (codec, _how) => {
    const ports = await Promise.all(Array.from({ length: BACKENDS }, () => freePort()));
    const backends = await Promise.all(ports.map((p) => startBackend(p)));
    const frontPort = await freePort();
    haproxy = await startHaproxy(haproxyConfig(frontPort, ports.map((p) => `127.0.0.1:${p}`), { readyzCheck: true }), frontPort);
    for (let i = 0; i < CLIENTS; i++) pools.push(dialReconnecting(`127.0.0.1:${frontPort}`, { codec, minBackoffMs: 20, maxBackoffMs: 200 }));
    await Promise.all(pools.map((p) => p.ready()));
    const load = startCallLoad(pools, CALLERS);
    /** RPC connections each backend held when it got its SIGTERM. */
    const held: number[] = [];

    for (const [i, port] of ports.entries()) {
      const before = load.tally.calls;
      const name = `netrpc/rpc${i + 1}`;
      const downs = (haproxy.log().match(new RegExp(`Server ${name} is DOWN`, 'g')) ?? []).length;
      const ups = (haproxy.log().match(new RegExp(`Server ${name} is UP`, 'g')) ?? []).length;
      held.push(await openConnections(port));
      expect(held.at(-1)).toBeGreaterThan(0); // clients were connected to the backend being restarted
      backends[i]!.child.kill('SIGTERM'); // readiness off at once; serving on for the drain delay
      await haproxy.waitForLog(new RegExp(`Server ${name} is DOWN`), downs + 1);
      expect(backends[i]!.child.exitCode).toBeNull(); // taken out by its health check, before it stopped serving
      expect(await backends[i]!.exited).toBe(0);
      backends[i] = await startBackend(port);
      await haproxy.waitForLog(new RegExp(`Server ${name} is UP`), ups + 1);
      expect(load.tally.calls).toBeGreaterThan(before); // calls went on during this backend's restart
    }
    const figures = await load.stop();
    const { tally } = load;
    console.log(
      `rolling restart behind HAProxy (${codec}): ${figures.calls} calls, ${figures.retries} retries, ${figures.throttled} throttled, ` +
        `p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, max ${figures.max.toFixed(1)} ms, ` +
        `non-idempotent failures that may have run: ${tally.otherFailures.length}; connections held at SIGTERM ${held.join('/')}`,
    );
    expect(tally.idempotentFailures).toEqual([]);
    expect(tally.neverStartedFailures).toEqual([]);
    expect(tally.otherFailures).toEqual([]);
    expect(tally.calls).toBeGreaterThan(100);
  });
});
