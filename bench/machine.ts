import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Machine } from './report.js';

/** describeMachine collects the CPU model, core count, Node and Go versions, date and load. */
export function describeMachine(go: string | undefined): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1]!.trim();
  } catch {
    // not Linux: keep os.cpus()'s model
  }
  return {
    cpu,
    cores: cpus().length,
    node: process.version,
    go: go ?? 'go not installed',
    date: new Date().toISOString(),
    loadAvgAtStart: loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

/** openFilesLimit reads this process's soft limit on open files from /proc (undefined elsewhere). */
export function openFilesLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!m) return undefined;
    return m[1] === 'unlimited' ? Infinity : Number(m[1]);
  } catch {
    return undefined;
  }
}

/** rssBytes reads a process's resident set size from /proc/<pid>/status. */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}
