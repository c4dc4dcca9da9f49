/**
 * `npm run bench`: runs every subject in every scenario (client and server
 * in separate processes), then the memory and scaling measurements, and
 * writes bench/results/latest.json and latest.md.
 *
 * Flags: --quick (one round of 0.2 s warm-up + 0.5 s measured per run),
 * --rounds=N (default 3 rounds of 0.5 s + 1.5 s; each row is the median
 * round), --no-extras (skip memory and scaling), --subjects=msgpack,go,...
 * and --scenarios=seq,... to run a subset.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { toClientFlags } from './client-args.js';
import { buildBenchProgram, goVersion } from './go-build.js';
import { describeMachine } from './machine.js';
import { measureMemory } from './memory.js';
import { runClient, startServer } from './process.js';
import type { Command, RunningServer } from './process.js';
import { addRatios } from './report.js';
import type { MemoryReport, Report, Row, ScalingPoint } from './report.js';
import { measureScaling } from './scaling.js';
import { scenarios } from './scenarios.js';
import { buildSubjects } from './subjects.js';
import type { GoBinaries, Subject } from './subjects.js';
import { renderMarkdown, renderText } from './table.js';
import { checkTargets } from './targets.js';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))?.split('=')[1] ?? (argv.includes(`--${name}`) ? '' : undefined);
const quick = flag('quick') !== undefined;
const extras = flag('no-extras') === undefined;
const onlySubjects = flag('subjects')?.split(',');
const onlyScenarios = flag('scenarios')?.split(',');
const warmupMs = quick ? 200 : 500;
const durationMs = quick ? 500 : 1500;
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const goVer = await goVersion();
const machine = describeMachine(goVer);
let go: GoBinaries = 'go not installed';
if (goVer) {
  try {
    const [server, client] = await Promise.all([buildBenchProgram('benchserver'), buildBenchProgram('benchclient')]);
    go = { server, client };
  } catch (e) {
    go = `go build failed: ${message(e).split('\n')[0]}`;
  }
}

const subjects = buildSubjects(go).filter((s) => !onlySubjects || onlySubjects.includes(s.key));
const runScenarios = scenarios.filter((s) => !onlyScenarios || onlyScenarios.includes(s.name));
log(`netrpc bench: ${subjects.length} subjects × ${runScenarios.length} scenarios × ${flag('rounds') ?? (quick ? 1 : 3)} rounds, warm-up ${warmupMs} ms + ${durationMs} ms each${extras ? ', then memory and scaling' : ''}`);

/**
 * Runs are interleaved: every server starts first, then each scenario runs
 * `rounds` times, visiting the subjects in a rotated order each round, and
 * each row keeps the run with the median calls/s. A shared machine slows
 * down and speeds up over minutes; interleaving spreads that over every
 * subject instead of penalising whichever ran during a slow spell.
 */
const rounds = Number(flag('rounds') ?? (quick ? 1 : 3));
/** runsIn reports whether a subject runs in a scenario (the instrumented one runs only in some). */
const runsIn = (subject: Subject, scenario: string): boolean => !subject.scenarios || subject.scenarios.includes(scenario);
const rows: Row[] = [];
const servers = new Map<string, RunningServer>();
const runnable = subjects.filter((subject) => {
  const { server: serverCmd, client: clientCmd } = subject;
  if (typeof serverCmd !== 'string' && typeof clientCmd !== 'string') return true;
  const note = typeof serverCmd === 'string' ? serverCmd : (clientCmd as string);
  for (const s of runScenarios) if (runsIn(subject, s.name)) rows.push({ subject: subject.name, key: subject.key, scenario: s.name, note });
  log(`${subject.name}: skipped (${note})`);
  return false;
});
for (const subject of runnable) {
  try {
    servers.set(subject.key, await startServer(subject.server as Command));
  } catch (e) {
    for (const s of runScenarios) if (runsIn(subject, s.name)) rows.push({ subject: subject.name, key: subject.key, scenario: s.name, note: message(e).slice(0, 200) });
    log(`${subject.name}: server failed to start: ${message(e)}`);
  }
}
const started = runnable.filter((s) => servers.has(s.key));
for (const s of runScenarios) {
  const samples = new Map<string, Row[]>();
  const failures = new Map<string, string>();
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < started.length; i++) {
      const subject = started[(i + round) % started.length]!;
      if (failures.has(subject.key) || !runsIn(subject, s.name)) continue;
      const server = servers.get(subject.key)!;
      const clientCmd = subject.client as Command;
      try {
        const flags = toClientFlags({ addr: server.address, scenario: s.name, inflight: s.inflight, conns: s.conns, warmupMs, durationMs, codec: subject.codec });
        const r = await runClient({ file: clientCmd.file, args: [...clientCmd.args, ...flags] }, warmupMs + durationMs + 60_000);
        const row: Row = {
          subject: subject.name,
          key: subject.key,
          scenario: s.name,
          callsPerSec: r.calls / r.seconds,
          p50: r.p50,
          p99: r.p99,
          mbPerSec: r.bytes > 0 ? r.bytes / r.seconds / 1e6 : undefined,
        };
        samples.set(subject.key, [...(samples.get(subject.key) ?? []), row]);
        log(`${s.name.padEnd(10)} ${subject.name.padEnd(26)} ${Math.round(row.callsPerSec!).toString().padStart(8)} calls/s  p50 ${r.p50.toFixed(0)} µs  p99 ${r.p99.toFixed(0)} µs${row.mbPerSec ? `  ${row.mbPerSec.toFixed(0)} MB/s` : ''}  (round ${round + 1}/${rounds})`);
      } catch (e) {
        failures.set(subject.key, message(e).slice(0, 200));
        log(`${s.name.padEnd(10)} ${subject.name.padEnd(26)} FAILED: ${message(e)}`);
      }
    }
  }
  for (const subject of started) {
    if (!runsIn(subject, s.name)) continue;
    const runs = (samples.get(subject.key) ?? []).sort((a, b) => a.callsPerSec! - b.callsPerSec!);
    const median = runs[Math.floor(runs.length / 2)];
    if (median) rows.push(median);
    else rows.push({ subject: subject.name, key: subject.key, scenario: s.name, note: failures.get(subject.key) ?? 'no result' });
  }
}
for (const server of servers.values()) await server.stop();
// Group by scenario for the table.
rows.sort((a, b) => runScenarios.findIndex((s) => s.name === a.scenario) - runScenarios.findIndex((s) => s.name === b.scenario));
addRatios(rows);

let memory: MemoryReport | { error: string } | undefined;
let scaling: ScalingPoint[] | { error: string } | undefined;
if (extras) {
  log('memory: 10,000 idle msgpack connections on one netrpc server ...');
  memory = await measureMemory().catch((e: unknown) => ({ error: message(e) }));
  if ('error' in memory) log(`memory: FAILED: ${memory.error}`);
  else log(`memory: ${memory.connections} connections, RSS ${memory.baselineRssMiB.toFixed(1)} → ${memory.withConnsRssMiB.toFixed(1)} MiB, ${memory.perConnKiB.toFixed(2)} KiB per connection`);
  log('scaling: netrpc msgpack, 1 connection ...');
  scaling = await measureScaling(quick ? 200 : 500, quick ? 300 : 1500, log).catch((e: unknown) => ({ error: message(e) }));
}

const report: Report = { machine, settings: { warmupMs, durationMs, quick, rounds }, rows, targets: checkTargets(rows), memory, scaling };
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('latest.json', dir), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(new URL('latest.md', dir), renderMarkdown(report));
process.stdout.write(`\n${renderText(report)}\n\nwrote bench/results/latest.json and bench/results/latest.md\n`);
