import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as PromClient from 'prom-client';
import { requestPath } from '../http-head.js';
import type { CallSink } from './call-sink.js';
import type { HttpRoute } from './http-fallback.js';
import type { RefusalReason, Traffic } from './server-telemetry.js';

/** MetricsSource is what {@link prometheusMetrics} reads of a Server. */
export interface MetricsSource {
  readonly calls: CallSink;
  readonly connectionCount: number;
  readonly callsInFlight: number;
  readonly traffic: Traffic;
  readonly telemetry: { refusalCounts(): ReadonlyMap<RefusalReason, number> };
}

/** PrometheusMetricsOptions tune {@link prometheusMetrics}. */
export interface PrometheusMetricsOptions {
  /** Registry the metrics are registered in; default a new one. */
  readonly registry?: PromClient.Registry;
  /** Path the route answers; default `/metrics`. */
  readonly path?: string;
  /**
   * What a scrape answers, as Prometheus text; default this registry's
   * metrics. rpc-serve --workers answers with every worker's metrics summed.
   */
  readonly exposition?: () => Promise<string>;
}

/** PrometheusMetrics are a server's metrics, registered, and a route that serves them. */
export interface PrometheusMetrics {
  readonly registry: PromClient.Registry;
  /** Serves `GET`/`HEAD` at the path in Prometheus' text format (add it with server.addHttpRoute). */
  readonly route: HttpRoute;
  /** Stops recording calls. */
  dispose(): void;
}

/** CALL_DURATION_BUCKETS are the histogram's upper bounds, in seconds (0.5 ms to 10 s). */
export const CALL_DURATION_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** setCounter makes a counter read `value` at collection time (prom-client counters have no setter). */
function setCounter<T extends string>(counter: PromClient.Counter<T>, value: number, labels?: PromClient.LabelValues<T>): void {
  if (labels) {
    counter.remove(labels);
    counter.inc(labels, value);
  } else {
    counter.reset();
    counter.inc(value);
  }
}

/**
 * prometheusMetrics registers a server's metrics with prom-client (pass
 * the module: `import * as promClient from 'prom-client'`; netrpc does not
 * depend on it):
 *
 * - `netrpc_server_call_duration_seconds` histogram {service, method,
 *   outcome}: handler time of every answered call; outcome is `ok`,
 *   `error`, `timeout`, `cancelled` or `rejected` (see CallOutcome);
 * - `netrpc_server_calls_in_flight` gauge: handlers running now;
 * - `netrpc_server_connections` gauge: open RPC connections;
 * - `netrpc_server_received_bytes_total` / `netrpc_server_sent_bytes_total`
 *   counters: bytes RPC connections carried after their handshake;
 * - `netrpc_server_refused_connections_total` counter {reason}: sockets
 *   turned away (see RefusalReason).
 *
 * Gauges and counters are read from the server at scrape time; only the
 * histogram costs anything per call.
 */
export function prometheusMetrics(server: MetricsSource, prom: typeof PromClient, options: PrometheusMetricsOptions = {}): PrometheusMetrics {
  const registry = options.registry ?? new prom.Registry();
  const registers = [registry];
  const duration = new prom.Histogram({
    name: 'netrpc_server_call_duration_seconds',
    help: 'Handler time of answered calls, in seconds',
    labelNames: ['service', 'method', 'outcome'] as const,
    buckets: [...CALL_DURATION_BUCKETS],
    registers,
  });
  new prom.Gauge({
    name: 'netrpc_server_calls_in_flight',
    help: 'Calls whose handler is running',
    registers,
    collect() {
      this.set(server.callsInFlight);
    },
  });
  new prom.Gauge({
    name: 'netrpc_server_connections',
    help: 'Open RPC connections',
    registers,
    collect() {
      this.set(server.connectionCount);
    },
  });
  new prom.Counter({
    name: 'netrpc_server_received_bytes_total',
    help: 'Bytes received on RPC connections after the handshake',
    registers,
    collect() {
      setCounter(this, server.traffic.bytesIn);
    },
  });
  new prom.Counter({
    name: 'netrpc_server_sent_bytes_total',
    help: 'Bytes sent on RPC connections after the handshake',
    registers,
    collect() {
      setCounter(this, server.traffic.bytesOut);
    },
  });
  new prom.Counter({
    name: 'netrpc_server_refused_connections_total',
    help: 'Sockets the server turned away, by reason',
    labelNames: ['reason'] as const,
    registers,
    collect() {
      for (const [reason, n] of server.telemetry.refusalCounts()) setCounter(this, n, { reason });
    },
  });
  const stop = server.calls.listen((r) => duration.observe({ service: r.service, method: r.method, outcome: r.outcome }, r.ms / 1000));
  const path = options.path ?? '/metrics';
  const exposition = options.exposition ?? (() => registry.metrics());
  return {
    registry,
    dispose: stop,
    route: function metricsRoute(req: IncomingMessage, res: ServerResponse): boolean {
      if (requestPath(req.url ?? '') !== path) return false;
      serveMetrics(exposition, registry.contentType, req, res);
      return true;
    },
  };
}

function serveMetrics(exposition: () => Promise<string>, contentType: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' });
    res.end('405 method not allowed: use GET or HEAD\n');
    return;
  }
  exposition().then(
    (text) => {
      res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
    },
    () => {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end('500 rpc: metrics failed\n');
    },
  );
}
