import type { ServerResponse } from 'node:http';
import { requestPath } from '../handshake.js';
import type { Authorize, AuthorizeResult } from './authorize.js';
import { flattenHeaders } from './flatten-headers.js';
import { peerAddress } from './peer-address.js';
import type { HttpRoute } from './http-fallback.js';


function refuse(res: ServerResponse, status: 401 | 403, message: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    ...(status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}),
  });
  res.end(`${status} ${message}\n`);
}

/**
 * guardRoute puts the server's authorize hook in front of an HTTP route
 * served at `path` (the debug page), so a server that requires a token
 * does not show its services to anyone without it. Refusals are answered
 * 401/403 as for CONNECT; without a hook the route is returned unchanged.
 */
export function guardRoute(route: HttpRoute, path: string, authorize: Authorize | undefined): HttpRoute {
  if (!authorize) return route;
  return function guarded(req, res) {
    if (requestPath(req.url ?? '') !== path) return false;
    const headers = flattenHeaders(req.headers);
    const decide = (result: AuthorizeResult | Error): void => {
      if (result === true) {
        if (!route(req, res)) refuse(res, 403, 'forbidden');
        return;
      }
      if (result instanceof Error) return refuse(res, 403, 'forbidden');
      if (result === false) return headers.authorization === undefined ? refuse(res, 401, 'authorization required') : refuse(res, 403, 'forbidden');
      refuse(res, result.status, result.message ?? (result.status === 401 ? 'authorization required' : 'forbidden'));
    };
    const remoteAddress = peerAddress(req.socket);
    try {
      Promise.resolve(authorize({ headers, remoteAddress, path })).then(decide, (err: unknown) => decide(err instanceof Error ? err : new Error(String(err))));
    } catch (err) {
      decide(err instanceof Error ? err : new Error(String(err)));
    }
    return true;
  };
}
