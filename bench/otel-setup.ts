/**
 * instrumentation is the OpenTelemetry setup of the instrumented bench
 * subjects, as a production process would have it: an AsyncLocalStorage
 * context manager, every span sampled and handed to a BatchSpanProcessor
 * (whose exporter drops them, so the cost measured is netrpc's and the
 * SDK's, not a collector's), and a MeterProvider aggregating the duration
 * histograms.
 */
import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { openTelemetry } from '../src/opentelemetry/index.js';
import type { NetrpcInstrumentation } from '../src/opentelemetry/index.js';

/** DroppingExporter accepts every batch and keeps nothing. */
class DroppingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** instrumentation installs the SDK and returns netrpc's middleware and interceptor. */
export function instrumentation(): NetrpcInstrumentation {
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new DroppingExporter(), { maxQueueSize: 8192, maxExportBatchSize: 512 })] });
  const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.DELTA), exportIntervalMillis: 10_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return openTelemetry(api, { tracerProvider, meterProvider });
}
