import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AggregationTemporality, DataPointType, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { dial } from '../../src/client/dial.js';
import { connectPool } from '../../src/client/pool.js';
import { ErrorCode } from '../../src/errors.js';
import { openTelemetry } from '../../src/opentelemetry/index.js';
import type { NetrpcInstrumentation } from '../../src/opentelemetry/index.js';
import type { CallContext } from '../../src/call-context.js';
import type { Server } from '../../src/server/server.js';
import { rejection, startDemoServer } from '../helpers.js';

const contextManager = new AsyncLocalStorageContextManager();

describe('OpenTelemetry instrumentation with the real SDK', () => {
  let spans: InMemorySpanExporter;
  let tracerProvider: BasicTracerProvider;
  let metricExporter: InMemoryMetricExporter;
  let reader: PeriodicExportingMetricReader;
  let meterProvider: MeterProvider;
  let otel: NetrpcInstrumentation;
  let server: Server;
  let address: string;
  let port: number;

  beforeAll(() => {
    api.context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(() => {
    api.context.disable();
  });

  beforeEach(async () => {
    spans = new InMemorySpanExporter();
    tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
    meterProvider = new MeterProvider({ readers: [reader] });
    otel = openTelemetry(api, { tracerProvider, meterProvider, propagator: new W3CTraceContextPropagator() });
    ({ server, address, port } = await startDemoServer({ plain: true }));
    server.use(otel.server);
  });
  afterEach(async () => {
    await server.close();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });

  /** finished waits until `n` spans have ended (a server span ends when its handler settles, after the client saw the reply). */
  async function finished(n: number): Promise<ReadableSpan[]> {
    const giveUp = Date.now() + 10_000;
    while (spans.getFinishedSpans().length < n && Date.now() < giveUp) await new Promise((r) => setTimeout(r, 5));
    const all = spans.getFinishedSpans();
    expect(all).toHaveLength(n);
    return all;
  }

  function only(all: ReadableSpan[], kind: api.SpanKind, name: string): ReadableSpan[] {
    return all.filter((s) => s.kind === kind && s.name === name);
  }

  async function histogram(name: string): Promise<HistogramMetricData> {
    await reader.forceFlush();
    const metrics = metricExporter.getMetrics().at(-1)!;
    const found = metrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
    expect(found, name).toBeDefined();
    expect(found!.dataPointType).toBe(DataPointType.HISTOGRAM);
    return found as HistogramMetricData;
  }

  it('makes a CLIENT and a SERVER span per call with the RPC conventions', async () => {
    await using client = await dialHTTP(address, { codec: 'msgpack', interceptors: [otel.client] });
    expect(await client.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42);
    const all = await finished(2);
    const [c] = only(all, api.SpanKind.CLIENT, 'Arith/Multiply');
    const [s] = only(all, api.SpanKind.SERVER, 'Arith/Multiply');
    expect(c!.attributes).toEqual({
      'rpc.system.name': 'go_net_rpc',
      'rpc.method': 'Arith/Multiply',
      'netrpc.codec': 'msgpack',
      'server.address': '127.0.0.1',
      'server.port': port,
      'network.peer.address': '127.0.0.1',
      'network.peer.port': port,
      'network.transport': 'tcp',
    });
    expect(c!.status.code).toBe(api.SpanStatusCode.UNSET);
    expect(s!.attributes).toMatchObject({
      'rpc.system.name': 'go_net_rpc',
      'rpc.method': 'Arith/Multiply',
      'netrpc.codec': 'msgpack',
      'server.address': '127.0.0.1',
      'server.port': port,
      'client.address': '127.0.0.1',
      'network.peer.address': '127.0.0.1',
      'network.transport': 'tcp',
    });
    expect(s!.attributes['client.port']).toBe(s!.attributes['network.peer.port']);
    expect(typeof s!.attributes['client.port']).toBe('number');
    expect(s!.attributes['error.type']).toBeUndefined();
    expect(s!.status.code).toBe(api.SpanStatusCode.UNSET);
  });

  it.each(['msgpack', 'json', 'gob'])('joins the server span to the client trace over %s: traceparent in the metadata, beside the caller metadata', async (codec) => {
    const seen: Record<string, string>[] = [];
    server.register('Peek', {
      Metadata(_args: unknown, ctx: CallContext) {
        seen.push({ ...ctx.metadata });
        return 1;
      },
    });
    await using client = await dialHTTP(address, { codec, interceptors: [otel.client] });
    expect(await client.call('Peek.Metadata', 0, { metadata: { tenant: 'blue' } })).toBe(1);
    const all = await finished(2);
    const [c] = only(all, api.SpanKind.CLIENT, 'Peek/Metadata');
    const [s] = only(all, api.SpanKind.SERVER, 'Peek/Metadata');
    expect(s!.spanContext().traceId).toBe(c!.spanContext().traceId);
    expect(s!.parentSpanContext?.spanId).toBe(c!.spanContext().spanId);
    expect(s!.parentSpanContext?.isRemote).toBe(true);
    expect(seen).toEqual([{ tenant: 'blue', traceparent: `00-${c!.spanContext().traceId}-${c!.spanContext().spanId}-01` }]);
  });

  it('makes the server span the active context in the handler: calls it makes are its children', async () => {
    await using inner = await dialHTTP(address, { interceptors: [otel.client] });
    server.register('Front', {
      async Relay(args: { A: number; B: number }, _ctx: CallContext) {
        return inner.call('Arith.Add', args);
      },
    });
    await using client = await dialHTTP(address, { interceptors: [otel.client] });
    expect(await client.call('Front.Relay', { A: 2, B: 3 })).toBe(5);
    const all = await finished(4);
    const [relayServer] = only(all, api.SpanKind.SERVER, 'Front/Relay');
    const [addClient] = only(all, api.SpanKind.CLIENT, 'Arith/Add');
    expect(addClient!.parentSpanContext?.spanId).toBe(relayServer!.spanContext().spanId);
    expect(addClient!.spanContext().traceId).toBe(relayServer!.spanContext().traceId);
    // One trace from the first client span to the innermost server span.
    expect(new Set(all.map((x) => x.spanContext().traceId)).size).toBe(1);
  });

  it('marks a failed call: error.type, status ERROR with the message, the exception event', async () => {
    await using client = await dialHTTP(address, { codec: 'json', interceptors: [otel.client] });
    await rejection(client.call('Echo.Fail', 'broken'));
    const all = await finished(2);
    const [c] = only(all, api.SpanKind.CLIENT, 'Echo/Fail');
    const [s] = only(all, api.SpanKind.SERVER, 'Echo/Fail');
    expect(c!.attributes['error.type']).toBe(ErrorCode.Server);
    expect(c!.status).toEqual({ code: api.SpanStatusCode.ERROR, message: 'failed: broken' });
    expect(c!.events.map((e) => e.name)).toEqual(['exception']);
    expect(c!.events[0]!.attributes?.['exception.message']).toBe('failed: broken');
    expect(s!.attributes['error.type']).toBe('Error');
    expect(s!.status).toEqual({ code: api.SpanStatusCode.ERROR, message: 'failed: broken' });
  });

  it('marks a call that timed out on the client RPC_TIMEOUT, and its cancelled server side RPC_ABORTED', async () => {
    await using client = await dialHTTP(address, { interceptors: [otel.client] });
    expect(await rejection(client.call('Echo.Sleep', 60_000, { timeout: 30 }))).toMatchObject({ code: ErrorCode.Timeout });
    const all = await finished(2);
    const [c] = only(all, api.SpanKind.CLIENT, 'Echo/Sleep');
    const [s] = only(all, api.SpanKind.SERVER, 'Echo/Sleep');
    expect(c!.attributes['error.type']).toBe(ErrorCode.Timeout);
    expect(c!.status.code).toBe(api.SpanStatusCode.ERROR);
    expect(s!.attributes['error.type']).toBe(ErrorCode.Aborted);
    expect(s!.status.code).toBe(api.SpanStatusCode.ERROR);
  });

  it('marks a call aborted by its signal RPC_ABORTED', async () => {
    await using client = await dialHTTP(address, { interceptors: [otel.client] });
    const controller = new AbortController();
    const call = client.call('Echo.Sleep', 60_000, { signal: controller.signal });
    setImmediate(() => controller.abort());
    expect(await rejection(call)).toMatchObject({ code: ErrorCode.Aborted });
    const [c] = only(await finished(2), api.SpanKind.CLIENT, 'Echo/Sleep');
    expect(c!.attributes['error.type']).toBe(ErrorCode.Aborted);
  });

  it('records rpc.client.call.duration and rpc.server.call.duration in seconds, one point per method and outcome, equal to the spans', async () => {
    await using client = await dialHTTP(address, { interceptors: [otel.client] });
    for (let i = 0; i < 3; i++) await client.call('Arith.Add', { A: i, B: 1 });
    await rejection(client.call('Echo.Fail', 'x'));
    const all = await finished(8);

    const clientHistogram = await histogram('rpc.client.call.duration');
    expect(clientHistogram.descriptor.unit).toBe('s');
    const clientPoints = clientHistogram.dataPoints.map((p) => ({ attributes: p.attributes, count: p.value.count }));
    expect(clientPoints).toEqual(
      expect.arrayContaining([
        { attributes: { 'rpc.system.name': 'go_net_rpc', 'rpc.method': 'Arith/Add', 'server.address': '127.0.0.1', 'server.port': port }, count: 3 },
        {
          attributes: { 'rpc.system.name': 'go_net_rpc', 'rpc.method': 'Echo/Fail', 'server.address': '127.0.0.1', 'server.port': port, 'error.type': ErrorCode.Server },
          count: 1,
        },
      ]),
    );
    expect(clientPoints).toHaveLength(2);

    const serverHistogram = await histogram('rpc.server.call.duration');
    expect(serverHistogram.descriptor.unit).toBe('s');
    const serverPoints = serverHistogram.dataPoints.map((p) => ({ attributes: p.attributes, count: p.value.count }));
    expect(serverPoints).toEqual(
      expect.arrayContaining([
        { attributes: { 'rpc.system.name': 'go_net_rpc', 'rpc.method': 'Arith/Add' }, count: 3 },
        { attributes: { 'rpc.system.name': 'go_net_rpc', 'rpc.method': 'Echo/Fail', 'error.type': 'Error' }, count: 1 },
      ]),
    );

    // The histogram's values are the spans' durations.
    const seconds = (s: ReadableSpan): number => s.duration[0] + s.duration[1] / 1e9;
    const addSpans = only(all, api.SpanKind.CLIENT, 'Arith/Add');
    const addPoint = clientHistogram.dataPoints.find((p) => p.attributes['rpc.method'] === 'Arith/Add')!;
    expect(addPoint.value.sum).toBeCloseTo(addSpans.reduce((t, s) => t + seconds(s), 0), 5);
  });

  it('a pool call is one CLIENT span, with the endpoint of its last attempt', async () => {
    await using pool = connectPool([address], { interceptors: [otel.client] });
    expect(await pool.call('Arith.Add', { A: 1, B: 1 })).toBe(2);
    const [c] = only(await finished(2), api.SpanKind.CLIENT, 'Arith/Add');
    expect(c!.attributes).toMatchObject({ 'server.address': '127.0.0.1', 'server.port': port, 'netrpc.codec': 'msgpack' });
  });

  it('traces plain-TCP gob calls the same way', async () => {
    await using client = await dial(address, { codec: 'gob', interceptors: [otel.client] });
    expect(await client.call('Arith.Multiply', { A: 2, B: 3 }, { argsType: { kind: 'struct', name: 'Args', fields: [{ name: 'A', type: { kind: 'int' } }, { name: 'B', type: { kind: 'int' } }] } })).toBe(6);
    const all = await finished(2);
    for (const s of all) expect(s.attributes['netrpc.codec']).toBe('gob');
  });
});
