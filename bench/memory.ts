import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { openFilesLimit, rssBytes } from './machine.js';
import { nodeScript, startServer } from './process.js';
import type { MemoryReport } from './report.js';

/** Holds `count` connections from one client process; resolves when they are all open. */
function openIdle(addr: string, count: number): Promise<{ stop: () => void }> {
  const cmd = nodeScript('./clients/idle-conns.ts', [`-addr=${addr}`, `-count=${count}`]);
  const child = spawn(cmd.file, cmd.args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve({ stop: () => child.stdin.end() });
    });
    child.once('exit', (code) => reject(new Error(`idle client exited (${code}): ${err.split('\n').filter((l) => l && !/^\s+at /.test(l)).slice(-2).join(' | ')}`)));
  });
}

/**
 * measureMemory starts a netrpc server process, reads its RSS at rest
 * (after one warm-up connection), then with `total` idle msgpack
 * connections held by two client processes, and reports the
 * per-connection overhead. The count is lowered to fit `ulimit -n`.
 */
export async function measureMemory(total = 10_000): Promise<MemoryReport> {
  const limit = openFilesLimit() ?? 1024;
  let note: string | undefined;
  let conns = total;
  if (limit < total + 200) {
    conns = Math.max(100, Math.floor((limit - 200) / 100) * 100);
    note = `ulimit -n is ${limit}: measured ${conns} connections instead of ${total} (raise it with ulimit -n)`;
  }
  const server = await startServer(nodeScript('./servers/netrpc-server.ts'));
  const held: Array<{ stop: () => void }> = [];
  try {
    const warm = await openIdle(server.address, 10);
    warm.stop();
    await sleep(1500);
    const baseline = rssBytes(server.child.pid!);
    const half = Math.ceil(conns / 2);
    held.push(...(await Promise.all([openIdle(server.address, half), openIdle(server.address, conns - half)])));
    await sleep(2000);
    const withConns = rssBytes(server.child.pid!);
    return {
      connections: conns,
      baselineRssMiB: baseline / 2 ** 20,
      withConnsRssMiB: withConns / 2 ** 20,
      perConnKiB: (withConns - baseline) / conns / 1024,
      note,
    };
  } finally {
    for (const h of held) h.stop();
    await server.stop();
  }
}
