import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { freePort } from '../helpers.js';
import { commandLine, descendants, isRunning, portIsFree, waitUntil } from '../support/process-tree.js';
import { repoRoot } from './cli-process.js';

/** NpmRun is `npm start` running, as a supervisor sees it: one process to signal. */
interface NpmRun {
  readonly npm: ChildProcess;
  output(): string;
  exited: Promise<number | string>;
}

function npmStart(cwd: string, args: readonly string[]): NpmRun {
  // The supervisor's view: it starts npm and signals npm's process, nothing else.
  const npm = spawn('npm', ['start', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
  let out = '';
  npm.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  npm.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  // 'close': npm has exited and every process that shared its stdout (rpc-serve) has closed it.
  const exited = new Promise<number | string>((resolve) => npm.on('close', (code, signal) => resolve(code ?? signal ?? -1)));
  return { npm, output: () => out, exited };
}

/** A project whose start script runs rpc-serve, written `prefix` rpc-serve. */
function projectWithStartScript(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'netrpc-npm-start-'));
  const script = `${prefix}node ${JSON.stringify(join(repoRoot, 'dist/bin/rpc-serve.js'))}`;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, scripts: { start: script } }, null, 2));
  return dir;
}

/**
 * npm passes SIGTERM and SIGINT to the shell that runs the script. A shell
 * waiting for a command exits on SIGTERM, leaving the command running; on
 * SIGINT it waits for the command, which never got the signal. This
 * repository's start script `exec`s rpc-serve, so npm's signal reaches it;
 * a start script without exec relies on rpc-serve noticing that the shell
 * exited, which covers SIGTERM.
 */
const CASES = [
  ["this repository's npm start", () => ({ cwd: repoRoot, args: ['--ignore-scripts', '--'] }), ['SIGTERM', 'SIGINT']],
  ['a start script `exec node .../rpc-serve.js`', () => ({ cwd: projectWithStartScript('exec '), args: ['--'] }), ['SIGTERM', 'SIGINT']],
  ['a start script `node .../rpc-serve.js` (no exec)', () => ({ cwd: projectWithStartScript(''), args: ['--'] }), ['SIGTERM']],
] as const;

/** A service whose call says on stdout when it has started, so the signal is sent while it runs. */
function slowService(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'netrpc-slow-')), 'slow.mjs');
  writeFileSync(
    file,
    "export const Slow = {\n  async Sleep(ms) {\n    process.stdout.write('call started\\n');\n    await new Promise((r) => setTimeout(r, ms));\n    return ms;\n  },\n};\n",
  );
  return file;
}

describe.each(CASES)('%s under a supervisor', (_name, project, signals) => {
  it.each(signals)('%s to the npm process drains and stops the server and frees the port', async (signal) => {
    const { cwd, args } = project();
    const port = await freePort();
    const run = npmStart(cwd, [...args, '--port', String(port), slowService()]);
    try {
      await waitUntil(() => run.output().includes(`listening on 127.0.0.1:${port}`), 20_000, `npm start listens on ${port}:\n${run.output()}`);
      const server = descendants(run.npm.pid!).find((pid) => commandLine(pid)?.includes('rpc-serve.js'));
      expect(server, 'the rpc-serve process under npm').toBeDefined();
      const client = await dialHTTP(`127.0.0.1:${port}`, { codec: 'msgpack' });
      const running = client.call('Slow.Sleep', 600);
      await waitUntil(() => run.output().includes('call started'), 10_000, 'the call runs');
      process.kill(run.npm.pid!, signal);
      expect(await running).toBe(600); // drained: the running call finished
      await client.close();
      await waitUntil(() => !isRunning(server!), 15_000, `rpc-serve (pid ${server}) exits:\n${run.output()}`);
      expect(await portIsFree(port)).toBe(true);
      await run.exited;
      expect(run.output()).toContain('rpc-serve: stopped');
    } finally {
      for (const pid of [...descendants(run.npm.pid!), run.npm.pid!]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }, 40_000);
});
