import { performance } from 'node:perf_hooks';
import type { ClientResult } from './result.js';
import { LatencyHistogram } from './stats.js';

/**
 * Caller issues one call on one connection and calls `done` when its reply
 * arrives (with an error if it failed).
 */
export type Caller = (done: (err?: unknown) => void) => void;

/** LoadOptions shape a closed-loop run. */
export interface LoadOptions {
  /** One Caller per connection. */
  readonly callers: readonly Caller[];
  /** Calls kept in flight on each connection. */
  readonly inflight: number;
  /** Warm-up time (not measured), ms. */
  readonly warmupMs: number;
  /** Measured time, ms. */
  readonly durationMs: number;
  /** Payload bytes per call (request + reply), for throughput. */
  readonly bytesPerCall: number;
}

/**
 * runLoad keeps `inflight` calls outstanding on every connection (each
 * completion immediately issues the next call), warms up, then counts
 * the calls completed in the measured window and their latencies, taken
 * with performance.now() around each call. Resolves once every
 * outstanding call has finished.
 */
export function runLoad(options: LoadOptions): Promise<ClientResult> {
  const hist = new LatencyHistogram();
  let measuring = false;
  let stopped = false;
  let calls = 0;
  let outstanding = 0;
  let failure: unknown;
  let t0 = 0;
  let t1 = 0;
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      if (failure !== undefined) return reject(failure instanceof Error ? failure : new Error(String(failure)));
      const seconds = (t1 - t0) / 1000;
      resolve({
        calls,
        seconds,
        p50: hist.percentile(50),
        p99: hist.percentile(99),
        bytes: calls * options.bytesPerCall,
      });
    };
    const issue = (caller: Caller): void => {
      const start = performance.now();
      outstanding++;
      caller((err) => {
        outstanding--;
        if (err !== undefined && failure === undefined) {
          failure = err;
          stopped = true;
        }
        if (measuring) {
          hist.record((performance.now() - start) * 1000);
          calls++;
        }
        if (!stopped) issue(caller);
        else if (outstanding === 0) finish();
      });
    };
    for (const caller of options.callers) {
      for (let i = 0; i < options.inflight; i++) issue(caller);
    }
    setTimeout(() => {
      measuring = true;
      t0 = performance.now();
      setTimeout(() => {
        measuring = false;
        stopped = true;
        t1 = performance.now();
        if (outstanding === 0) finish();
      }, options.durationMs);
    }, options.warmupMs);
  });
}
