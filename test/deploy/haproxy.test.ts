/**
 * Two `rpc-serve` processes behind a real HAProxy in TCP mode, called by
 * Go's stock client (rpc.DialHTTP, gob) and by netrpc's pool while one
 * backend is killed. Loopback only; every process is killed afterwards.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectPool } from '../../src/client/pool.js';
import { RpcError } from '../../src/errors.js';
import { startCli } from '../cli/cli-process.js';
import type { CliRun } from '../cli/cli-process.js';
import { buildGoProgram, requireGo } from '../interop/go-toolchain.js';
import { requireTool } from '../support/require-tool.js';
import { canConnect, freePort } from '../support/ports.js';
import { haproxyConfig } from '../support/haproxy.js';

const haveHaproxy = await requireTool('haproxy', ['-v'], 'apt-get install -y haproxy');
const haveGo = await requireGo();

const LISTENING = /listening on (127\.0\.0\.1:\d+)/;

interface Progress {
  final: boolean;
  ok: number;
  fail: number;
  redials: number;
  dialErrors: number;
  wrong: number;
  lastError: string;
}

let dir: string;
let backends: CliRun[] = [];
let haproxy: ChildProcess | undefined;
let haproxyLog = '';
let frontend = '';
const others: ChildProcess[] = [];

function kill(child: ChildProcess | undefined): void {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netrpc-haproxy-'));
});

afterAll(() => {
  for (const c of others) kill(c);
  rmSync(dir, { recursive: true, force: true });
});

/** Starts two rpc-serve backends and HAProxy in front of them. */
beforeEach(async () => {
  if (!haveHaproxy) return;
  backends = [startCli('rpc-serve', ['--port', '0']), startCli('rpc-serve', ['--port', '0'])];
  const addresses = await Promise.all(backends.map(async (b) => (await b.waitForOutput(LISTENING))[1]!));
  const port = await freePort();
  frontend = `127.0.0.1:${port}`;
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyConfig(port, addresses));
  haproxyLog = '';
  haproxy = spawn('haproxy', ['-f', cfg, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  haproxy.stdout!.on('data', (d: Buffer) => (haproxyLog += d.toString()));
  haproxy.stderr!.on('data', (d: Buffer) => (haproxyLog += d.toString()));
  const end = Date.now() + 10_000;
  while (!(await canConnect(frontend))) {
    if (haproxy.exitCode !== null || Date.now() > end) throw new Error(`haproxy did not start: ${haproxyLog}`);
    await sleep(50);
  }
});

afterEach(() => {
  kill(haproxy);
  for (const b of backends) kill(b.child);
  backends = [];
});

describe.skipIf(!haveHaproxy)('behind HAProxy (TCP mode, two rpc-serve backends)', () => {
  it.skipIf(!haveGo)("Go's rpc.DialHTTP client keeps working when a backend is killed", async () => {
    const binary = await buildGoProgram('gobloop');
    const child = spawn(binary, [frontend, '4.5', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
    others.push(child);
    let out = '';
    let err = '';
    let last: Progress | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.trimEnd().split('\n');
      last = JSON.parse(lines[lines.length - 1]!) as Progress;
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    await sleep(1500);
    const atKill = last!;
    expect(atKill.ok, `calls before the kill: ${out}${err}`).toBeGreaterThan(0);
    kill(backends[0]!.child);
    await sleep(1000); // HAProxy notices within inter 200ms × fall 1; clients redial
    const settled = last!;
    expect(await exited).toBe(0);
    const final = JSON.parse(out.trimEnd().split('\n').pop()!) as Progress;
    expect(final.final).toBe(true);
    expect(final.wrong).toBe(0);
    // A few calls in flight on the killed backend fail (at most one per connection),
    // and a redial racing the kill may too (HAProxy had already connected it to the
    // dying backend); afterwards every call and every dial succeeds.
    const errors = (p: Progress): number => p.fail + p.dialErrors;
    expect(errors(final) - errors(atKill), JSON.stringify(final)).toBeLessThanOrEqual(8);
    expect(errors(final) - errors(settled), JSON.stringify(final)).toBe(0);
    expect(final.ok - settled.ok).toBeGreaterThan(200);
    console.info(`gobloop through HAProxy: before kill ${atKill.ok} ok; after ${final.ok - atKill.ok} ok, ${final.fail - atKill.fail} failed, ${final.dialErrors} failed dials, ${final.redials} redials`);
  }, 60_000);

  it("netrpc's pool keeps working when a backend is killed", async () => {
    // Four connections through HAProxy: round-robin puts two on each backend.
    const pool = connectPool([frontend, frontend, frontend, frontend], { codec: 'msgpack', minBackoffMs: 20, maxBackoffMs: 200 });
    try {
      await pool.ready();
      let ok = 0;
      let failed = 0;
      const failures: string[] = [];
      let stop = false;
      const loop = async (id: number): Promise<void> => {
        for (let i = 0; !stop; i++) {
          try {
            expect(await pool.call('Arith.Multiply', { A: id, B: i }, { timeout: 5000 })).toBe(id * i);
            ok++;
          } catch (err) {
            if (!(err instanceof RpcError)) throw err;
            failed++;
            failures.push(err.code);
          }
        }
      };
      const loops = Promise.all(Array.from({ length: 16 }, (_, i) => loop(i + 1)));
      await sleep(1000);
      const atKill = { ok, failed };
      expect(atKill.ok).toBeGreaterThan(0);
      expect(atKill.failed).toBe(0);
      kill(backends[0]!.child);
      await sleep(1000);
      const settled = { ok, failed };
      await sleep(2000);
      stop = true;
      await loops;
      // Calls in flight on the two connections to the killed backend fail with
      // RPC_CONNECTION_LOST (not retried: they may have run). Each loop can lose
      // at most one call per dead connection before the pool sees both close.
      expect(failed - atKill.failed, failures.join(',')).toBeLessThanOrEqual(2 * 16);
      expect(new Set(failures.map((c) => c === 'RPC_CONNECTION_LOST' || c === 'RPC_SHUTDOWN'))).not.toContain(false);
      expect(failed - settled.failed).toBe(0);
      expect(ok - settled.ok).toBeGreaterThan(500);
      expect(pool.status().every((s) => s.healthy)).toBe(true);
      console.info(`netrpc pool through HAProxy: before kill ${atKill.ok} ok; after ${ok - atKill.ok} ok, ${failed - atKill.failed} failed (${[...new Set(failures)].join(', ') || 'none'})`);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
