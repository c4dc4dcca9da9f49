import type { Pool } from '../../src/client/pool.js';
import { RpcError } from '../../src/errors.js';

/** LoadTally is what the callers of a {@link CallLoad} saw. */
export interface LoadTally {
  calls: number;
  idempotentFailures: string[];
  /** Failures marked never executed (no server started the call). */
  neverStartedFailures: string[];
  /** Failures of non-idempotent calls that may have run. */
  otherFailures: string[];
  /** Latency of each successful call, in ms. */
  latencies: number[];
}

/** CallLoad is a set of callers running until stopped. */
export interface CallLoad {
  readonly tally: LoadTally;
  /** stop ends every caller after its current call and resolves with the figures. */
  stop(): Promise<LoadFigures>;
}

/** LoadFigures summarise a load run. */
export interface LoadFigures {
  readonly calls: number;
  readonly retries: number;
  readonly throttled: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * startCallLoad runs `callers` loops, each alternating an idempotent call
 * (`Arith.Multiply`, marked idempotent) and a non-idempotent one
 * (`Echo.Echo`) back to back; caller `i` uses `pools[i % pools.length]`.
 * Every reply is checked. Retries and throttled retries are summed over
 * the pools' stats when stopped.
 */
export function startCallLoad(pools: readonly Pool[], callers: number): CallLoad {
  const tally: LoadTally = { calls: 0, idempotentFailures: [], neverStartedFailures: [], otherFailures: [], latencies: [] };
  let running = true;
  const caller = async (id: number, pool: Pool): Promise<void> => {
    for (let i = 0; running; i++) {
      const idempotent = i % 2 === 0;
      const started = performance.now();
      try {
        if (idempotent) {
          const product = await pool.call('Arith.Multiply', { A: id, B: i }, { idempotent: true, timeout: 10_000 });
          if (product !== id * i) throw new Error(`wrong product ${String(product)} for ${id} × ${i}`);
        } else {
          const echoed = await pool.call('Echo.Echo', `${id}/${i}`, { timeout: 10_000 });
          if (echoed !== `${id}/${i}`) throw new Error(`wrong echo ${String(echoed)} for ${id}/${i}`);
        }
        tally.latencies.push(performance.now() - started);
      } catch (err) {
        const text = err instanceof RpcError ? `${err.code}: ${err.message}` : String(err);
        if (idempotent) tally.idempotentFailures.push(text);
        else if (err instanceof RpcError && err.unsent) tally.neverStartedFailures.push(text);
        else tally.otherFailures.push(text);
      }
      tally.calls++;
    }
  };
  const loops = Array.from({ length: callers }, (_, i) => caller(i + 1, pools[i % pools.length]!));
  return {
    tally,
    async stop() {
      running = false;
      await Promise.all(loops);
      const stats = pools.map((p) => p.stats());
      const sorted = [...tally.latencies].sort((a, b) => a - b);
      const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
      return {
        calls: tally.calls,
        retries: stats.reduce((n, s) => n + s.retries, 0),
        throttled: stats.reduce((n, s) => n + s.throttled, 0),
        p50: at(0.5),
        p99: at(0.99),
        max: sorted.at(-1) ?? 0,
      };
    },
  };
}
