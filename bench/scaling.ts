import { toClientFlags } from './client-args.js';
import { nodeScript, runClient, startServer } from './process.js';
import type { ScalingPoint } from './report.js';

/** SCALING_DEPTHS are the in-flight counts of the scaling curve. */
export const SCALING_DEPTHS = [1, 2, 4, 8, 16, 32, 64, 128, 256] as const;

/**
 * measureScaling runs netrpc msgpack `Arith.Multiply` on one connection
 * at each depth in SCALING_DEPTHS (one client process per depth, one
 * server process for all) and reports calls/s and latency.
 */
export async function measureScaling(warmupMs: number, durationMs: number, log: (line: string) => void): Promise<ScalingPoint[]> {
  const server = await startServer(nodeScript('./servers/netrpc-server.ts'));
  const points: ScalingPoint[] = [];
  try {
    for (const inflight of SCALING_DEPTHS) {
      const flags = toClientFlags({ addr: server.address, scenario: 'small', inflight, conns: 1, warmupMs, durationMs, codec: 'msgpack' });
      const r = await runClient(nodeScript('./clients/netrpc-client.ts', flags), warmupMs + durationMs + 30_000);
      const point = { inflight, callsPerSec: r.calls / r.seconds, p50: r.p50, p99: r.p99 };
      log(`  scaling ${String(inflight).padStart(3)} in flight: ${Math.round(point.callsPerSec)} calls/s, p50 ${point.p50.toFixed(0)} µs, p99 ${point.p99.toFixed(0)} µs`);
      points.push(point);
    }
  } finally {
    await server.stop();
  }
  return points;
}
