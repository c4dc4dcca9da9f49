import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { canConnect } from './ports.js';
import { requireTool } from './require-tool.js';

/** requireHaproxy resolves true when Debian's haproxy is installed (rejects in CI when it is not, see requireTool). */
export function requireHaproxy(): Promise<boolean> {
  return requireTool('haproxy', ['-v'], 'apt-get install -y haproxy');
}

/** TestHaproxy is a haproxy running in the foreground with a generated configuration. */
export interface TestHaproxy {
  readonly pid: number;
  /** What haproxy wrote so far (server state changes: `Server netrpc/rpc1 is DOWN, ...`). */
  log(): string;
  /** waitForLog resolves once the log matches `pattern` at least `count` times. */
  waitForLog(pattern: RegExp, count?: number, ms?: number): Promise<void>;
  /** stop ends haproxy by its pid and removes its files. */
  stop(): Promise<void>;
}

/** HaproxyConfigOptions shapes the generated configuration. */
export interface HaproxyConfigOptions {
  /** Take a backend out while `GET /readyz` does not answer 200 (else a TCP connect is the check). */
  readonly readyzCheck?: boolean;
}

/**
 * haproxyConfig is a TCP-mode, round-robin configuration whose frontend
 * binds 127.0.0.1:`port` and whose backends are `servers` (`host:port`),
 * checked every 200 ms, down after one failed check and up after one good one.
 */
export function haproxyConfig(port: number, servers: readonly string[], options: HaproxyConfigOptions = {}): string {
  return [
    'global',
    '  maxconn 2000',
    'defaults',
    '  mode tcp',
    '  timeout connect 500ms',
    '  timeout client 30s',
    '  timeout server 30s',
    '  retries 3',
    '  option redispatch',
    'frontend rpc',
    `  bind 127.0.0.1:${port}`,
    '  default_backend netrpc',
    'backend netrpc',
    '  balance roundrobin',
    ...(options.readyzCheck ? ['  option httpchk', '  http-check send meth GET uri /readyz ver HTTP/1.0', '  http-check expect status 200'] : []),
    ...servers.map((s, i) => `  server rpc${i + 1} ${s} check inter 200ms fall 1 rise 1`),
    '',
  ].join('\n');
}

/**
 * startHaproxy writes `config` (whose frontend binds 127.0.0.1:`port`) to a
 * temporary folder, runs `haproxy -f CONFIG -db` and resolves once the
 * frontend accepts connections.
 */
export async function startHaproxy(config: string, port: number): Promise<TestHaproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'netrpc-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const child: ChildProcess = spawn('haproxy', ['-f', file, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const onLog = (d: Buffer): void => void (log += d.toString());
  child.stdout!.on('data', onLog);
  child.stderr!.on('data', onLog);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const end = Date.now() + 10_000;
  while (!(await canConnect(`127.0.0.1:${port}`))) {
    if (child.exitCode !== null || Date.now() > end) {
      await stop();
      throw new Error(`haproxy did not start: ${log}`);
    }
    await sleep(50);
  }
  return {
    pid: child.pid!,
    log: () => log,
    async waitForLog(pattern, count = 1, ms = 10_000) {
      const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
      const until = Date.now() + ms;
      while ((log.match(global)?.length ?? 0) < count) {
        if (Date.now() > until) throw new Error(`haproxy did not log ${pattern} ${count} times: ${log}`);
        await sleep(20);
      }
    },
    stop,
  };
}
