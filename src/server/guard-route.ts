import type { ServerResponse } from 'node:http';
import { requestPath } from '../http-head.js';
import { runAuthorize } from './authorize.js';
import type { Authorize } from './authorize.js';
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
    runAuthorize(authorize, { headers, remoteAddress: peerAddress(req.socket), path }, (refused) => {
      if (refused) refuse(res, refused.status, refused.message);
      else if (!route(req, res)) refuse(res, 403, 'forbidden');
    });
    return true;
  };
}
