import type { Row, TargetCheck } from './report.js';
import type { SubjectKey } from './subjects.js';
import { scenarios } from './scenarios.js';

function row(rows: readonly Row[], scenario: string, key: SubjectKey): Row | undefined {
  return rows.find((r) => r.scenario === scenario && r.key === key && r.callsPerSec !== undefined);
}

function atLeast(name: string, goal: number, value: number | undefined): TargetCheck {
  return { name, goal: `≥ ${goal}×`, value, met: value === undefined ? undefined : value >= goal };
}

/**
 * checkTargets evaluates the goals (to beat, not assertions) against this
 * run's rows: msgpack vs Go, vs the floor and vs grpc-js, and the Go
 * client against a netrpc server vs a Go server.
 */
export function checkTargets(rows: readonly Row[]): TargetCheck[] {
  const ratio = (s: string, a: SubjectKey, b: SubjectKey, field: 'callsPerSec' | 'mbPerSec' = 'callsPerSec'): number | undefined => {
    const x = row(rows, s, a)?.[field];
    const y = row(rows, s, b)?.[field];
    return x !== undefined && y !== undefined && y > 0 ? x / y : undefined;
  };
  const p50Go = row(rows, 'seq', 'go')?.p50;
  const p50Msgpack = row(rows, 'seq', 'msgpack')?.p50;
  const p50Ratio = p50Go && p50Msgpack !== undefined ? p50Msgpack / p50Go : undefined;
  const checks: TargetCheck[] = [
    atLeast('msgpack inflight64 calls/s vs Go', 4, ratio('inflight64', 'msgpack', 'go')),
    atLeast('msgpack inflight64 calls/s vs floor', 0.3, ratio('inflight64', 'msgpack', 'floor')),
    atLeast('msgpack seq calls/s vs Go', 2, ratio('seq', 'msgpack', 'go')),
    { name: 'msgpack seq p50 vs Go p50', goal: '≤ 0.5×', value: p50Ratio, met: p50Ratio === undefined ? undefined : p50Ratio <= 0.5 },
    atLeast('msgpack seq calls/s vs floor', 0.6, ratio('seq', 'msgpack', 'floor')),
  ];
  for (const s of scenarios) checks.push(atLeast(`Go client→netrpc vs Go→Go, ${s.name}`, 1, ratio(s.name, 'go-netrpc', 'go')));
  checks.push(atLeast('msgpack inflight64 calls/s vs grpc-js', 10, ratio('inflight64', 'msgpack', 'grpc')));
  checks.push(atLeast('msgpack bytes1m MB/s vs floor', 0.5, ratio('bytes1m', 'msgpack', 'floor', 'mbPerSec')));
  // What OpenTelemetry costs: spans and histograms on both sides against none.
  checks.push(atLeast('msgpack + OTel seq calls/s vs msgpack', 0.7, ratio('seq', 'msgpack-otel', 'msgpack')));
  checks.push(atLeast('msgpack + OTel inflight64 calls/s vs msgpack', 0.5, ratio('inflight64', 'msgpack-otel', 'msgpack')));
  return checks;
}
