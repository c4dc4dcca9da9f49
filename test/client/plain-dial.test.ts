/**
 * dial (plain TCP, TLS, Unix sockets) and newClient against netrpc servers
 * serving plain peers on their HTTP port, a pinned listener, a Unix socket
 * and a stream pair; the authorize rules for plain peers.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { duplexPair } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial } from '../../src/client/dial.js';
import { newClient } from '../../src/client/new-client.js';
import { dialHTTP } from '../../src/client/dial-http.js';
import { connectPool, dialReconnecting } from '../../src/client/pool.js';
import { ErrorCode, RpcError } from '../../src/errors.js';
import { Server } from '../../src/server/server.js';
import { freePort, startDemoServer } from '../helpers.js';
import { makeTestPki } from '../support/tls-certs.js';
import type { TestPki } from '../support/tls-certs.js';
import { demoServer } from '../support/demo-server.js';
import { rpcRejection as rejection } from '../support/rejection.js';

describe('dial → netrpc server, plain TCP on its HTTP port', () => {
  let server: Server;
  let address: string;
  beforeAll(async () => {
    ({ server, address } = await startDemoServer());
  });
  afterAll(() => server.close());

  it.each(['gob', 'json', 'msgpack'])('%s is detected and served beside HTTP CONNECT', async (codec) => {
    await using plain = await dial(`tcp://${address}`, { codec });
    await using viaHttp = await dialHTTP(address, { codec });
    expect(await plain.call('Arith.Multiply', { A: 7, B: 8 })).toBe(56);
    expect(await plain.call('Echo.Echo', 'x'.repeat(100_000))).toHaveLength(100_000);
    expect(await viaHttp.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42);
    expect(server.openSockets.rpc).toBe(2);
  });

  it('defaults to gob, as rpc.Dial', async () => {
    await using client = await dial(address);
    expect(client.codecName).toBe('gob');
    expect(await client.call('Echo.Upper', 'go')).toBe('GO');
  });

  it('rejects bad addresses, codec auto and unreachable servers with typed errors', async () => {
    expect((await rejection(dial(`http://${address}`))).code).toBe(ErrorCode.InvalidArgument);
    expect((await rejection(dial(address, { codec: 'auto' }))).code).toBe(ErrorCode.InvalidArgument);
    expect((await rejection(dial(address, { codec: 'xml' }))).code).toBe(ErrorCode.InvalidArgument);
    expect((await rejection(dial(`127.0.0.1:${await freePort()}`))).code).toBe(ErrorCode.Connect);
    expect((await rejection(dial(`unix:${join(tmpdir(), 'netrpc-no-such.sock')}`))).code).toBe(ErrorCode.Connect);
    const aborted = new AbortController();
    aborted.abort();
    expect((await rejection(dial(address, { signal: aborted.signal }))).code).toBe(ErrorCode.Aborted);
  });

  it('drains a plain connection like any other: the running call finishes', async () => {
    const own = demoServer();
    const { port } = await own.listen({ port: 0 });
    const client = await dial(`127.0.0.1:${port}`, { codec: 'json' });
    const running = client.call('Echo.Sleep', 300);
    await expect.poll(() => own.callsInFlight).toBe(1);
    await own.close();
    expect(await running).toBe(300);
    await client.close();
  });
});

describe('pools over plain TCP', () => {
  it('connectPool mixes tcp://, unix: and HTTP endpoints; the plain option dials host:port plain', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'netrpc-unix-')), 'rpc.sock');
    const a = demoServer();
    const b = demoServer();
    const c = demoServer({ plain: false });
    const { port: pa } = await a.listen({ port: 0, plain: 'json' });
    await b.listen({ path });
    const { port: pc } = await c.listen({ port: 0 });
    try {
      await using pool = connectPool([`tcp://127.0.0.1:${pa}`, `unix:${path}`, `127.0.0.1:${pc}`], { codec: 'json', strategy: 'round-robin' });
      await expect.poll(() => pool.status().map((s) => s.state)).toEqual(['ready', 'ready', 'ready']);
      const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => pool.call('Arith.Multiply', { A: i, B: 2 })));
      expect(replies).toEqual(Array.from({ length: 30 }, (_, i) => i * 2));
      for (const server of [a, b, c]) {
        expect(server.connectionCount).toBe(1);
        const multiply = server.report().services.find((x) => x.name === 'Arith')!.methods.find((m) => m.name === 'Multiply')!;
        expect(multiply.calls).toBe(10); // round-robin over three ready endpoints
      }

      await using plainPool = dialReconnecting(`127.0.0.1:${pa}`, { plain: true, codec: 'json' });
      expect(await plainPool.call('Echo.Upper', 'pool')).toBe('POOL');
      expect(a.connectionCount).toBe(2);
    } finally {
      await Promise.all([a.close(0), b.close(0), c.close(0)]);
    }
  });

  it('dialReconnecting over tcp:// reconnects after the server drops the connection', async () => {
    const server = demoServer();
    const { port } = await server.listen({ port: 0 });
    try {
      await using pool = dialReconnecting(`tcp://127.0.0.1:${port}`, { codec: 'gob', minBackoffMs: 10 });
      expect(await pool.call('Arith.Add', { A: 1, B: 2 })).toBe(3);
      for (const s of [...(server as unknown as { connections: Set<{ destroy(): void }> }).connections]) s.destroy();
      await expect.poll(async () => pool.call('Arith.Add', { A: 2, B: 2 }, { idempotent: true }).catch(() => undefined)).toBe(4);
    } finally {
      await server.close(0);
    }
  });
});

describe('listeners: pinned to a codec, plain off, Unix sockets', () => {
  it('a pinned listener serves its codec from the first byte, HTTP not at all', async () => {
    const server = demoServer();
    const { port } = await server.listen({ port: 0, plain: 'msgpack' });
    try {
      await using client = await dial(`127.0.0.1:${port}`, { codec: 'msgpack' });
      expect(await client.call('Arith.Add', { A: 1, B: 2 })).toBe(3);
      const err = await rejection(dialHTTP(`127.0.0.1:${port}`, { connectTimeout: 2000 }));
      expect([ErrorCode.Handshake, ErrorCode.Timeout, ErrorCode.ConnectionLost]).toContain(err.code);
    } finally {
      await server.close();
    }
  });

  it('refuses to pin a codec the server does not offer', async () => {
    const err = await rejection(demoServer().listen({ port: 0, plain: 'xml' }));
    expect(err.code).toBe(ErrorCode.InvalidArgument);
  });

  it('with plain off, a plain peer is answered 400 at once, not after the handshake timeout', async () => {
    const server = demoServer({ plain: false, handshakeTimeoutMs: 60_000 });
    const { port } = await server.listen({ port: 0 });
    try {
      await using client = await dial(`127.0.0.1:${port}`, { codec: 'json' });
      expect(await rejection(client.call('Arith.Add', { A: 1, B: 2 }))).toBeInstanceOf(RpcError);
      expect(server.telemetry.refusalCounts().get('bad_request')).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('serves on a Unix socket: plain peers and HTTP CONNECT', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'netrpc-unix-')), 'rpc.sock');
    const server = demoServer();
    expect(await server.listen({ path })).toEqual({ address: path, family: 'unix', port: 0 });
    try {
      await using client = await dial(`unix:${path}`, { codec: 'gob' });
      expect(await client.call('Arith.Multiply', { A: 3, B: 4 })).toBe(12);
      expect((await rejection(dial(`unix:${path}`, { tls: true }))).code).toBe(ErrorCode.InvalidArgument);
    } finally {
      await server.close();
    }
  });
});

describe('newClient over a stream pair', () => {
  it.each(['gob', 'json', 'msgpack'])('%s: calls, errors, and close() destroys the stream', async (codec) => {
    const server = demoServer();
    const [near, far] = duplexPair();
    server.serveConn(far, { codec });
    const client = newClient(near, { codec });
    expect(client.codecName).toBe(codec);
    expect(await client.call('Arith.Divide', { A: 7, B: 2 })).toEqual({ Quo: 3, Rem: 1 });
    await expect(client.call('Echo.Fail', 'x')).rejects.toThrow('failed: x');
    await client.close();
    expect(near.destroyed).toBe(true);
    await server.close(0); // the pair does not carry the destroy across: no peer to wait for
    expect(server.connectionCount).toBe(0);
  });

  it('defaults to gob, as Go\'s rpc.NewClient', async () => {
    const server = demoServer();
    const [near, far] = duplexPair();
    server.serveConn(far, { codec: 'gob' });
    await using client = newClient(near);
    expect(client.codecName).toBe('gob');
    expect(await client.call('Arith.Multiply', { A: 2, B: 21 })).toBe(42);
    await server.close(0);
  });

  it('throws for an unknown codec', () => {
    const [near] = duplexPair();
    expect(() => newClient(near, { codec: 'xml' })).toThrow(RpcError);
  });
});

describe('authorize and plain peers', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await makeTestPki();
  });

  it('plain TCP is off when authorize is set: the plain peer is refused, CONNECT with a token works', async () => {
    const { server, address } = await startDemoServer({ authorize: ({ headers }) => headers.authorization === 'Bearer t' });
    try {
      await using plain = await dial(address, { codec: 'gob' });
      expect(await rejection(plain.call('Arith.Add', { A: 1, B: 2 }))).toBeInstanceOf(RpcError);
      await using viaHttp = await dialHTTP(address, { token: 't' });
      expect(await viaHttp.call('Arith.Add', { A: 1, B: 2 })).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('plain: true with authorize over TLS: the hook sees the client certificate and no headers', async () => {
    const seen: unknown[] = [];
    const { server, port } = await startDemoServer({
      plain: true,
      tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requestCert: true, rejectUnauthorized: false },
      authorize: ({ headers, peerCertificateSubject }) => {
        seen.push({ headers, cn: peerCertificateSubject?.CN });
        return peerCertificateSubject?.CN === 'test-client';
      },
    });
    try {
      await using admitted = await dial(`tls://localhost:${port}`, { codec: 'json', tls: { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey } });
      expect(await admitted.call('Arith.Add', { A: 1, B: 2 })).toBe(3);
      await using anonymous = await dial(`localhost:${port}`, { codec: 'json', tls: { ca: pki.caCert } });
      expect((await rejection(anonymous.call('Arith.Add', { A: 1, B: 2 }))).code).toBe(ErrorCode.ConnectionLost);
      expect(seen).toEqual([
        { headers: {}, cn: 'test-client' },
        { headers: {}, cn: undefined },
      ]);
      expect(server.telemetry.refusalCounts().get('unauthorized')).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('tls:// to a plain server is named as such', async () => {
    const { server, port } = await startDemoServer();
    try {
      const err = await rejection(dial(`tls://127.0.0.1:${port}`, { connectTimeout: 3000 }));
      expect(err.code).toBe(ErrorCode.Connect);
      expect(err.message).toContain('does not speak TLS');
    } finally {
      await server.close();
    }
  });
});
