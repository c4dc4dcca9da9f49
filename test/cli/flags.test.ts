import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { repoRoot, startCli } from './cli-process.js';
import type { CliRun } from './cli-process.js';

const LISTENING = /listening on (127\.0\.0\.1:\d+)/;
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
let running: CliRun[] = [];

function cli(name: string, args: string[]): CliRun {
  const run = startCli(name, args);
  running.push(run);
  return run;
}

async function finished(name: string, args: string[]): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const run = cli(name, args);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

afterEach(() => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  running = [];
});

describe.each(['rpc-serve', 'rpc-call'])('%s', (name) => {
  it('prints its version with --version and exits 0', async () => {
    const r = await finished(name, ['--version']);
    expect(r).toEqual({ code: 0, stdout: `${name} ${version} (node ${process.version})\n`, stderr: '' });
  });

  it('answers an unknown flag with one line and a hint, not the whole usage', async () => {
    const r = await finished(name, ['--tiemout', '1s', '127.0.0.1:1', 'A.B']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${name}: unknown option --tiemout${name === 'rpc-call' ? ' (did you mean --timeout?)' : ''}\nRun '${name} --help' for usage.\n`);
    const far = await finished(name, ['--zzzzzzzz']);
    expect(far.stderr).toBe(`${name}: unknown option --zzzzzzzz\nRun '${name} --help' for usage.\n`);
  });
});

describe('rpc-serve duration and size flags', () => {
  it("takes Go's duration grammar in every duration flag", async () => {
    const run = cli('rpc-serve', ['--port', '0', '--grace', '1m30s', '--handler-timeout', '0.25s', '--idle-timeout', '1h2m3.5s']);
    const [, address] = await run.waitForOutput(LISTENING);
    await using client = await dialHTTP(address!, { codec: 'msgpack' });
    await expect(client.call('Echo.Sleep', 5000)).rejects.toThrow('rpc: Echo.Sleep timed out after 250 ms');
    run.child.kill('SIGTERM');
    await run.waitForOutput(/running calls get up to 90000 ms/);
    expect(await run.exited).toBe(0);
  });

  it('takes --max-message with a unit and enforces it', async () => {
    const run = cli('rpc-serve', ['--port', '0', '--max-message', '1KiB']);
    const [, address] = await run.waitForOutput(LISTENING);
    const client = await dialHTTP(address!, { codec: 'msgpack' });
    expect(await client.call('Echo.Echo', 'x'.repeat(900))).toHaveLength(900);
    await expect(client.call('Echo.Echo', 'x'.repeat(1100))).rejects.toMatchObject({ code: expect.stringMatching(/^RPC_/) });
    await client.close();
    const fresh = await dialHTTP(address!, { codec: 'msgpack' });
    expect(await fresh.call('Echo.Echo', 'y'.repeat(1000))).toHaveLength(1000);
    await fresh.close();
  });

  it.each([['64MB'], ['512KiB'], ['65536'], ['1.5MiB']])('accepts --max-message %s', async (size) => {
    const run = cli('rpc-serve', ['--port', '0', '--max-message', size]);
    await run.waitForOutput(LISTENING);
  });

  it.each([
    [['--grace', '500'], '--grace: missing unit in duration "500"; want a duration such as 500ms, 10s, 1m30s'],
    [['--grace=-1s'], '--grace: negative duration "-1s"; want 0 or more'],
    [['--grace', '-1s'], "--grace needs a value (for a value starting with '-', write --grace=-1s)"],
    [['--handler-timeout', '5x'], '--handler-timeout: unknown unit "x" in duration "5x"; want a duration such as 500ms, 10s, 1m30s'],
    [['--idle-timeout', 'soon'], '--idle-timeout: invalid duration "soon"; want a duration such as 500ms, 10s, 1m30s'],
    [['--idle-timeout', '1000h'], '--idle-timeout: duration "1000h" is too long; at most 596h31m23.647s'],
    [['--max-message', '10M'], /^--max-message: unknown unit "M" in size "10M"; use B, kB, MB, GB, TB \(powers of 1000\) or KiB, MiB, GiB, TiB \(powers of 1024\)$/],
    [['--max-message', '1.5B'], '--max-message: size "1.5B" is not a whole number of bytes'],
    [['--max-message', '0'], '--max-message: size must be more than 0 bytes'],
  ])('refuses %j in one line', async (args, reason) => {
    const r = await finished('rpc-serve', ['--port', '0', ...args]);
    expect(r.code).toBe(2);
    const [first, hint, ...rest] = r.stderr.split('\n');
    expect(first!.replace(/^rpc-serve: /, '')).toMatch(typeof reason === 'string' ? new RegExp(`^${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : reason);
    expect([hint, ...rest]).toEqual(["Run 'rpc-serve --help' for usage.", '']);
  });
});

describe('rpc-call --timeout', () => {
  it("takes Go's duration grammar", async () => {
    const server = cli('rpc-serve', ['--port', '0']);
    const [, address] = await server.waitForOutput(LISTENING);
    expect(await finished('rpc-call', ['--timeout', '1m30s', address!, 'Echo.Upper', '"go"'])).toEqual({ code: 0, stdout: '"GO"\n', stderr: '' });
    const slow = await finished('rpc-call', ['--timeout', '0.2s', address!, 'Echo.Sleep', '5000']);
    expect(slow.code).toBe(3);
    expect(slow.stderr).toMatch(/timed out after 200 ms/);
  });

  it.each([
    [['--timeout', '500'], '--timeout: missing unit in duration "500"; want a duration such as 500ms, 10s, 1m30s'],
    [['--timeout=-2s'], '--timeout: negative duration "-2s"; want 0 or more'],
  ])('refuses %j in one line', async (args, reason) => {
    const r = await finished('rpc-call', [...args, '127.0.0.1:1', 'A.B']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `rpc-call: ${reason}\nRun 'rpc-call --help' for usage.\n` });
  });
});
