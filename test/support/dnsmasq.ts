import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { requireTool } from './require-tool.js';

/** DNSMASQ is Debian's dnsmasq binary. */
export const DNSMASQ = '/usr/sbin/dnsmasq';

/** requireDnsmasq resolves true when dnsmasq is installed (rejects in CI when it is not, see requireTool). */
export function requireDnsmasq(): Promise<boolean> {
  return requireTool(DNSMASQ, ['--version'], 'apt-get install -y dnsmasq');
}

/** DnsRecords are what the test DNS server answers: host lines (`ip name`) and SRV records. */
export interface DnsRecords {
  /** name → addresses (A/AAAA). */
  readonly hosts: Readonly<Record<string, readonly string[]>>;
  /** SRV records: `name` → targets with ports (read at start only: dnsmasq reloads hosts, not SRV, on SIGHUP). */
  readonly srv?: Readonly<Record<string, readonly { target: string; port: number }[]>>;
}

/** TestDns is a dnsmasq answering on a loopback UDP port for names under `.test`. */
export interface TestDns {
  /** `127.0.0.1:PORT`, for `dns://SERVER:PORT/...` addresses. */
  readonly server: string;
  readonly pid: number;
  /** setHosts rewrites the host records, SIGHUPs dnsmasq and resolves once it has re-read them. */
  setHosts(hosts: DnsRecords['hosts']): Promise<void>;
  /** stop ends dnsmasq (by its pid) and removes its files. */
  stop(): Promise<void>;
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = dgram.createSocket('udp4');
    probe.once('error', reject);
    probe.bind(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function tcpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** freeDnsPort is a loopback port free for UDP and for TCP, both of which dnsmasq binds. */
async function freeDnsPort(): Promise<number> {
  for (let i = 0; ; i++) {
    const port = await freeUdpPort();
    if ((await tcpPortFree(port)) || i >= 20) return port;
  }
}

function hostsText(hosts: DnsRecords['hosts']): string {
  return Object.entries(hosts).flatMap(([name, ips]) => ips.map((ip) => `${ip} ${name}\n`)).join('');
}

/**
 * startDnsmasq runs dnsmasq in the foreground on a free loopback port,
 * authoritative for `.test` (unknown names get NXDOMAIN, not a forward),
 * answering host records with TTL `ttlSeconds`. It resolves once dnsmasq
 * answers.
 */
export async function startDnsmasq(records: DnsRecords, ttlSeconds = 1): Promise<TestDns> {
  const dir = mkdtempSync(join(tmpdir(), 'netrpc-dns-'));
  const hostsFile = join(dir, 'hosts');
  writeFileSync(hostsFile, hostsText(records.hosts), { mode: 0o644 });
  const port = await freeDnsPort();
  const srvArgs = Object.entries(records.srv ?? {}).flatMap(([name, targets]) => targets.map((t) => `--srv-host=${name},${t.target},${t.port}`));
  const child: ChildProcess = spawn(
    DNSMASQ,
    [
      '--no-daemon', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', `--addn-hosts=${hostsFile}`,
      `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--local=/test/',
      `--local-ttl=${ttlSeconds}`, `--pid-file=${join(dir, 'dnsmasq.pid')}`, `--user=${userInfo().username}`, ...srvArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  const waiters = new Set<() => void>();
  child.stderr!.on('data', (d: Buffer) => {
    log += d.toString();
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const reads = (): number => log.split(`read ${hostsFile}`).length - 1;
  const waitForReads = (n: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`dnsmasq did not read its hosts file: ${log}`));
      }, 10_000);
      const check = (): void => {
        if (reads() < n) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  const server = `127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForReads(1);
    // Reading the file is logged before the socket answers on a loaded machine: ask until it does.
    const resolver = new Resolver({ timeout: 500, tries: 1 });
    resolver.setServers([server]);
    for (let i = 0; ; i++) {
      try {
        await resolver.resolve4('ready.probe.test');
        break;
      } catch (err) {
        if ((err as { code?: string }).code === 'ENOTFOUND') break; // an NXDOMAIN answer: it is up
        if (i > 40) throw err;
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    server,
    pid: child.pid!,
    async setHosts(hosts) {
      const before = reads();
      writeFileSync(hostsFile, hostsText(hosts));
      process.kill(child.pid!, 'SIGHUP');
      await waitForReads(before + 1);
    },
    stop,
  };
}
