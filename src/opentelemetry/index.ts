import type * as OtelApi from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { packageVersion } from '../cli/version.js';
import type { ClientCallInfo, ClientInterceptor } from '../client/interceptor.js';
import type { ServerMiddleware } from '../server/middleware.js';
import { DURATION_BUCKETS, endCall } from './call-recorder.js';
import { addAddress, GO_NET_RPC, rpcMethod, transportOf } from './rpc-attributes.js';

/** OpenTelemetryApi is what netrpc uses of `@opentelemetry/api`: pass the module itself. */
export type OpenTelemetryApi = Pick<typeof OtelApi, 'trace' | 'metrics' | 'context' | 'propagation' | 'SpanKind' | 'SpanStatusCode' | 'defaultTextMapGetter' | 'defaultTextMapSetter'>;

/** propagated is the metadata a call carries out: its own plus what the propagator injected (W3C `traceparent`, `tracestate`). */
function propagated(metadata: Readonly<Record<string, string>> | undefined, injected: Record<string, string>): Readonly<Record<string, string>> | undefined {
  for (const _ in injected) return metadata ? { ...metadata, ...injected } : injected;
  return metadata;
}

/** OpenTelemetryOptions tune {@link openTelemetry}. */
export interface OpenTelemetryOptions {
  /** Where spans go; default the global one (`api.trace`). */
  readonly tracerProvider?: OtelApi.TracerProvider;
  /** Where the duration histograms go; default the global one (`api.metrics`). */
  readonly meterProvider?: OtelApi.MeterProvider;
  /** `rpc.system.name` to report; default `go_net_rpc` (see GO_NET_RPC). */
  readonly systemName?: string;
  /**
   * How trace context goes into and comes out of a call's metadata;
   * default the global propagator (`api.propagation`: W3C trace context
   * once an SDK registered it). netrpc carries the keys it writes
   * (`traceparent`, `tracestate`) on connections that negotiated call
   * context; Go peers and plain TCP carry none.
   */
  readonly propagator?: OtelApi.TextMapPropagator;
}

/** NetrpcInstrumentation is a middleware for servers and an interceptor for clients and pools that trace and time every call. */
export interface NetrpcInstrumentation {
  /** Add with `server.use(otel.server)`: a SERVER span per call, active while the handler runs, and `rpc.server.call.duration`. */
  readonly server: ServerMiddleware;
  /** Pass in `interceptors: [otel.client]`: a CLIENT span per call (a pool's retries included) and `rpc.client.call.duration`. */
  readonly client: ClientInterceptor;
}

/** INSTRUMENTATION_NAME is the tracer and meter name netrpc's spans and metrics come from. */
export const INSTRUMENTATION_NAME = 'netrpc';

/**
 * openTelemetry builds netrpc's OpenTelemetry instrumentation from the
 * `@opentelemetry/api` module you pass (`import * as api from
 * '@opentelemetry/api'`; netrpc does not depend on it). It follows the
 * current semantic conventions for RPC:
 *
 * - span name and `rpc.method`: `Service/Method`; kind SERVER or CLIENT;
 *   `rpc.system.name` (`go_net_rpc`), `netrpc.codec` (gob, json, msgpack);
 * - client spans: `server.address` / `server.port` (the address dialed,
 *   behind any proxy), `network.peer.address` / `network.peer.port` (the
 *   socket's peer), `network.transport`;
 * - server spans: `server.address` / `server.port` (the local address),
 *   `client.address` / `client.port` and `network.peer.*` (the peer);
 * - on failure `error.type` (the RpcError code, e.g. RPC_SERVER_ERROR,
 *   RPC_TIMEOUT, RPC_ABORTED; else the error's class), an exception
 *   event and status ERROR. net/rpc carries no status code, so
 *   `rpc.response.status_code` is not set;
 * - histograms `rpc.server.call.duration` / `rpc.client.call.duration`
 *   in seconds, with `rpc.system.name`, `rpc.method`, `error.type` and
 *   (client) `server.address` / `server.port`.
 *
 * Trace context crosses the connection in the call's metadata: the client
 * injects the active span's (`traceparent`, `tracestate` with the W3C
 * propagator) and the server span continues that trace. A server span is
 * the active context while the handler runs, so calls it makes are its
 * children. A server call answered early (the handler time
 * limit, a client cancel) ends its span when the handler settles, with
 * `error.type` RPC_TIMEOUT or RPC_ABORTED.
 */
export function openTelemetry(api: OpenTelemetryApi, options: OpenTelemetryOptions = {}): NetrpcInstrumentation {
  const version = packageVersion();
  const tracer = (options.tracerProvider ?? api.trace).getTracer(INSTRUMENTATION_NAME, version);
  const meter = (options.meterProvider ?? api.metrics).getMeter(INSTRUMENTATION_NAME, version);
  const system = options.systemName ?? GO_NET_RPC;
  const advice = { explicitBucketBoundaries: [...DURATION_BUCKETS] };
  const serverDuration = meter.createHistogram('rpc.server.call.duration', { unit: 's', description: 'Duration of incoming RPC calls.', advice });
  const clientDuration = meter.createHistogram('rpc.client.call.duration', { unit: 's', description: 'Duration of outgoing RPC calls.', advice });
  const { SpanKind, SpanStatusCode, context, trace } = api;
  const propagation = options.propagator ?? api.propagation;

  const server: ServerMiddleware = (ctx, next) => {
    const method = rpcMethod(ctx.serviceMethod);
    const attributes: Attributes = { 'rpc.system.name': system, 'rpc.method': method, 'netrpc.codec': ctx.codec };
    addAddress(attributes, 'server', ctx.localAddress);
    addAddress(attributes, 'client', ctx.remoteAddress);
    addAddress(attributes, 'network.peer', ctx.remoteAddress);
    if (ctx.remoteAddress !== undefined) attributes['network.transport'] = 'tcp';
    // The client's trace, when its metadata carries one; else whatever is active.
    const parent = propagation.extract(context.active(), ctx.metadata, api.defaultTextMapGetter);
    const started = performance.now();
    const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes, startTime: performance.timeOrigin + started }, parent);
    const metric: Attributes = { 'rpc.system.name': system, 'rpc.method': method };
    return context.with(trace.setSpan(parent, span), next).then(
      (reply) => {
        const early = ctx.abortReason;
        endCall(span, serverDuration, metric, started, early, early !== undefined, SpanStatusCode);
        return reply;
      },
      (err: unknown) => {
        endCall(span, serverDuration, metric, started, ctx.abortReason ?? err, true, SpanStatusCode);
        throw err;
      },
    );
  };

  const client: ClientInterceptor = (ctx, next) => {
    const method = rpcMethod(ctx.serviceMethod);
    const attributes: Attributes = { 'rpc.system.name': system, 'rpc.method': method };
    // A pool learns the endpoint only once an attempt went out: then it is added when the call settles.
    const known = ctx.target !== undefined;
    if (known) addEndpoint(attributes, ctx);
    const parent = context.active();
    const started = performance.now();
    const span = tracer.startSpan(method, { kind: SpanKind.CLIENT, attributes, startTime: performance.timeOrigin + started }, parent);
    const metric = known ? endpointMetric(system, method, attributes) : undefined;
    const call = new ClientCallSpan(span, clientDuration, SpanStatusCode, ctx, started, metric, system, method);
    const active = trace.setSpan(parent, span);
    const injected: Record<string, string> = {};
    propagation.inject(active, injected, api.defaultTextMapSetter);
    const metadata = propagated(ctx.options.metadata, injected);
    if (metadata !== ctx.options.metadata) ctx.options = { ...ctx.options, metadata };
    return context.with(active, next).then(
      (reply) => call.ok(reply),
      (err: unknown) => call.fail(err),
    );
  };

  return { server, client };
}

/** addEndpoint sets the attributes of where a client call went: codec, server address and port, peer, transport. */
function addEndpoint(into: Attributes, ctx: ClientCallInfo): void {
  if (ctx.codec !== undefined) into['netrpc.codec'] = ctx.codec;
  addAddress(into, 'server', ctx.target);
  addAddress(into, 'network.peer', ctx.remoteAddress);
  const transport = transportOf(ctx.target);
  if (transport) into['network.transport'] = transport;
}

/** endpointMetric is a client measurement's attributes: system, method, and the server's address and port when known. */
function endpointMetric(system: string, method: string, endpoint: Attributes): Attributes {
  const metric: Attributes = { 'rpc.system.name': system, 'rpc.method': method };
  if (endpoint['server.address'] !== undefined) metric['server.address'] = endpoint['server.address'];
  if (endpoint['server.port'] !== undefined) metric['server.port'] = endpoint['server.port'];
  return metric;
}

/** ClientCallSpan ends one client call's span and records its duration when the call settles. */
class ClientCallSpan {
  constructor(
    private readonly span: OtelApi.Span,
    private readonly histogram: OtelApi.Histogram,
    private readonly status: typeof OtelApi.SpanStatusCode,
    private readonly ctx: ClientCallInfo,
    private readonly started: number,
    /** The measurement's attributes; undefined while the endpoint is unknown (a pool call). */
    private metric: Attributes | undefined,
    private readonly system: string,
    private readonly method: string,
  ) {}

  ok(reply: unknown): unknown {
    this.end(undefined, false);
    return reply;
  }

  fail(err: unknown): never {
    this.end(err, true);
    throw err;
  }

  private end(err: unknown, failed: boolean): void {
    if (this.metric === undefined) {
      const late: Attributes = {};
      addEndpoint(late, this.ctx);
      this.span.setAttributes(late);
      this.metric = endpointMetric(this.system, this.method, late);
    }
    endCall(this.span, this.histogram, this.metric, this.started, err, failed, this.status);
  }
}

export { GO_NET_RPC, rpcMethod, errorType } from './rpc-attributes.js';
export { DURATION_BUCKETS } from './call-recorder.js';
