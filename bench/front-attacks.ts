/**
 * Attacks on the front of a real `rpc-serve` process, with the numbers an
 * operator cares about: how long the server holds a socket it should let
 * go, its open descriptors and RSS (before, peak, after) around an attack,
 * and whether a normal client is served afterwards. Not part of
 * `npm run bench` or the tests; run it by hand:
 *
 *   node --import tsx bench/front-attacks.ts [--root DIR] [--only NAME]
 *
 * `--root` points at another checkout (to compare with older code); each
 * scenario starts its own server with rpc-serve's defaults and the flags
 * shown. Times are wall-clock on this machine, capped where the old code
 * never lets go.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import { parseArgs } from 'node:util';
import { dialHTTP } from '../src/client/dial-http.js';
import type { DialOptions } from '../src/client/dial-http.js';
import { makeTestPki } from '../test/support/tls-certs.js';
import type { TestPki } from '../test/support/tls-certs.js';

const { values } = parseArgs({ options: { root: { type: 'string', default: process.cwd() }, only: { type: 'string' } } });
const root = values.root!;

interface Served {
  readonly pid: number;
  readonly port: number;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * A preload that, on SIGUSR2, runs full GCs and prints the memory the
 * server still holds (JS heap + external buffers): RSS alone keeps pages
 * the allocator has not handed back, so it does not show what is held.
 * Two GCs a moment apart: native handles (sockets, write requests) are
 * released by the first and what they kept alive by the second.
 */
const gcPreload = join(mkdtempSync(join(tmpdir(), 'front-attacks-')), 'gc-on-signal.mjs');
writeFileSync(
  gcPreload,
  [
    "process.on('SIGUSR2', () => {",
    '  globalThis.gc();',
    '  setTimeout(() => {',
    '    globalThis.gc();',
    '    const m = process.memoryUsage();',
    '    process.stderr.write(`HELD ${m.heapUsed + m.external}\\n`);',
    '  }, 200);',
    '});',
    '',
  ].join('\n'),
);

async function rpcServe(args: readonly string[]): Promise<Served> {
  const node = ['--expose-gc', '--import', gcPreload, '--import', 'tsx'];
  const child = spawn(process.execPath, [...node, join(root, 'bin/rpc-serve.ts'), '--port', '0', ...args], { cwd: root, stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (?:https:\/\/)?127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`rpc-serve exited ${code}: ${err}`)));
  });
  return {
    pid: child.pid!,
    port,
    stderr: () => err,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

interface ProcStats {
  readonly fds: number;
  readonly rssMiB: number;
  readonly peakMiB: number;
  /** JS heap + external memory after a full GC (from collected() only). */
  readonly heldMiB?: number;
}

/** collected runs a full GC in the server and then reads its stats and the memory it still holds. */
async function collected(server: Served): Promise<ProcStats> {
  const seen = server.stderr().length;
  process.kill(server.pid, 'SIGUSR2');
  await sleep(500);
  const m = /HELD (\d+)/.exec(server.stderr().slice(seen));
  return { ...stats(server.pid), ...(m ? { heldMiB: Number(m[1]) / 2 ** 20 } : {}) };
}

function mib(n: number | undefined): string {
  return n === undefined ? '?' : n.toFixed(0);
}

function stats(pid: number): ProcStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)![1]) / 1024;
  return { fds: readdirSync(`/proc/${pid}/fd`).length, rssMiB: kib('VmRSS'), peakMiB: kib('VmHWM') };
}

/** untilFds polls the server's descriptors until at most `target`; the time it took, or undefined past `capMs`. */
async function untilFds(pid: number, target: number, capMs: number): Promise<number | undefined> {
  const t0 = performance.now();
  while (performance.now() - t0 < capMs) {
    if (stats(pid).fds <= target) return performance.now() - t0;
    await sleep(20);
  }
  return undefined;
}

function seconds(ms: number | undefined, capMs: number): string {
  return ms === undefined ? `not freed in ${capMs / 1000} s` : `${(ms / 1000).toFixed(2)} s`;
}

async function goodClient(port: number, dial: DialOptions = {}, host = '127.0.0.1'): Promise<string> {
  try {
    await using c = await dialHTTP(`${host}:${port}`, { connectTimeout: 5000, ...dial });
    return (await c.call('Arith.Add', { A: 1, B: 2 })) === 3 ? 'served' : 'wrong reply';
  } catch (err) {
    return `refused: ${(err as Error).message.slice(0, 90)}`;
  }
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    s.on('error', () => undefined);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

function answered(s: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    let got = '';
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) resolve();
    });
    s.once('close', () => resolve());
  });
}

const REFUSED_HEADS = ['CONNECT /nope HTTP/1.0\r\n\r\n', 'CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: nope\r\n\r\n', 'NOT HTTP\r\n\r\n'];

const report: Record<string, Record<string, string | number>> = {};

async function refusedFlood(): Promise<void> {
  const server = await rpcServe([]);
  const before = stats(server.pid);
  const total = 10_000;
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      const s = await connect(server.port);
      s.write(REFUSED_HEADS[i % REFUSED_HEADS.length]!);
      await answered(s);
      s.end('x'); // one more byte, then leave
    }
  };
  await Promise.all(Array.from({ length: 200 }, worker));
  const attackMs = performance.now() - t0;
  const base = await collected(server);
  await sleep(3000);
  const after = await collected(server);
  const probe = await connect(server.port);
  probe.write(REFUSED_HEADS[0]!);
  await answered(probe);
  probe.write('x'); // and stay
  const freed = await untilFds(server.pid, after.fds, 10_000);
  probe.destroy();
  report['1: 10 000 refused clients (404/415/400), each writes a byte and leaves'] = {
    'attack took': `${(attackMs / 1000).toFixed(1)} s`,
    'fds before / after': `${before.fds} / ${after.fds}`,
    'RSS MiB before / peak / after': `${before.rssMiB.toFixed(0)} / ${after.peakMiB.toFixed(0)} / ${after.rssMiB.toFixed(0)}`,
    'heap + buffers held MiB before / after (after a GC)': `${mib(base.heldMiB)} / ${mib(after.heldMiB)}`,
    'a normal client after': await goodClient(server.port),
    'one more refused peer that stays: freed after': seconds(freed, 10_000),
  };
  await server.stop();
}

function tlsPeer(port: number, pki: TestPki): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const tcp = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const s = tls.connect({ socket: tcp, servername: 'localhost', ca: pki.caCert, maxVersion: 'TLSv1.2' });
    s.on('error', () => undefined);
    s.once('secureConnect', () => resolve(s));
    s.once('error', reject);
  });
}

async function renegotiate(s: tls.TLSSocket, times: number): Promise<void> {
  for (let i = 0; i < times && !s.destroyed; i++) {
    const r = await Promise.race([
      new Promise<boolean>((resolve) => {
        if (!s.renegotiate({}, (err) => resolve(!err))) resolve(false);
      }),
      sleep(500).then(() => false),
    ]);
    if (!r) return;
  }
}

async function tlsAttacks(pki: TestPki): Promise<void> {
  const tlsArgs = ['--tls-cert', pki.files.serverCert, '--tls-key', pki.files.serverKey, '--max-connections', '5'];
  const dial: DialOptions = { tls: { ca: pki.caCert, servername: 'localhost' } };
  {
    const server = await rpcServe(tlsArgs);
    const before = stats(server.pid);
    const peers = await Promise.all(Array.from({ length: 5 }, () => tlsPeer(server.port, pki)));
    for (const p of peers) await renegotiate(p, 5);
    const freed = await untilFds(server.pid, before.fds, 5000);
    for (const p of peers) p.destroy();
    await sleep(1000);
    report['7a: --max-connections 5, five TLS peers renegotiate 5 times'] = {
      'freed while they stay': seconds(freed, 5000),
      'fds before / after they left': `${before.fds} / ${stats(server.pid).fds}`,
      'a normal client after they left': await goodClient(server.port, dial, 'localhost'),
    };
    await server.stop();
  }
  {
    const server = await rpcServe(tlsArgs);
    const before = stats(server.pid);
    const silent = await Promise.all(Array.from({ length: 5 }, () => connect(server.port)));
    const counted = await goodClient(server.port, dial, 'localhost');
    const freed = await untilFds(server.pid, before.fds + 0, 30_000);
    for (const s of silent) s.destroy();
    report['7b: --max-connections 5, five TCP connections to the TLS port that send nothing'] = {
      'a normal client meanwhile': counted,
      'silent handshakes freed after': seconds(freed, 30_000),
    };
    await server.stop();
  }
}

async function stuckWrites(): Promise<void> {
  const server = await rpcServe(['--idle-timeout', '2s']);
  const before = await collected(server);
  const peers: net.Socket[] = [];
  const freedAfter: string[] = [];
  // Three peers one after the other, each staying connected: what the server holds for them adds up unless it lets go.
  for (let round = 0; round < 3; round++) {
    const s = await connect(server.port);
    peers.push(s);
    s.pause(); // never reads
    // One call, read whole by the server: its 24 MiB reply sticks. Nothing follows it (not even a newline), so
    // nothing is left buffered to be taken for a slow message. JSON, because msgpack's encoder keeps a buffer the
    // size of the largest message it wrote, which would hide what the connection itself holds.
    s.write(`CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: json\r\n\r\n${JSON.stringify({ method: 'Echo.Echo', params: ['a'.repeat(24 * 1024 * 1024)], id: 1 })}`);
    freedAfter.push(seconds(await untilFds(server.pid, before.fds, 6000), 6000));
  }
  await sleep(500);
  const held = await collected(server);
  for (const s of peers) s.destroy();
  await sleep(500);
  const after = await collected(server);
  report['9: --idle-timeout 2s, three JSON peers in turn ask for a 24 MiB reply, never read, and stay'] = {
    'each freed after (from connecting)': freedAfter.join(', '),
    'RSS MiB before / with the 3 peers still there / peak / after they left': `${before.rssMiB.toFixed(0)} / ${held.rssMiB.toFixed(0)} / ${held.peakMiB.toFixed(0)} / ${after.rssMiB.toFixed(0)}`,
    'heap + buffers held MiB before / with the peers there / after they left (after a GC)': `${mib(before.heldMiB)} / ${mib(held.heldMiB)} / ${mib(after.heldMiB)}`,
    'fds before / with the peers there / after': `${before.fds} / ${held.fds} / ${after.fds}`,
  };
  await server.stop();
}

async function pipelining(): Promise<void> {
  const server = await rpcServe(['--idle-timeout', '1s', '--max-in-flight', '1']);
  await using c = await dialHTTP(`127.0.0.1:${server.port}`, { timeout: 20_000 });
  const results = await Promise.allSettled(Array.from({ length: 3 }, () => c.call('Echo.Sleep', 1500)));
  report['10: --idle-timeout 1s --max-in-flight 1, a client sends 3 calls of 1.5 s at once'] = {
    'calls answered': `${results.filter((r) => r.status === 'fulfilled').length} of 3`,
    'first failure': results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason?.message ?? 'none',
  };
  await server.stop();
}

async function httpTrickle(): Promise<void> {
  const server = await rpcServe([]);
  const before = stats(server.pid);
  const s = await connect(server.port);
  s.write('GET /debug/rpc HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
  await sleep(300);
  const follow = `GET /debug/rpc HTTP/1.1\r\nHost: x\r\n${'X-Slow: 1\r\n'.repeat(20)}\r\n`;
  let i = 0;
  const t = setInterval(() => !s.destroyed && i < follow.length && s.write(follow[i++]!), 2000);
  const freed = await untilFds(server.pid, before.fds, 40_000);
  clearInterval(t);
  s.destroy();
  report['11: keep-alive follow-up head, one byte every 2 s'] = { 'socket freed after': seconds(freed, 40_000) };
  await server.stop();
}

async function timerWarnings(): Promise<void> {
  const server = await rpcServe([]);
  await using c = await dialHTTP(`127.0.0.1:${server.port}`, { timeout: 5000 });
  const t0 = performance.now();
  const results = await Promise.allSettled(Array.from({ length: 100 }, () => c.call('Echo.Sleep', 2 ** 31)));
  await sleep(200);
  report['13: 100 calls of Echo.Sleep(2^31)'] = {
    'TimeoutOverflowWarning lines on stderr': (server.stderr().match(/TimeoutOverflowWarning/g) ?? []).length,
    'answered as': results[0]!.status === 'fulfilled' ? `${String(results[0]!.value)} (slept 1 ms)` : (results[0] as PromiseRejectedResult).reason.message,
    took: `${(performance.now() - t0).toFixed(0)} ms`,
  };
  await server.stop();
}

const pki = await makeTestPki();
const scenarios: Record<string, () => Promise<void>> = {
  refused: refusedFlood,
  tls: () => tlsAttacks(pki),
  stuck: stuckWrites,
  pipelining,
  http: httpTrickle,
  timers: timerWarnings,
};
for (const [name, run] of Object.entries(scenarios)) {
  if (values.only && values.only !== name) continue;
  await run();
}
for (const [scenario, rows] of Object.entries(report)) {
  process.stdout.write(`\n${scenario}\n`);
  for (const [k, v] of Object.entries(rows)) process.stdout.write(`  ${k}: ${v}\n`);
}
process.exit(0);
