/** rpc-serve --drain-delay and --probes, end to end: SIGTERM turns /readyz 503 at once, serving goes on for the delay, then the drain. */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { startCli } from './cli-process.js';
import type { CliRun } from './cli-process.js';

const LISTENING = /listening on (127\.0\.0\.1:(\d+))/;
let running: CliRun[] = [];

afterEach(() => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  running = [];
});

function serve(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const run = startCli('rpc-serve', args, { env });
  running.push(run);
  return run;
}

function status(port: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: Number(port), path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('rpc-serve --drain-delay', () => {
  it('on SIGTERM answers /readyz 503 and NOT_SERVING at once, keeps serving new connections for the delay, then drains and exits 0', async () => {
    const run = serve(['--port', '0', '--drain-delay', '4s', '--grace', '5s']);
    const [, address, port] = await run.waitForOutput(LISTENING);
    expect(await status(port!, '/readyz')).toBe(200);
    const before = await dialHTTP(address!);
    run.child.kill('SIGTERM');
    await run.waitForOutput(/SIGTERM: shutting down \(not ready now, serving 4000 ms more, then running calls get up to 5000 ms\)/);
    expect(await status(port!, '/readyz')).toBe(503);
    expect(await status(port!, '/healthz')).toBe(200);
    expect(await before.call('Health.Check', { Service: '' })).toEqual({ Status: 'NOT_SERVING' });
    const during = await dialHTTP(address!, { codec: 'gob' });
    expect(await during.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42);
    expect(run.child.exitCode).toBeNull();
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('rpc-serve: stopped');
    await before.close();
    await during.close();
  });

  it('guards the probes behind the token by default and opens them with --probes open', async () => {
    const guarded = serve(['--port', '0'], { RPC_TOKEN: 's3cret' });
    const [, , gport] = await guarded.waitForOutput(LISTENING);
    expect(await status(gport!, '/readyz')).toBe(401);
    expect(await status(gport!, '/readyz', { Authorization: 'Bearer s3cret' })).toBe(200);
    const open = serve(['--port', '0', '--probes', 'open'], { RPC_TOKEN: 's3cret' });
    const [, , oport] = await open.waitForOutput(LISTENING);
    expect(await status(oport!, '/readyz')).toBe(200);
    expect(await status(oport!, '/debug/rpc')).toBe(401);
    const bad = serve(['--probes', 'maybe']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toContain('invalid --probes maybe; want guarded, open or off');
  });
});
