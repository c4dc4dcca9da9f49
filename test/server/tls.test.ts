import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { ErrorCode, HandshakeError, RpcError } from '../../src/errors.js';
import type { CallContext } from '../../src/call-context.js';
import type { Server } from '../../src/server/server.js';
import { rejection, startDemoServer } from '../helpers.js';
import { makeTestPki } from '../support/tls-certs.js';
import type { TestPki } from '../support/tls-certs.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
});


describe('TLS', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    ({ server, port } = await startDemoServer({ tls: { cert: pki.serverCert, key: pki.serverKey } }));
  });
  afterAll(() => server.close());

  it.each(['msgpack', 'gob', 'json'])('serves CONNECT over TLS to an https:// address (%s)', async (codec) => {
    await using client = await dialHTTP(`https://localhost:${port}`, { codec, tls: { ca: pki.caCert } });
    expect(await client.call('Arith.Multiply', { A: 7, B: 8 })).toBe(56);
    expect(await client.call('Echo.Echo', 'x'.repeat(200_000))).toHaveLength(200_000);
  });

  it('refuses a server certificate it does not trust', async () => {
    const err = await rejection(dialHTTP(`https://localhost:${port}`));
    expect(err.code).toBe(ErrorCode.Connect);
  });

  it('fails cleanly when a plain client dials a TLS server', async () => {
    const err = await rejection(dialHTTP(`127.0.0.1:${port}`, { connectTimeout: 2000 }));
    expect(err).toBeInstanceOf(RpcError);
    expect([ErrorCode.Handshake, ErrorCode.ConnectionLost, ErrorCode.Timeout]).toContain(err.code);
  });

  it('serves the debug page over https', async () => {
    const { request } = await import('node:https');
    const body = await new Promise<string>((resolve, reject) => {
      request(`https://localhost:${port}/debug/rpc?format=json`, { ca: pki.caCert }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    expect(JSON.parse(body)).toHaveProperty('services');
  });
});

describe('TLS with client certificates', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    ({ server, port } = await startDemoServer({
      tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requestCert: true, rejectUnauthorized: true },
      authorize: ({ peerCertificateSubject }) => peerCertificateSubject?.CN === 'test-client',
    }));
    server.register('Peer', { Name: (_a: unknown, ctx: CallContext) => ctx.remoteAddress !== undefined });
  });
  afterAll(() => server.close());

  it('admits a client with a certificate from the trusted CA, and the hook sees its subject', async () => {
    await using client = await dialHTTP(`https://localhost:${port}`, { tls: { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey } });
    expect(await client.call('Arith.Add', { A: 1, B: 2 })).toBe(3);
    expect(await client.call('Peer.Name')).toBe(true);
  });

  it('refuses a client without a certificate', async () => {
    const err = await rejection(dialHTTP(`https://localhost:${port}`, { tls: { ca: pki.caCert }, connectTimeout: 3000 }));
    expect(err).toBeInstanceOf(RpcError);
    expect(err instanceof HandshakeError || err.code === ErrorCode.Connect || err.code === ErrorCode.ConnectionLost).toBe(true);
  });
});
