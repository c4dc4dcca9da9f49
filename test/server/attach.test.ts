import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { demoServices } from '../../src/demo/services.js';
import { HandshakeError } from '../../src/errors.js';
import { Server } from '../../src/server/server.js';

let httpServer: http.Server;
let rpc: Server;
let address: string;

beforeAll(async () => {
  // Short HTTP timers: the tunnel must outlive every one of them.
  httpServer = http.createServer({ requestTimeout: 300, headersTimeout: 200, keepAliveTimeout: 100, connectionsCheckingInterval: 50 }, (_req, res) => {
    res.end('app page\n');
  });
  httpServer.timeout = 300;
  rpc = new Server();
  for (const service of demoServices()) rpc.register(service);
  rpc.attach(httpServer);
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  address = `127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await rpc.close();
  httpServer.closeAllConnections();
  await new Promise((r) => httpServer.close(r));
});

describe('attach to an existing http.Server', () => {
  it.each(['msgpack', 'json'])('serves CONNECT on the RPC path (%s) while the app keeps its routes', async (codec) => {
    await using client = await dialHTTP(address, { codec });
    expect(await client.call('Arith.Multiply', { A: 7, B: 8 })).toBe(56);
    expect(await (await fetch(`http://${address}/`)).text()).toBe('app page\n');
  });

  it("keeps a tunnel alive past the server's request, header, keep-alive and socket timeouts", async () => {
    await using client = await dialHTTP(address, { codec: 'msgpack' });
    expect(await client.call('Arith.Add', { A: 1, B: 1 })).toBe(2);
    await sleep(1200);
    expect(await client.call('Echo.Sleep', 400)).toBe(400);
    expect(await client.call('Arith.Add', { A: 2, B: 2 })).toBe(4);
  });

  it('answers CONNECT to another path with 404', async () => {
    const err = await dialHTTP(address, { path: '/other' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandshakeError);
    expect((err as HandshakeError).statusCode).toBe(404);
  });

  it('answers an unknown codec with 415', async () => {
    const err = await dialHTTP(address, { codec: { ...(await import('../../src/codec/json/json-codec.js')).jsonCodec, name: 'yaml' } }).catch((e: unknown) => e);
    expect((err as HandshakeError).statusCode).toBe(415);
  });
});
