import type { Row, TargetCheck } from './report.js';
import type { SubjectKey } from './subjects.js';

function row(rows: readonly Row[], scenario: string, key: SubjectKey): Row | undefined {
  return rows.find((r) => r.scenario === scenario && r.key === key && r.callsPerSec !== undefined);
}

/** Goal is one target: calls/s of `subject` over calls/s of `base` in `scenario`, at least `goal`. */
interface Goal {
  readonly scenario: string;
  readonly subject: SubjectKey;
  readonly base: SubjectKey;
  readonly goal: number;
}

const floor = (scenario: string, subject: SubjectKey, goal: number): Goal => ({ scenario, subject, base: 'floor', goal });
const goClient = (scenario: string, goal: number): Goal => ({ scenario, subject: 'go-netrpc', base: 'go', goal });

/**
 * GOALS are the performance round's targets: netrpc against the raw-socket
 * floor (the runtime's limit: framing and nothing else), Go's client
 * calling netrpc against Go calling Go, msgpack against the other Node
 * peers (JSON-RPC over ws, grpc-js), and instrumentation's cost.
 */
const GOALS: readonly Goal[] = [
  floor('seq', 'msgpack', 0.95),
  floor('seq', 'gob', 0.95),
  goClient('seq', 1.0),
  floor('inflight64', 'msgpack', 0.75),
  floor('inflight64', 'gob', 0.6),
  floor('inflight64', 'json', 0.5),
  goClient('inflight64', 1.5),
  floor('struct1k', 'msgpack', 0.4),
  floor('struct1k', 'gob', 0.3),
  goClient('struct1k', 1.5),
  floor('bytes1m', 'msgpack', 0.8),
  floor('bytes1m', 'gob', 0.7),
  floor('bytes1m', 'json', 0.3),
  goClient('bytes1m', 1.0),
  // The fastest RPC a Node user can pick: against the other Node peers.
  { scenario: 'inflight64', subject: 'msgpack', base: 'ws', goal: 1.0 },
  { scenario: 'inflight64', subject: 'msgpack', base: 'grpc', goal: 10 },
  // What OpenTelemetry costs: spans and histograms on both sides against none.
  { scenario: 'seq', subject: 'msgpack-otel', base: 'msgpack', goal: 0.7 },
  { scenario: 'inflight64', subject: 'msgpack-otel', base: 'msgpack', goal: 0.5 },
];

const label = (key: SubjectKey): string => (key === 'go-netrpc' ? 'Go client→netrpc' : key === 'go' ? 'Go→Go' : key);

/**
 * checkTargets evaluates the goals (to beat, not assertions) against this
 * run's rows: each is met, missed, or not measurable when a side did not run.
 */
export function checkTargets(rows: readonly Row[]): TargetCheck[] {
  return GOALS.map(({ scenario, subject, base, goal }) => {
    const x = row(rows, scenario, subject)?.callsPerSec;
    const y = row(rows, scenario, base)?.callsPerSec;
    const value = x !== undefined && y !== undefined && y > 0 ? x / y : undefined;
    return { name: `${scenario}: ${label(subject)} calls/s vs ${label(base)}`, goal: `≥ ${goal}×`, value, met: value === undefined ? undefined : value >= goal };
  });
}
