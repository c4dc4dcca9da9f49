import type { Attributes, Histogram, Span, SpanStatusCode } from '@opentelemetry/api';
import { errorType } from './rpc-attributes.js';

/** DURATION_BUCKETS are the call-duration histograms' bounds in seconds (0.5 ms to 10 s); the conventions name no buckets for RPC. */
export const DURATION_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * endCall finishes one call's span and records its duration: on failure
 * the span gets `error.type`, the exception event and status ERROR with
 * the error's message, and the measurement gets `error.type` too. The
 * span ends at the same instant the duration is measured to, so the
 * histogram's value is the span's duration, in seconds. `startedMs` is
 * the performance.now() the span was started at.
 */
export function endCall(
  span: Span,
  histogram: Histogram,
  metricAttributes: Attributes,
  startedMs: number,
  err: unknown,
  failed: boolean,
  status: typeof SpanStatusCode,
): void {
  if (failed) {
    const type = errorType(err);
    span.setAttribute('error.type', type);
    metricAttributes['error.type'] = type;
    if (err instanceof Error) span.recordException(err);
    span.setStatus({ code: status.ERROR, message: err instanceof Error ? err.message : String(err) });
  }
  const now = performance.now();
  histogram.record((now - startedMs) / 1000, metricAttributes);
  span.end(performance.timeOrigin + now);
}
