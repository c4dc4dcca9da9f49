import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** HttpRoute answers a non-CONNECT request, or returns false to pass it on. */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * createHttpFallback makes the Node http.Server that answers every request
 * the CONNECT front does not take. Routes are tried in order; what no route
 * takes gets Go's answer: `405 must CONNECT`. Every answer closes its
 * connection (`Connection: close`): this server never listens, so Node's
 * header and request timers never run for a follow-up request; the front
 * bounds the one request each socket carries.
 */
export function createHttpFallback(routes: readonly HttpRoute[]): http.Server {
  return http.createServer(function answer(req, res) {
    res.setHeader('Connection', 'close');
    for (const route of routes) if (route(req, res)) return;
    res.writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('405 must CONNECT\n');
  });
}
