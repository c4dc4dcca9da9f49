/** Payload says what each call of a scenario carries. */
export type Payload = 'small' | 'struct1k' | 'bytes1m';

/** Scenario is one load shape that every subject runs. */
export interface Scenario {
  /** Short name used in flags, tables and JSON. */
  readonly name: string;
  /** What it measures, for the report. */
  readonly description: string;
  /** Calls in flight per connection. */
  readonly inflight: number;
  /** Number of connections. */
  readonly conns: number;
  /** Call payload. */
  readonly payload: Payload;
}

/** scenarios lists the scenarios in report order. */
export const scenarios: readonly Scenario[] = [
  { name: 'seq', description: 'Arith.Multiply, 1 call in flight, sequential', inflight: 1, conns: 1, payload: 'small' },
  { name: 'inflight64', description: 'Arith.Multiply, 64 in flight on 1 connection', inflight: 64, conns: 1, payload: 'small' },
  { name: 'conns4x64', description: 'Arith.Multiply, 4 connections x 64 in flight', inflight: 64, conns: 4, payload: 'small' },
  { name: 'struct1k', description: '~1 KiB struct echoed, 64 in flight on 1 connection', inflight: 64, conns: 1, payload: 'struct1k' },
  { name: 'bytes1m', description: '1 MiB byte slice echoed, 4 in flight on 1 connection', inflight: 4, conns: 1, payload: 'bytes1m' },
];

/** findScenario returns the scenario named `name` or throws. */
export function findScenario(name: string): Scenario {
  const s = scenarios.find((x) => x.name === name);
  if (s) return s;
  // scaling runs use the small payload with any in-flight count: "small"
  if (name === 'small') return { name, description: 'Arith.Multiply', inflight: 1, conns: 1, payload: 'small' };
  throw new Error(`unknown scenario ${name}`);
}
