import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_DEBUG_PATH } from '../connect-wire.js';
import { requestPath } from '../http-head.js';
import { renderDebugHtml } from './debug-html.js';
import type { HttpRoute } from './http-fallback.js';
import type { ServerReport } from './server-stats.js';

/** DebugSource is what {@link debugRoute} needs from a Server: its report and its debug path. */
export interface DebugSource {
  report(): ServerReport;
  /** What the page shows when present (a Server's: all workers' reports together under rpc-serve --workers); else report(). */
  debugReport?(): ServerReport | Promise<ServerReport>;
  readonly options: { readonly debugPath: string };
}

/** DebugFormat is the representation a debug page request asked for. */
export type DebugFormat = 'html' | 'json';

const ALLOW = 'GET, HEAD';

/** CSP for the HTML page: inline CSS only; no scripts, frames, forms or remote loads. */
const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * acceptQuality returns the highest q-value `accept` gives `mediaType`
 * when it names that exact type (parameters other than q ignored), or 0.
 */
function acceptQuality(accept: string, mediaType: string): number {
  let best = 0;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';');
    if (type?.trim().toLowerCase() !== mediaType) continue;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split('=');
      if (k?.trim().toLowerCase() === 'q') {
        const n = Number(v?.trim());
        q = Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
      }
    }
    best = Math.max(best, q);
  }
  return best;
}

/**
 * chooseDebugFormat picks the representation: `?format=json` or
 * `?format=html` decide outright (any other value yields undefined, a bad
 * request). Without the parameter it is JSON when the Accept header names
 * `application/json` with a higher q than it gives `text/html` (so
 * `Accept: application/json`, and axios' JSON-then-wildcard list, get JSON),
 * and HTML otherwise (browsers, curl's wildcard, no header).
 */
export function chooseDebugFormat(query: URLSearchParams, accept: string | undefined): DebugFormat | undefined {
  const format = query.get('format');
  if (format !== null) {
    const f = format.toLowerCase();
    return f === 'json' || f === 'html' ? f : undefined;
  }
  if (!accept) return 'html';
  const json = acceptQuality(accept, 'application/json');
  return json > 0 && json > acceptQuality(accept, 'text/html') ? 'json' : 'html';
}

function queryOf(url: string): URLSearchParams {
  const q = url.indexOf('?');
  if (q === -1) return new URLSearchParams();
  const hash = url.indexOf('#', q);
  return new URLSearchParams(url.slice(q + 1, hash === -1 ? undefined : hash));
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** ReportSource yields the report a debug page shows, now or later. */
export type ReportSource = () => ServerReport | Promise<ServerReport>;

function serveDebug(getReport: ReportSource, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, '405 method not allowed: use GET or HEAD\n', { Allow: ALLOW });
    return;
  }
  const format = chooseDebugFormat(queryOf(req.url ?? ''), req.headers.accept);
  if (format === undefined) {
    sendText(res, 400, '400 unknown format: use format=html or format=json\n');
    return;
  }
  let report: ServerReport | Promise<ServerReport>;
  try {
    report = getReport();
  } catch {
    sendText(res, 500, '500 rpc: debug report failed\n');
    return;
  }
  if (report instanceof Promise) {
    report.then(
      (r) => answerDebug(r, format, req, res),
      () => sendText(res, 500, '500 rpc: debug report failed\n'),
    );
  } else {
    answerDebug(report, format, req, res);
  }
}

function answerDebug(report: ServerReport, format: DebugFormat, req: IncomingMessage, res: ServerResponse): void {
  if (res.destroyed) return;
  let body: string;
  try {
    body = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderDebugHtml(report, '?format=json');
  } catch {
    sendText(res, 500, '500 rpc: debug report failed\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': format === 'json' ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    Vary: 'Accept',
    'X-Content-Type-Options': 'nosniff',
    ...(format === 'html' ? { 'Content-Security-Policy': HTML_CSP } : {}),
  });
  if (req.method === 'HEAD') res.end();
  else res.end(body);
}

/**
 * createDebugRoute returns an HttpRoute that serves the debug page at
 * exactly `debugPath` (query string aside) and passes every other path on.
 *
 * - `GET` answers the HTML page (see renderDebugHtml), or the JSON form
 *   when asked with `?format=json` or `Accept: application/json` (see
 *   chooseDebugFormat); an unknown `format` value gets 400.
 * - The JSON body is exactly `getReport()` — a {@link ServerReport}:
 *   `{ startedAt: string (ISO 8601), uptimeMs: number, connections: number,
 *   services: [{ name: string, methods: [{ name: string, args?: string,
 *   reply?: string, calls: number, errors: number, meanMs: number,
 *   p99Ms: number, samples: number }] }], history?: { bucketMs: number,
 *   endMs: number, calls: number[], errors: number[] }, workers?: number }`
 *   (see ServerReport; `getReport` may answer with a promise), services in registration
 *   order, methods by name; `args`/`reply` are Go type strings, absent when
 *   not declared. `rpc-call --list` reads it: fields may be added, never
 *   renamed or removed.
 * - `HEAD` answers the same headers without a body; any other method gets
 *   405 with `Allow: GET, HEAD`.
 * - Every answer carries `Cache-Control: no-store`; a failing `getReport`
 *   gets 500, never an unhandled exception.
 */
export function createDebugRoute(getReport: ReportSource, debugPath: string = DEFAULT_DEBUG_PATH): HttpRoute {
  return function debugPage(req: IncomingMessage, res: ServerResponse): boolean {
    if (requestPath(req.url ?? '') !== debugPath) return false;
    serveDebug(getReport, req, res);
    return true;
  };
}

/**
 * debugRoute is createDebugRoute for a Server: it serves
 * `server.debugReport()` (or `server.report()` for a source without it) at
 * `server.options.debugPath` (read once, now). Install it with
 * `server.addHttpRoute(debugRoute(server))`.
 */
export function debugRoute(server: DebugSource): HttpRoute {
  return createDebugRoute(() => (server.debugReport ? server.debugReport() : server.report()), server.options.debugPath);
}
