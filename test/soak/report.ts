/**
 * formatSoakReport renders a SoakResult as the small table `npm run soak`
 * prints; writeSoakJson stores the result as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { mib } from './run-soak.js';
import type { SoakResult } from './run-soak.js';

function rows(pairs: ReadonlyArray<readonly [string, string | number]>): string[] {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`);
}

/** formatSoakReport returns the printed summary, one line per fact. */
export function formatSoakReport(r: SoakResult): string {
  const t = r.totals;
  const m = r.memory;
  const errors = Object.entries(t.errors).sort(([a], [b]) => (a < b ? -1 : 1));
  const serverKinds = Object.entries(t.serverErrors).map(([k, v]) => `${k} ${v}`).join(', ');
  const f = r.faults;
  const lines = [
    `soak: ${r.options.clients} clients x ${r.options.lanes} in flight, msgpack/gob/json, ${(r.durationMs / 1000).toFixed(1)} s load (+${r.options.warmupSeconds} s warm-up), seed ${r.options.seed}`,
    ...rows([
      ['calls', `${t.calls} (${r.callsPerSecond}/s, ${mib(t.bytesSent)} of payload sent)`],
      ['slowest second', `${r.slowestSecondCalls} calls settled`],
      ['successes', t.successes],
      ...errors.map(([code, n]) => [`  ${code}`, code === 'RPC_SERVER_ERROR' ? `${n} (${serverKinds})` : n] as const),
      ['lost', t.lost],
      ['duplicated', t.duplicated],
      ['wrong replies', t.wrong],
      ['unexpected errors', t.unexpected],
      ['slowest settlement', `${t.maxSettleMs} ms`],
      ['faults injected', `${f.socketDestroys} socket destroys, ${f.proxyCuts} proxy resets, ${f.restarts} restarts, ${f.dials} dials (${f.dialFailures} failed)`],
      ['dial failures', Object.keys(f.dialErrors).length === 0 ? 'none' : Object.entries(f.dialErrors).map(([k, v]) => `${v}x ${k}`).join('; ')],
      ['slowest dial', `${f.maxDialMs} ms`],
      ['per-call options', `${f.timeouts} timeouts, ${f.signals} signals, ${f.failures} handler failures, ${f.delays} handler delays`],
      ['server rss', `before ${mib(m.before.rss)}, peak ${mib(m.peak.rss)}, after ${mib(m.after.rss)} (limit ${mib(m.rssLimit)})`],
      ['server heapUsed', `before ${mib(m.before.heapUsed)}, peak ${mib(m.peak.heapUsed)}, after ${mib(m.after.heapUsed)} (limit ${mib(m.heapLimit)})`],
      ['server arrayBuffers', `before ${mib(m.before.arrayBuffers)}, peak ${mib(m.peak.arrayBuffers)}, after ${mib(m.after.arrayBuffers)}`],
      ['memory returned', m.returned ? 'yes' : 'NO'],
      ['open connections after', r.connectionsAfter],
      ['handlers running after', `${r.handlersRunningAfter} (server saw ${r.serverHandlers.started} echo calls; aborted: ${JSON.stringify(r.serverHandlers.aborted)})`],
      ['fresh client after', r.freshClientOk ? 'ok' : 'FAILED'],
      ['server exit on SIGTERM', String(r.serverExitCode)],
    ]),
    r.ok ? 'soak: PASS' : `soak: FAIL\n${r.failures.map((x) => `  - ${x}`).join('\n')}`,
  ];
  if (t.samples.length > 0) lines.push('samples:', ...t.samples.map((s) => `  ${s}`));
  return lines.join('\n');
}

/** writeSoakJson writes the result to `path` (creating its folder). */
export function writeSoakJson(path: string, r: SoakResult): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(r, null, 2)}\n`);
}
