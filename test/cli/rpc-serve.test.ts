import { afterEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { startCli } from './cli-process.js';
import type { CliRun } from './cli-process.js';

const LISTENING = /listening on (127\.0\.0\.1:\d+)/;
let running: CliRun[] = [];

function serve(args: string[]): CliRun {
  const run = startCli('rpc-serve', args);
  running.push(run);
  return run;
}

afterEach(() => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  running = [];
});

describe('rpc-serve', () => {
  it('serves the demo services and lists them', async () => {
    const run = serve(['--port', '0']);
    const [, address] = await run.waitForOutput(LISTENING);
    expect(run.stdout()).toContain('default gob');
    for (const m of ['Arith.Multiply', 'Arith.Add', 'Arith.Divide', 'Echo.Echo', 'Echo.Upper', 'Echo.Sleep', 'Echo.Fail']) {
      expect(run.stdout()).toContain(`  ${m}\n`);
    }
    await using client = await dialHTTP(address!, { codec: 'msgpack' });
    expect(await client.call('Arith.Multiply', { A: 7, B: 8 })).toBe(56);
  });

  it('finishes a running call on SIGTERM, then exits 0', async () => {
    const run = serve(['--port', '0']);
    const [, address] = await run.waitForOutput(LISTENING);
    const client = await dialHTTP(address!, { codec: 'json' });
    const call = client.call('Echo.Sleep', 400);
    await new Promise((r) => setTimeout(r, 100));
    run.child.kill('SIGTERM');
    expect(await call).toBe(400);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('rpc-serve: stopped');
    await client.close();
  });

  it('serves the services a TypeScript module exports', async () => {
    const run = serve(['--port', '0', 'test/fixtures/user-services.ts']);
    const [, address] = await run.waitForOutput(LISTENING);
    expect(run.stdout()).toContain('  Greeter.Hello\n');
    expect(run.stdout()).toContain('  Counter.Next\n');
    expect(run.stdout()).not.toContain('Arith');
    await using client = await dialHTTP(address!);
    expect(await client.call('Greeter.Hello', 'go')).toBe('hello, go');
    expect(await client.call('Counter.Next')).toBe(1);
    expect(await client.call('Counter.Next')).toBe(2);
  });

  it("serves a JavaScript module's default export", async () => {
    const run = serve(['--port', '0', 'test/fixtures/default-services.mjs']);
    const [, address] = await run.waitForOutput(LISTENING);
    await using client = await dialHTTP(address!);
    expect(await client.call('Math.Square', 12)).toBe(144);
  });

  it('prints help and exits 0', async () => {
    const run = serve(['--help']);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('Usage: rpc-serve');
    expect(run.stdout()).toContain('--port');
  });

  it.each([
    [['--bogus'], /^rpc-serve: unknown option --bogus\n/],
    [['--port', 'abc'], /invalid --port/],
    [['--codec', 'xml'], /default codec xml/],
    [['test/fixtures/nothing-here.ts'], /nothing-here/],
    [['a.js', 'b.js'], /at most one MODULE/],
  ])('exits 2 on bad usage %j', async (args, message) => {
    const run = serve(args);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(message);
  });

  it('exits 1 when the port is taken', async () => {
    const first = serve(['--port', '0']);
    const [, address] = await first.waitForOutput(LISTENING);
    const second = serve(['--port', address!.split(':')[1]!]);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(/cannot listen/);
  });
});
