/**
 * Hostile TLS peers against a TLS front: renegotiation attempts in every
 * phase of a connection, handshakes that stall or trickle, and handshakes
 * counted against maxConnections. The server must free every such socket
 * within its deadline (handshakeTimeoutMs covers the TLS handshake too),
 * count sockets still in their TLS handshake, and keep serving a canary.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import type { DialOptions } from '../../src/client/dial-http.js';
import { RpcError } from '../../src/errors.js';
import { rejection } from '../helpers.js';
import { makeTestPki } from '../support/tls-certs.js';
import type { TestPki } from '../support/tls-certs.js';
import { startHostileServer, withCanary } from './harness.js';
import type { HostileServer } from './harness.js';
import { idleCounts, openFds, waitForCounts, waitUntil } from './sockets.js';
import { trickle } from '../support/trickle.js';

const HANDSHAKE_MS = 300;
let pki: TestPki;
let dial: DialOptions;
let h: HostileServer | undefined;
const open: net.Socket[] = [];

beforeAll(async () => {
  pki = await makeTestPki();
  dial = { tls: { ca: pki.caCert, servername: 'localhost' }, connectTimeout: 3000 };
});

afterEach(async () => {
  for (const s of open.splice(0)) s.destroy();
  await h?.close();
  h = undefined;
});

async function startTlsServer(maxConnections = 100): Promise<HostileServer> {
  h = await startHostileServer({ tls: { cert: pki.serverCert, key: pki.serverKey }, handshakeTimeoutMs: HANDSHAKE_MS, maxConnections, lingerMs: 100 });
  return h;
}

function httpsAddress(server: HostileServer): string {
  return `https://localhost:${server.port}`;
}

/** tlsPeer finishes a TLS handshake (TLS 1.2, where renegotiation exists) and stays open after the server's FIN. */
async function tlsPeer(port: number): Promise<tls.TLSSocket & { got: () => Buffer }> {
  const tcp = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const s = tls.connect({ socket: tcp, servername: 'localhost', ca: pki.caCert, maxVersion: 'TLSv1.2' });
  open.push(s);
  let data = Buffer.alloc(0);
  s.on('data', (c: Buffer) => (data = Buffer.concat([data, c])));
  s.on('error', () => undefined);
  await new Promise((resolve, reject) => {
    s.once('secureConnect', resolve);
    s.once('error', reject);
  });
  return Object.assign(s, { got: () => data });
}

/** rawPeer opens a plain TCP connection to the TLS port. */
async function rawPeer(port: number): Promise<net.Socket> {
  const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  open.push(s);
  s.on('error', () => undefined);
  await new Promise((resolve) => s.once('connect', resolve));
  return s;
}

/** renegotiate asks for a renegotiation up to `times` times; resolves early when the server refuses or leaves. */
async function renegotiate(s: tls.TLSSocket, times: number): Promise<void> {
  for (let i = 0; i < times && !s.destroyed; i++) {
    const settled = await Promise.race([
      new Promise<string>((resolve) => {
        if (!s.renegotiate({}, (err) => resolve(err ? 'refused' : 'ok'))) resolve('refused');
      }),
      new Promise<string>((resolve) => {
        s.once('close', () => resolve('closed'));
        s.once('end', () => resolve('ended'));
      }),
      sleep(300).then(() => 'no answer'),
    ]);
    if (settled !== 'ok') return;
  }
}

/** clientHello captures the first flight of a TLS client. */
async function clientHello(): Promise<Buffer> {
  const catcher = net.createServer();
  await new Promise<void>((resolve) => catcher.listen(0, '127.0.0.1', resolve));
  const first = new Promise<Buffer>((resolve) => catcher.once('connection', (s) => s.once('data', resolve)));
  const c = tls.connect({ port: (catcher.address() as AddressInfo).port, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false });
  c.on('error', () => undefined);
  const hello = await first;
  c.destroy();
  catcher.close();
  return hello;
}

interface RenegotiationPhase {
  readonly name: string;
  prepare(s: tls.TLSSocket & { got: () => Buffer }): Promise<void>;
}

const PHASES: readonly RenegotiationPhase[] = [
  { name: 'before sending a head', prepare: async () => undefined },
  { name: 'half way through a head', prepare: async (s) => void s.write('CONNECT /_goRPC_ HTTP/1.0\r\n') },
  {
    name: 'after a refusal (404)',
    prepare: async (s) => {
      s.write('CONNECT /elsewhere HTTP/1.0\r\n\r\n');
      await waitUntil(() => s.got().includes('\r\n\r\n'), 3000, () => 'no 404');
    },
  },
  {
    name: 'while serving RPC',
    prepare: async (s) => {
      s.write('CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: msgpack\r\n\r\n');
      await waitUntil(() => s.got().includes('\n\n'), 3000, () => 'no 200');
    },
  },
];

describe('TLS renegotiation', () => {
  it.each(PHASES)('a peer renegotiating $name is closed and its slot freed, though it stays', async (phase) => {
    const server = await startTlsServer(5);
    await withCanary(
      httpsAddress(server),
      async () => {
        const base = openFds();
        const peers = [await tlsPeer(server.port), await tlsPeer(server.port), await tlsPeer(server.port), await tlsPeer(server.port)];
        for (const p of peers) await phase.prepare(p);
        // Past Node's limit of 3 renegotiations in 10 minutes, and past none at all.
        for (const p of peers) await renegotiate(p, 5);
        await waitUntil(() => openFds() <= base + peers.length, 5000, () => `the server still holds ${openFds() - base - peers.length} of ${peers.length} renegotiating peers`);
        // All 4 free slots (maxConnections 5, one for the canary) serve good clients again.
        const good = await Promise.all(peers.map(() => dialHTTP(httpsAddress(server), dial)));
        for (const c of good) expect(await c.call('Arith.Add', { A: 2, B: 2 })).toBe(4);
        await Promise.all(good.map((c) => c.close()));
        for (const p of peers) p.destroy();
        await waitUntil(() => openFds() <= base, 5000, () => `${openFds() - base} descriptors over the baseline`);
        await waitForCounts(server.server, idleCounts(1));
      },
      'msgpack',
      dial,
    );
  });
});

interface HandshakeStall {
  readonly name: string;
  start(port: number, hello: Buffer): Promise<void>;
}

const STALLS: readonly HandshakeStall[] = [
  { name: 'connects and sends nothing', start: async (port) => void (await rawPeer(port)) },
  { name: 'sends half a ClientHello', start: async (port, hello) => void (await rawPeer(port)).write(hello.subarray(0, hello.length >> 1)) },
  { name: 'trickles a ClientHello, a byte every 40 ms', start: async (port, hello) => trickle(await rawPeer(port), hello, 40) },
  { name: 'finishes TLS and sends nothing', start: async (port) => void (await tlsPeer(port)) },
  {
    name: 'finishes TLS and trickles a head, a byte every 40 ms',
    start: async (port) => trickle(await tlsPeer(port), Buffer.from(`CONNECT /_goRPC_ HTTP/1.0\r\n${'X-Slow: 1\r\n'.repeat(100)}\r\n`), 40),
  },
];

describe('TLS handshake deadline', () => {
  let hello: Buffer;
  beforeAll(async () => {
    hello = await clientHello();
  });

  it.each(STALLS)('a peer that $name is closed after handshakeTimeoutMs', async (stall) => {
    const server = await startTlsServer();
    await withCanary(
      httpsAddress(server),
      async () => {
        const base = openFds();
        const peers = 3;
        for (let i = 0; i < peers; i++) await stall.start(server.port, hello);
        await waitUntil(() => openFds() <= base + peers, HANDSHAKE_MS + 3000, () => `the server still holds ${openFds() - base - peers} of ${peers} stalled handshakes`);
        for (const s of open.splice(0)) s.destroy();
        await waitUntil(() => openFds() <= base, 5000, () => `${openFds() - base} descriptors over the baseline`);
        await waitForCounts(server.server, idleCounts(1));
      },
      'msgpack',
      dial,
    );
  });
});

describe('TLS handshakes and maxConnections', () => {
  it('sockets still in their TLS handshake take slots; past the limit a connection is closed before any TLS work', async () => {
    const server = await startTlsServer(3);
    await withCanary(
      httpsAddress(server),
      async () => {
        await rawPeer(server.port);
        await rawPeer(server.port);
        await sleep(50);
        const refused = await rejection<RpcError>(dialHTTP(httpsAddress(server), dial));
        expect(refused).toBeInstanceOf(RpcError);
        expect(server.server.openSockets.tls).toBe(2);
        // The stalled handshakes reach their deadline and give their slots back.
        await waitUntil(() => server.server.openSockets.tls === 0, HANDSHAKE_MS + 3000, () => JSON.stringify(server.server.openSockets));
        await using good = await dialHTTP(httpsAddress(server), dial);
        expect(await good.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42);
      },
      'msgpack',
      dial,
    );
  });
});
