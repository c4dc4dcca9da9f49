import type { CallOutcome, CallSink } from './call-sink.js';

/** WINDOW is how many recent call durations each method keeps for latency figures. */
const WINDOW = 1024;

/** MethodStatsSnapshot is a copy of a method's counters at one moment. */
export interface MethodStatsSnapshot {
  /** Calls answered (successfully or not) since the server started. */
  readonly calls: number;
  /** Calls answered with an error since the server started. */
  readonly errors: number;
  /** Mean handler time over the recent window, in ms (0 with no samples). */
  readonly meanMs: number;
  /** 99th percentile handler time over the recent window, in ms (0 with no samples). */
  readonly p99Ms: number;
  /** Number of samples the latency figures are taken over. */
  readonly samples: number;
}

/**
 * MethodStats counts one method's calls and errors and keeps the handler
 * durations of its last 1024 calls in a ring, for mean and p99 latency.
 * Recording is O(1) and allocation-free; snapshots sort a copy.
 */
export class MethodStats {
  private readonly sink: CallSink | undefined;
  private readonly service: string;
  private readonly method: string;
  private calls = 0;
  private errors = 0;
  private readonly durations = new Float64Array(WINDOW);
  private next = 0;
  private filled = 0;

  /** A MethodStats without a sink (or without names) only counts for itself. */
  constructor(sink?: CallSink, service = '', method = '') {
    this.sink = sink;
    this.service = service;
    this.method = method;
  }

  /**
   * record counts one answered call that ran its handler for `ms` and
   * ended with `outcome` (`cause`: what the handler threw), and reports
   * it to the server's sink.
   */
  record(ms: number, outcome: CallOutcome, cause?: unknown): void {
    const failed = outcome !== 'ok';
    this.report(ms, outcome, failed, cause);
    this.calls++;
    if (failed) this.errors++;
    this.durations[this.next] = ms;
    this.next = (this.next + 1) % WINDOW;
    if (this.filled < WINDOW) this.filled++;
  }

  /** recordRejected counts a call answered with an error before its handler ran. */
  recordRejected(cause?: unknown): void {
    this.report(0, 'rejected', true, cause);
    this.calls++;
    this.errors++;
  }

  private report(ms: number, outcome: CallOutcome, failed: boolean, cause: unknown): void {
    const sink = this.sink;
    if (!sink) return;
    sink.history.record(failed);
    if (sink.active) sink.emit({ service: this.service, method: this.method, ms, outcome, ...(cause === undefined ? {} : { cause }) });
  }

  /** recordLateFailure turns an already counted success into an error (its reply could not be sent). */
  recordLateFailure(): void {
    this.errors++;
  }

  /** snapshot returns the counters and latency figures now. */
  snapshot(): MethodStatsSnapshot {
    const n = this.filled;
    if (n === 0) return { calls: this.calls, errors: this.errors, meanMs: 0, p99Ms: 0, samples: 0 };
    const sorted = this.durations.slice(0, n).sort();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sorted[i]!;
    const p99 = sorted[Math.min(n - 1, Math.ceil(n * 0.99) - 1)]!;
    return { calls: this.calls, errors: this.errors, meanMs: sum / n, p99Ms: p99, samples: n };
  }
}
