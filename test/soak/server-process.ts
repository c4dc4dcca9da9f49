/**
 * ServerProcess starts test/soak/soak-server.ts in its own Node process
 * (with `--expose-gc`) and talks to it from the outside: its memory and
 * handler counters over a direct RPC connection, its open connections
 * over the debug page's JSON.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { dialHTTP } from '../../src/index.js';
import type { ServerReport } from '../../src/index.js';
import type { HandlerStats, MemorySample } from './echo-args.js';

/** ServerProcess is a running soak server; see the module comment. */
export class ServerProcess {
  /** `host:port` it listens on. */
  readonly address: string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private readonly readStderr: () => string;

  private constructor(address: string, child: ChildProcess, exited: Promise<number | null>, readStderr: () => string) {
    this.address = address;
    this.child = child;
    this.exited = exited;
    this.readStderr = readStderr;
  }

  /** stderrText is what the server wrote to stderr so far. */
  get stderrText(): string {
    return this.readStderr();
  }

  /** start spawns the server and resolves once it prints `listening HOST:PORT`; `leak` passes `--leak` (self-test of the memory check). */
  static start(handlerTimeoutMs: number, leak = false): Promise<ServerProcess> {
    const script = fileURLToPath(new URL('./soak-server.ts', import.meta.url));
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, '--handler-timeout', String(handlerTimeoutMs), ...(leak ? ['--leak'] : [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`soak server did not start: ${out}${err}`));
      }, 30_000);
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening (\S+:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(new ServerProcess(m[1]!, child, exited, () => err));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`soak server exited (${code}) before listening: ${err.trim().split('\n').slice(-5).join(' | ')}`));
      });
    });
  }

  /** memory asks the server for its memory; with `gc` it runs full collections first and returns the lowest of `samples` readings. */
  async memory(gc: boolean, samples = 1): Promise<MemorySample> {
    const client = await dialHTTP(this.address, { codec: 'msgpack', timeout: 30_000 });
    try {
      let best: MemorySample | undefined;
      for (let i = 0; i < samples; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 300));
        const m = await client.call<MemorySample>('Soak.Memory', { Gc: gc });
        best = best === undefined ? m : minSample(best, m);
      }
      return best!;
    } finally {
      await client.close();
    }
  }

  /** stats returns the server's handler counters. */
  async stats(): Promise<HandlerStats> {
    const client = await dialHTTP(this.address, { codec: 'msgpack', timeout: 10_000 });
    try {
      return await client.call<HandlerStats>('Soak.Stats', null);
    } finally {
      await client.close();
    }
  }

  /** report fetches `/debug/rpc?format=json`. */
  report(): Promise<ServerReport> {
    return new Promise((resolve, reject) => {
      const req = http.get(`http://${this.address}/debug/rpc?format=json`, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body) as ServerReport);
          } catch (e) {
            reject(new Error(`debug page: status ${res.statusCode}, not JSON: ${body.slice(0, 200)} (${String(e)})`));
          }
        });
      });
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error('debug page timed out')));
    });
  }

  /** waitForConnections polls the debug page until it reports `n` open connections or `timeoutMs` passes; returns the last count. */
  async waitForConnections(n: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { connections } = await this.report();
      if (connections === n || Date.now() > deadline) return connections;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** stop sends SIGTERM (SIGKILL after 5 s) and resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      const code = await this.exited;
      clearTimeout(t);
      return code;
    }
    return this.child.exitCode;
  }
}

function minSample(a: MemorySample, b: MemorySample): MemorySample {
  return {
    rss: Math.min(a.rss, b.rss),
    heapUsed: Math.min(a.heapUsed, b.heapUsed),
    heapTotal: Math.min(a.heapTotal, b.heapTotal),
    external: Math.min(a.external, b.external),
    arrayBuffers: Math.min(a.arrayBuffers, b.arrayBuffers),
  };
}
