/**
 * The client library against hostile servers and proxies during the
 * CONNECT exchange: answers that never come, come a byte at a time, never
 * end, are not HTTP, or are refusals with endless bodies; over TLS and
 * through a forward proxy too. dialHTTP must give up within its
 * connectTimeout (or at once, for what breaks a limit) with a typed error,
 * read no more than its limits, and leave no socket open behind it.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import type { DialOptions } from '../../src/client/dial-http.js';
import { ErrorCode, RpcError } from '../../src/errors.js';
import type { ErrorCodeValue } from '../../src/errors.js';
import { rejection } from '../helpers.js';
import { makeTestPki } from '../support/tls-certs.js';
import type { TestPki } from '../support/tls-certs.js';
import { openFds, waitUntil } from './sockets.js';

const CONNECT_MS = 300;
let pki: TestPki;

beforeAll(async () => {
  pki = await makeTestPki();
});

/** FakeServer runs `behave` on every accepted socket and remembers the sockets and the bytes it wrote. */
interface FakeServer {
  readonly port: number;
  readonly sockets: net.Socket[];
  /** Bytes the fake server wrote, over all sockets. */
  written: number;
  close(): Promise<void>;
}

type Behave = (socket: net.Socket, fake: FakeServer) => void;

async function fakeServer(behave: Behave, secure = false): Promise<FakeServer> {
  const sockets: net.Socket[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const onSocket = (socket: net.Socket): void => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => undefined);
    behave(socket, fake);
  };
  const srv = secure ? tls.createServer({ cert: pki.serverCert, key: pki.serverKey }, onSocket) : net.createServer(onSocket);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const fake: FakeServer = {
    port: (srv.address() as AddressInfo).port,
    sockets,
    written: 0,
    async close() {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => srv.close(resolve));
    },
  };
  trickles.set(fake, timers);
  return fake;
}

const trickles = new WeakMap<FakeServer, Set<NodeJS.Timeout>>();

/** send writes `chunk` every `everyMs` until the socket closes or `limit` bytes went out. */
function send(socket: net.Socket, fake: FakeServer, chunk: string | Buffer, everyMs: number, limit = Infinity): void {
  let sent = 0;
  const t = setInterval(() => {
    if (socket.destroyed || sent >= limit) return clearInterval(t);
    socket.write(chunk);
    sent += chunk.length;
    fake.written += chunk.length;
  }, everyMs);
  trickles.get(fake)!.add(t);
}

function trickleText(socket: net.Socket, fake: FakeServer, text: string, everyMs: number): void {
  let i = 0;
  const t = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(t);
    socket.write(text[i++]!);
    fake.written++;
  }, everyMs);
  trickles.get(fake)!.add(t);
}

interface HostileAnswer {
  readonly name: string;
  readonly behave: Behave;
  /** Error codes a dial may fail with. */
  readonly codes: readonly ErrorCodeValue[];
  /** The server's side is TLS (the client dials https). */
  readonly secure?: boolean;
}

const ANSWERS: readonly HostileAnswer[] = [
  { name: 'accepts and never reads', behave: (s) => void s.pause(), codes: [ErrorCode.Timeout] },
  { name: 'reads the CONNECT and never answers', behave: (s) => void s.resume(), codes: [ErrorCode.Timeout] },
  { name: 'trickles a 200 status line, a byte every 40 ms', behave: (s, f) => trickleText(s, f, 'HTTP/1.0 200 Connected to Go RPC\n\n', 40), codes: [ErrorCode.Timeout] },
  { name: 'trickles an endless head, a byte every 10 ms', behave: (s, f) => send(s, f, 'x', 10), codes: [ErrorCode.Timeout, ErrorCode.Handshake] },
  { name: 'sends an endless head fast', behave: (s, f) => send(s, f, 'HTTP/1.0 200 OK\r\n' + 'X-Junk: aaaaaaaa\r\n'.repeat(60), 1), codes: [ErrorCode.Handshake] },
  { name: 'answers 200, then trickles headers forever', behave: (s, f) => {
    s.write('HTTP/1.0 200 Connected to Go RPC\r\n');
    send(s, f, 'X-More: 1\r\n', 5);
  }, codes: [ErrorCode.Timeout, ErrorCode.Handshake] },
  { name: 'answers 503, then trickles its body forever', behave: (s, f) => {
    s.write('HTTP/1.1 503 Service Unavailable\r\n\r\n');
    send(s, f, 'b', 10);
  }, codes: [ErrorCode.Handshake, ErrorCode.Timeout] },
  { name: 'answers 503 with a 16 MiB body', behave: (s, f) => {
    s.write('HTTP/1.1 503 Service Unavailable\r\n\r\n');
    send(s, f, Buffer.alloc(64 * 1024, 0x62), 1, 16 * 1024 * 1024);
  }, codes: [ErrorCode.Handshake] },
  { name: 'answers something that is not HTTP', behave: (s) => void s.write('SSH-2.0-OpenSSH_9\r\n\r\n'), codes: [ErrorCode.Handshake] },
  { name: 'closes at once', behave: (s) => void s.end(), codes: [ErrorCode.Handshake, ErrorCode.ConnectionLost] },
  { name: 'resets the connection', behave: (s) => void s.resetAndDestroy(), codes: [ErrorCode.Handshake, ErrorCode.ConnectionLost, ErrorCode.Connect] },
  { name: 'over TLS: accepts TCP and never answers the ClientHello', behave: (s) => void s.resume(), codes: [ErrorCode.Timeout] },
  { name: 'over TLS: finishes TLS and never answers the CONNECT', behave: (s) => void s.resume(), codes: [ErrorCode.Timeout], secure: true },
  { name: 'over TLS: finishes TLS and trickles a status line', behave: (s, f) => trickleText(s, f, 'HTTP/1.0 200 Connected to Go RPC\n\n', 40), codes: [ErrorCode.Timeout], secure: true },
];

function dialOptions(answer: HostileAnswer): DialOptions {
  const overTls = answer.secure || answer.name.startsWith('over TLS');
  return { connectTimeout: CONNECT_MS, proxy: false, ...(overTls ? { tls: { ca: pki.caCert, servername: 'localhost' } } : {}) };
}

describe('dialHTTP against a hostile server', () => {
  it.each(ANSWERS)('a server that $name: a typed error within connectTimeout, bounded reading, no socket left', async (answer) => {
    const fake = await fakeServer(answer.behave, answer.secure);
    const base = openFds();
    const t0 = performance.now();
    const err = await rejection<RpcError>(dialHTTP(`127.0.0.1:${fake.port}`, dialOptions(answer)));
    const took = performance.now() - t0;
    expect(err).toBeInstanceOf(RpcError);
    expect(answer.codes).toContain(err.code);
    // A deadline, not a speed: far below what the hostile answer would take to finish.
    expect(took).toBeLessThan(CONNECT_MS + 2000);
    // With the fake server's sockets gone, no descriptor is left: the client closed its own.
    await fake.close();
    await waitUntil(() => openFds() <= base - 1, 3000, () => `${openFds() - base + 1} descriptors left behind`);
    // Refusal bodies are read up to a small cap, not to their end.
    expect(fake.written).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('dialHTTP through a hostile proxy', () => {
  let proxy: FakeServer;
  afterAll(() => proxy?.close());

  it.each([
    ['never answers the tunnel request', ((s) => void s.resume()) as Behave],
    ['trickles its 200, a byte every 40 ms', ((s, f) => trickleText(s, f, 'HTTP/1.1 200 Connection established\r\n\r\n', 40)) as Behave],
  ])('a proxy that %s: RPC_TIMEOUT within connectTimeout', async (_name, behave) => {
    proxy = await fakeServer(behave);
    const t0 = performance.now();
    const err = await rejection<RpcError>(dialHTTP('10.255.255.1:1234', { connectTimeout: CONNECT_MS, proxy: `http://127.0.0.1:${proxy.port}` }));
    expect(err.code).toBe(ErrorCode.Timeout);
    expect(performance.now() - t0).toBeLessThan(CONNECT_MS + 2000);
    await waitUntil(() => proxy.sockets.every((s) => s.destroyed || s.readableEnded), 3000, () => 'the client left the tunnel open');
    await proxy.close();
  });
});
