import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestPath } from '../http-head.js';
import type { Authorize } from './authorize.js';
import { guardRoute } from './guard-route.js';
import type { HttpRoute } from './http-fallback.js';

/** HEALTHZ_PATH answers 200 while the process serves (a liveness probe). */
export const HEALTHZ_PATH = '/healthz';
/** READYZ_PATH answers 200 while the server takes new work, 503 once it drains or is marked not serving (a readiness probe). */
export const READYZ_PATH = '/readyz';

/**
 * ProbeAccess says who may read the probes: `'guarded'` (the default) puts
 * them behind the server's authorize hook as the debug page is, `'open'`
 * answers anyone (probes rarely carry tokens), `'off'` does not serve them.
 */
export type ProbeAccess = 'guarded' | 'open' | 'off';

/** ProbeSource is what the probe routes read from a Server: why it is not ready, or undefined when it is. */
export interface ProbeSource {
  notReadyReason(): string | undefined;
}

function answer(req: IncomingMessage, res: ServerResponse, status: number, body: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('405 method not allowed\n');
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function healthz(req: IncomingMessage, res: ServerResponse): boolean {
  if (requestPath(req.url ?? '') !== HEALTHZ_PATH) return false;
  answer(req, res, 200, 'ok\n');
  return true;
}

function readyz(source: ProbeSource): HttpRoute {
  return function ready(req, res) {
    if (requestPath(req.url ?? '') !== READYZ_PATH) return false;
    const why = source.notReadyReason();
    answer(req, res, why === undefined ? 200 : 503, why === undefined ? 'ready\n' : `not ready: ${why}\n`);
    return true;
  };
}

/** probeRoutes returns the `/healthz` and `/readyz` routes for the given access (none for `'off'`). */
export function probeRoutes(source: ProbeSource, access: ProbeAccess, authorize: Authorize | undefined): HttpRoute[] {
  if (access === 'off') return [];
  const guard = access === 'guarded' ? authorize : undefined;
  return [guardRoute(healthz, HEALTHZ_PATH, guard), guardRoute(readyz(source), READYZ_PATH, guard)];
}
