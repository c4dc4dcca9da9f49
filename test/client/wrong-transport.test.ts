/**
 * A client that dials with the wrong transport learns so at once, in words:
 * TLS to a plain server "does not speak TLS", plain to a TLS server
 * "expects TLS". The connect timeout is set far above the test's own, so a
 * client that waits for it fails the test instead of passing slowly.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { ErrorCode, HandshakeError, RpcError } from '../../src/errors.js';
import type { Server } from '../../src/server/server.js';
import { buildGoProgram, requireGo } from '../interop/go-toolchain.js';
import { startListeningProgram } from '../interop/go-process.js';
import type { StartedServer } from '../interop/go-process.js';
import { rejection, startDemoServer } from '../helpers.js';
import { makeTestPki } from '../support/tls-certs.js';
import type { TestPki } from '../support/tls-certs.js';

const haveGo = await requireGo();
const NEVER = 600_000;

let pki: TestPki;
let plain: { server: Server; port: number };
let secure: { server: Server; port: number };
beforeAll(async () => {
  pki = await makeTestPki();
  plain = await startDemoServer();
  secure = await startDemoServer({ tls: { cert: pki.serverCert, key: pki.serverKey } });
});
afterAll(async () => {
  await plain?.server.close();
  await secure?.server.close();
});

describe('TLS to a plain server', () => {
  it('fails at once with "does not speak TLS" against a netrpc server', async () => {
    const err = await rejection(dialHTTP(`https://127.0.0.1:${plain.port}`, { connectTimeout: NEVER }));
    expect(err).toBeInstanceOf(RpcError);
    expect(err.code).toBe(ErrorCode.Connect);
    expect(err.message).toBe(`rpc: the server at 127.0.0.1:${plain.port} does not speak TLS: dial 127.0.0.1:${plain.port} or http://127.0.0.1:${plain.port} (without TLS)`);
    expect((err.cause as RpcError).code).toBe(ErrorCode.Connect);
    // The same server still serves a plain client.
    await using client = await dialHTTP(`127.0.0.1:${plain.port}`);
    expect(await client.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42);
  });

  it('answers a TLS handshake on the plain front with a 400 at once, not after its handshake timeout', async () => {
    const socket = net.connect(plain.port, '127.0.0.1');
    // The first bytes of a TLS ClientHello record: handshake (22), TLS 1.0 record version.
    socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4, 0x03, 0x03]));
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
    await new Promise((r) => socket.once('end', r));
    socket.destroy();
    expect(got).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(got).toContain('client sent a TLS handshake to a server that does not speak TLS');
  });

  it.skipIf(!haveGo)('fails at once with "does not speak TLS" against a Go rpc.HandleHTTP server', async () => {
    let go: StartedServer | undefined;
    try {
      go = await startListeningProgram(await buildGoProgram('gobserver'));
      const err = await rejection(dialHTTP(`https://${go.address}`, { connectTimeout: NEVER }));
      expect(err.code).toBe(ErrorCode.Connect);
      expect(err.message).toMatch(/^rpc: the server at 127\.0\.0\.1:\d+ does not speak TLS: dial /);
    } finally {
      await go?.stop();
    }
  }, 60_000);
});

describe('plain to a TLS server', () => {
  it('fails with "expects TLS" against a netrpc TLS server, which answers as Go\'s does', async () => {
    const err = await rejection<HandshakeError>(dialHTTP(`127.0.0.1:${secure.port}`, { connectTimeout: NEVER }));
    expect(err).toBeInstanceOf(HandshakeError);
    expect(err.code).toBe(ErrorCode.Handshake);
    expect(err.statusCode).toBe(400);
    expect(err.message).toBe(`rpc: the server at 127.0.0.1:${secure.port} expects TLS: dial https://127.0.0.1:${secure.port} (or set the tls option)`);
    // And the advice works.
    await using client = await dialHTTP(`https://localhost:${secure.port}`, { tls: { ca: pki.caCert } });
    expect(await client.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42);
  });

  it('suggests TLS when a TLS server closes on a plain CONNECT without an answer', async () => {
    const bare = tls.createServer({ cert: pki.serverCert, key: pki.serverKey });
    bare.on('tlsClientError', (_err, s) => s.destroy());
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const { port } = bare.address() as AddressInfo;
    try {
      const err = await rejection<HandshakeError>(dialHTTP(`127.0.0.1:${port}`, { connectTimeout: NEVER }));
      expect(err).toBeInstanceOf(HandshakeError);
      expect(err.message).toBe(
        `rpc: connection closed during CONNECT /_goRPC_ without an answer; a TLS server does that to a plain request: if 127.0.0.1:${port} expects TLS, dial https://127.0.0.1:${port} (or set the tls option)`,
      );
    } finally {
      await new Promise((r) => bare.close(r));
    }
  });
});
