import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { waitFor } from './wait-for.js';

/** The parent of every process, read from /proc (Linux). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name (field 2) is in parentheses and may hold spaces; the parent pid follows the closing one.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(entry), Number(fields[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** commandLine is a running process's argv joined by spaces, or undefined once it has ended. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/** descendants lists the processes below `pid` (children, their children, ...). */
export function descendants(pid: number): number[] {
  const byParent = parents();
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const [child, parent] of byParent) {
      if (parent === p) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

/** isRunning reports whether `pid` is alive and not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** waitUntil polls `test` every 50 ms until it holds, or rejects after `ms` with `what`. */
export function waitUntil(test: () => boolean, ms: number, what: string): Promise<void> {
  return waitFor(test, ms, { what, everyMs: 50 });
}

/** portIsFree resolves true when a server can listen on 127.0.0.1:`port` again. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
