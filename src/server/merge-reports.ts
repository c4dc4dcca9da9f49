import { ErrorCode, RpcError } from '../errors.js';
import { HISTORY_BUCKET_MS } from './call-history.js';
import type { CallHistorySnapshot } from './call-history.js';
import type { MethodReport, ServerReport, ServiceReport } from './server-stats.js';

function mergeMethod(a: MethodReport, b: MethodReport): MethodReport {
  const samples = a.samples + b.samples;
  return {
    ...a,
    calls: a.calls + b.calls,
    errors: a.errors + b.errors,
    meanMs: samples === 0 ? 0 : (a.meanMs * a.samples + b.meanMs * b.samples) / samples,
    p99Ms: Math.max(a.p99Ms, b.p99Ms),
    samples,
  };
}

function mergeHistories(histories: readonly CallHistorySnapshot[]): CallHistorySnapshot | undefined {
  const usable = histories.filter((h) => h.bucketMs === HISTORY_BUCKET_MS);
  if (usable.length === 0) return undefined;
  const endMs = Math.max(...usable.map((h) => h.endMs));
  const n = Math.max(...usable.map((h) => h.calls.length));
  const calls = new Array<number>(n).fill(0);
  const errors = new Array<number>(n).fill(0);
  for (const h of usable) {
    // A history that ends earlier is shifted left by the buckets it lacks.
    const shift = Math.round((endMs - h.endMs) / h.bucketMs);
    for (let i = 0; i < h.calls.length; i++) {
      const k = n - h.calls.length + i - shift;
      if (k < 0) continue;
      calls[k]! += h.calls[i] ?? 0;
      errors[k]! += h.errors[i] ?? 0;
    }
  }
  return { bucketMs: HISTORY_BUCKET_MS, endMs, calls, errors };
}

/**
 * mergeReports adds up the reports of several processes serving the same
 * services (rpc-serve --workers): connections, calls, errors, samples and
 * the call history are summed; the mean is weighted by samples; p99 is the
 * highest of the processes' (an upper bound of the p99 of all calls);
 * `startedAt` is the earliest, `uptimeMs` the longest. Services and
 * methods appear in the order of the first report that has them.
 * `workers` is the number of reports merged. Throws on an empty list.
 */
export function mergeReports(reports: readonly ServerReport[]): ServerReport {
  if (reports.length === 0) throw new RpcError(ErrorCode.InvalidArgument, 'mergeReports: no reports');
  const services = new Map<string, Map<string, MethodReport>>();
  for (const report of reports) {
    for (const service of report.services) {
      let methods = services.get(service.name);
      if (!methods) services.set(service.name, (methods = new Map()));
      for (const m of service.methods) {
        const seen = methods.get(m.name);
        methods.set(m.name, seen ? mergeMethod(seen, m) : m);
      }
    }
  }
  const merged: ServiceReport[] = [...services].map(([name, methods]) => ({ name, methods: [...methods.values()] }));
  const history = mergeHistories(reports.flatMap((r) => (r.history ? [r.history] : [])));
  return {
    startedAt: reports.map((r) => r.startedAt).sort()[0]!,
    uptimeMs: Math.max(...reports.map((r) => r.uptimeMs)),
    connections: reports.reduce((n, r) => n + r.connections, 0),
    services: merged,
    ...(history ? { history } : {}),
    workers: reports.reduce((n, r) => n + (r.workers ?? 1), 0),
  };
}
