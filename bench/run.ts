/**
 * `npm run bench`: runs every subject in every scenario (client and server
 * in separate processes), then the memory and scaling measurements, and
 * writes bench/results/latest.json and latest.md.
 *
 * Flags: --quick (0.2 s warm-up, 0.5 s measured per run), --no-extras
 * (skip memory and scaling), --subjects=msgpack,go,... and
 * --scenarios=seq,... to run a subset.
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
import type { GoBinaries } from './subjects.js';
import { renderMarkdown, renderText } from './table.js';
import { checkTargets } from './targets.js';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))?.split('=')[1] ?? (argv.includes(`--${name}`) ? '' : undefined);
const quick = flag('quick') !== undefined;
const extras = flag('no-extras') === undefined;
const onlySubjects = flag('subjects')?.split(',');
const onlyScenarios = flag('scenarios')?.split(',');
const warmupMs = quick ? 200 : 1000;
const durationMs = quick ? 500 : 3000;
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
log(`netrpc bench: ${subjects.length} subjects × ${runScenarios.length} scenarios, warm-up ${warmupMs} ms + ${durationMs} ms each${extras ? ', then memory and scaling' : ''}`);

const rows: Row[] = [];
for (const subject of subjects) {
  const { server: serverCmd, client: clientCmd } = subject;
  if (typeof serverCmd === 'string' || typeof clientCmd === 'string') {
    const note = typeof serverCmd === 'string' ? serverCmd : (clientCmd as string);
    for (const s of runScenarios) rows.push({ subject: subject.name, key: subject.key, scenario: s.name, note });
    log(`${subject.name}: skipped (${note})`);
    continue;
  }
  let server: RunningServer | undefined;
  for (const s of runScenarios) {
    try {
      server ??= await startServer(serverCmd);
      const flags = toClientFlags({ addr: server.address, scenario: s.name, inflight: s.inflight, conns: s.conns, warmupMs, durationMs, codec: subject.codec });
      const cmd: Command = { file: clientCmd.file, args: [...clientCmd.args, ...flags] };
      const r = await runClient(cmd, warmupMs + durationMs + 60_000);
      const row: Row = {
        subject: subject.name,
        key: subject.key,
        scenario: s.name,
        callsPerSec: r.calls / r.seconds,
        p50: r.p50,
        p99: r.p99,
        mbPerSec: r.bytes > 0 ? r.bytes / r.seconds / 1e6 : undefined,
      };
      rows.push(row);
      log(`${s.name.padEnd(10)} ${subject.name.padEnd(26)} ${Math.round(row.callsPerSec!).toString().padStart(8)} calls/s  p50 ${r.p50.toFixed(0)} µs  p99 ${r.p99.toFixed(0)} µs${row.mbPerSec ? `  ${row.mbPerSec.toFixed(0)} MB/s` : ''}`);
    } catch (e) {
      rows.push({ subject: subject.name, key: subject.key, scenario: s.name, note: message(e).slice(0, 200) });
      log(`${s.name.padEnd(10)} ${subject.name.padEnd(26)} FAILED: ${message(e)}`);
      if (server && server.child.exitCode !== null) server = undefined; // restart it for the next scenario
    }
  }
  await server?.stop();
}
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

const report: Report = { machine, settings: { warmupMs, durationMs, quick }, rows, targets: checkTargets(rows), memory, scaling };
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('latest.json', dir), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(new URL('latest.md', dir), renderMarkdown(report));
process.stdout.write(`\n${renderText(report)}\n\nwrote bench/results/latest.json and bench/results/latest.md\n`);
