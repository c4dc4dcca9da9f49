import type { SubjectKey } from './subjects.js';

/** Row is one subject's figures in one scenario. */
export interface Row {
  readonly subject: string;
  readonly key: SubjectKey;
  readonly scenario: string;
  /** Calls per second (absent when the run did not happen). */
  readonly callsPerSec?: number;
  /** Median latency, µs. */
  readonly p50?: number;
  /** 99th-percentile latency, µs. */
  readonly p99?: number;
  /** Payload MB/s (10^6 bytes, request + reply payloads); only for payload scenarios. */
  readonly mbPerSec?: number;
  /** calls/s relative to Go net/rpc (Go→Go) in the same scenario. */
  vsGo?: number;
  /** calls/s relative to the floor in the same scenario. */
  vsFloor?: number;
  /** calls/s relative to grpc-js in the same scenario. */
  vsGrpc?: number;
  /** calls/s relative to JSON-RPC over ws in the same scenario. */
  vsWs?: number;
  /** Why there are no figures, or a remark. */
  readonly note?: string;
}

/** TargetCheck is one goal and whether this run met it. */
export interface TargetCheck {
  readonly name: string;
  readonly goal: string;
  /** The measured ratio, when both sides ran. */
  readonly value?: number;
  /** true met, false missed, undefined not measurable. */
  readonly met?: boolean;
}

/** MemoryReport is the idle-connection memory figure. */
export interface MemoryReport {
  readonly connections: number;
  readonly baselineRssMiB: number;
  readonly withConnsRssMiB: number;
  readonly perConnKiB: number;
  readonly note?: string;
}

/** ScalingPoint is msgpack calls/s at one in-flight depth on one connection. */
export interface ScalingPoint {
  readonly inflight: number;
  readonly callsPerSec: number;
  readonly p50: number;
  readonly p99: number;
}

/** Machine describes where the run happened. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly go: string;
  readonly date: string;
  readonly loadAvgAtStart: string;
}

/** Report is everything one `npm run bench` writes to latest.json. */
export interface Report {
  readonly machine: Machine;
  readonly settings: { readonly warmupMs: number; readonly durationMs: number; readonly quick: boolean; readonly rounds: number };
  readonly rows: readonly Row[];
  readonly targets: readonly TargetCheck[];
  readonly memory?: MemoryReport | { readonly error: string };
  readonly scaling?: readonly ScalingPoint[] | { readonly error: string };
}

/** addRatios fills each row's ratios against Go, the floor, grpc-js and JSON-RPC over ws in its scenario. */
export function addRatios(rows: Row[]): void {
  const find = (scenario: string, key: SubjectKey): Row | undefined => rows.find((r) => r.scenario === scenario && r.key === key && r.callsPerSec !== undefined);
  for (const r of rows) {
    if (r.callsPerSec === undefined) continue;
    const go = find(r.scenario, 'go');
    const floor = find(r.scenario, 'floor');
    const grpc = find(r.scenario, 'grpc');
    const ws = find(r.scenario, 'ws');
    if (go && r.key !== 'go') r.vsGo = r.callsPerSec / go.callsPerSec!;
    if (floor && r.key !== 'floor') r.vsFloor = r.callsPerSec / floor.callsPerSec!;
    if (grpc && r.key !== 'grpc') r.vsGrpc = r.callsPerSec / grpc.callsPerSec!;
    if (ws && r.key !== 'ws') r.vsWs = r.callsPerSec / ws.callsPerSec!;
  }
}
