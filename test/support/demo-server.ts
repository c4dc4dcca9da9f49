/**
 * Servers with the demo services registered, the peer most tests call.
 */
import type { AddressInfo } from 'node:net';
import { demoServices } from '../../src/demo/services.js';
import { Server } from '../../src/server/server.js';
import type { ServerOptions } from '../../src/server/options.js';

/** demoServer returns a Server with every demo service registered, not yet listening. */
export function demoServer(options: ServerOptions = {}): Server {
  const server = new Server(options);
  for (const service of demoServices()) server.register(service);
  return server;
}

/** startDemoServer starts a Server with the demo services on a free loopback port. */
export async function startDemoServer(options: ServerOptions = {}): Promise<{ server: Server; address: string; port: number }> {
  const server = demoServer(options);
  const addr: AddressInfo = await server.listen({ port: 0 });
  return { server, address: `127.0.0.1:${addr.port}`, port: addr.port };
}
