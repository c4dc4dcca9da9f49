import type { Report, Row } from './report.js';

const HEADERS = ['scenario', 'subject', 'calls/s', 'p50 µs', 'p99 µs', 'MB/s', '×Go', '×floor', '×grpc-js', '×ws', 'note'];

const int = (n: number | undefined): string => (n === undefined ? '' : Math.round(n).toLocaleString('en-US'));
const ratio = (n: number | undefined): string => (n === undefined ? '' : `${n.toFixed(2)}×`);
const mark = (met: boolean | undefined): string => (met === undefined ? 'n/a' : met ? 'met' : 'MISSED');

function rowCells(r: Row): string[] {
  return [r.scenario, r.subject, int(r.callsPerSec), int(r.p50), int(r.p99), r.mbPerSec === undefined ? '' : r.mbPerSec.toFixed(0), ratio(r.vsGo), ratio(r.vsFloor), ratio(r.vsGrpc), ratio(r.vsWs), r.note ?? ''];
}

function textTable(headers: readonly string[], rows: readonly string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i >= 2 && i < headers.length - 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function mdTable(headers: readonly string[], rows: readonly string[][]): string {
  const esc = (c: string): string => c.replace(/\|/g, '\\|');
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function sections(report: Report): Array<{ title: string; headers: string[]; rows: string[][]; text?: string }> {
  const out: Array<{ title: string; headers: string[]; rows: string[][]; text?: string }> = [];
  out.push({ title: 'Throughput and latency', headers: HEADERS, rows: report.rows.map(rowCells) });
  out.push({
    title: 'Targets (goals to beat, not assertions)',
    headers: ['target', 'goal', 'measured', 'status'],
    rows: report.targets.map((t) => [t.name, t.goal, t.value === undefined ? '' : `${t.value.toFixed(2)}×`, mark(t.met)]),
  });
  if (report.memory) {
    const m = report.memory;
    out.push(
      'error' in m
        ? { title: 'Memory', headers: [], rows: [], text: `failed: ${m.error}` }
        : {
            title: 'Memory (netrpc server, idle msgpack connections)',
            headers: ['connections', 'RSS baseline MiB', 'RSS with connections MiB', 'per connection KiB'],
            rows: [[int(m.connections), m.baselineRssMiB.toFixed(1), m.withConnsRssMiB.toFixed(1), m.perConnKiB.toFixed(2)]],
            text: m.note,
          },
    );
  }
  if (report.scaling) {
    const s = report.scaling;
    out.push(
      'error' in s
        ? { title: 'Scaling', headers: [], rows: [], text: `failed: ${s.error}` }
        : { title: 'Scaling (netrpc msgpack, Arith.Multiply, 1 connection)', headers: ['in flight', 'calls/s', 'p50 µs', 'p99 µs'], rows: s.map((p) => [String(p.inflight), int(p.callsPerSec), int(p.p50), int(p.p99)]) },
    );
  }
  return out;
}

function machineLine(report: Report): string {
  const m = report.machine;
  return `${m.cpu}, ${m.cores} cores; Node ${m.node}; ${m.go}; ${m.date}; load average at start ${m.loadAvgAtStart}; warm-up ${report.settings.warmupMs} ms, measured ${report.settings.durationMs} ms per run, median of ${report.settings.rounds} interleaved round(s)${report.settings.quick ? ' (--quick)' : ''}`;
}

const NOTES = [
  'calls/s counts calls completed in the measured window; p50/p99 are per-call latencies taken in the client (log histogram, ~1% buckets).',
  'MB/s = payload bytes (request payload + reply payload, 10^6 bytes per MB) per second; wire framing not counted. json carries bytes as base64 text.',
  '×Go, ×floor, ×grpc-js, ×ws: calls/s relative to that subject in the same scenario (ws: JSON-RPC 2.0 over one WebSocket, the `ws` package). Client and server run in separate processes.',
];

/** renderText formats the report for the console. */
export function renderText(report: Report): string {
  const parts = [`netrpc bench — ${machineLine(report)}`];
  for (const s of sections(report)) {
    parts.push('', `== ${s.title}`);
    if (s.headers.length > 0) parts.push(textTable(s.headers, s.rows));
    if (s.text) parts.push(s.text);
  }
  parts.push('', ...NOTES);
  return parts.join('\n');
}

/** renderMarkdown formats the report as Markdown (latest.md). */
export function renderMarkdown(report: Report): string {
  const parts = ['# netrpc bench', '', machineLine(report)];
  for (const s of sections(report)) {
    parts.push('', `## ${s.title}`, '');
    if (s.headers.length > 0) parts.push(mdTable(s.headers, s.rows));
    if (s.text) parts.push('', s.text);
  }
  parts.push('', ...NOTES.map((n) => `- ${n}`), '');
  return parts.join('\n');
}
