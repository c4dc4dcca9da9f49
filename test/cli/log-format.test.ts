/** rpc-serve --log-format / --log-level: pino-shaped JSON lines, levels, and bad values. */
import { describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { startCli } from './cli-process.js';

interface Line {
  level: number;
  time: number;
  pid: number;
  hostname: string;
  name: string;
  msg: string;
  [field: string]: unknown;
}

function jsonLines(text: string): Line[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
}

describe('rpc-serve --log-format json', () => {
  it('writes the banner, library lines and lifecycle as one JSON object per line, at the chosen level', async () => {
    const run = startCli('rpc-serve', ['--port', '0', '--log-format', 'json', '--log-level', 'debug']);
    await run.waitForOutput(/"msg":"listening on /, 15_000);
    const banner = jsonLines(run.stdout()).find((l) => l.msg.startsWith('listening on '))!;
    expect(banner).toMatchObject({ level: 30, name: 'rpc-serve', pid: run.child.pid });
    expect(banner.methods).toContain('Arith.Multiply');
    expect(typeof banner.time).toBe('number');
    const address = /listening on (127\.0\.0\.1:\d+)/.exec(banner.msg)![1]!;

    const client = await dialHTTP(address);
    await client.call('Echo.Fail', 'x').catch(() => undefined);
    await client.close();
    await run.waitForOutput(/"msg":"rpc: connection closed"/, 5_000);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);

    const lines = jsonLines(run.stdout());
    expect(lines.find((l) => l.msg === 'rpc: connection opened')).toMatchObject({ level: 20, lib: 'netrpc', codec: 'msgpack' });
    const failed = lines.find((l) => l.msg === 'rpc: Echo.Fail failed: failed: x')!;
    expect(failed).toMatchObject({ level: 40, serviceMethod: 'Echo.Fail', err: { type: 'Error', message: 'failed: x' } });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['SIGTERM: shutting down (running calls get up to 10000 ms)', 'stopped']));
    expect(run.stderr()).toBe('');
  });

  it('leaves out lines below --log-level, and refuses unknown formats and levels with usage errors', async () => {
    const quiet = startCli('rpc-serve', ['--port', '0', '--log-format', 'json', '--log-level', 'warn']);
    const loud = startCli('rpc-serve', ['--port', '0', '--log-format', 'json']);
    await loud.waitForOutput(/"msg":"listening on /, 15_000);
    const address = /listening on (127\.0\.0\.1:\d+)/.exec(loud.stdout())![1]!;
    const client = await dialHTTP(address);
    await client.close();
    loud.child.kill('SIGTERM');
    expect(await loud.exited).toBe(0);
    expect(jsonLines(loud.stdout()).every((l) => l.level >= 30)).toBe(true); // info: no debug lines

    quiet.child.kill('SIGTERM');
    await quiet.exited;
    expect(quiet.stdout()).not.toContain('listening on');

    for (const [flag, value] of [['--log-format', 'yaml'], ['--log-level', 'loud']] as const) {
      const bad = startCli('rpc-serve', ['--port', '0', flag, value]);
      expect(await bad.exited).toBe(2);
      expect(bad.stderr()).toContain(`invalid ${flag} ${value}`);
    }
  });
});
