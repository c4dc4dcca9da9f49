import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { parseAddress } from '../../src/client/address.js';
import { ErrorCode, HandshakeError, ProtocolError, RpcError } from '../../src/errors.js';
import type { Server } from '../../src/server/server.js';
import { rejection, startDemoServer } from '../helpers.js';


/** fakeServer answers every connection with `respond(socket, requestBytes)`. */
async function fakeServer(respond: (socket: net.Socket, request: Buffer) => void): Promise<{ port: number; close(): void }> {
  const srv = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', (d) => respond(socket, d));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as AddressInfo).port, close: () => srv.close() };
}

let server: Server;
let address: string;
beforeAll(async () => {
  ({ server, address } = await startDemoServer());
});
afterAll(() => server.close());

describe('calls', () => {
  it('times out a call with RPC_TIMEOUT and drops its late reply', async () => {
    await using client = await dialHTTP(address);
    const started = Date.now();
    const err = await rejection(client.call('Echo.Sleep', 300, { timeout: 50 }));
    expect(err.code).toBe(ErrorCode.Timeout);
    expect(Date.now() - started).toBeLessThan(250);
    expect(client.pendingCount).toBe(0);
    await sleep(350);
    expect(await client.call('Arith.Add', { A: 1, B: 2 })).toBe(3);
  });

  it('uses the client-wide default timeout', async () => {
    await using client = await dialHTTP(address, { timeout: 40 });
    expect((await rejection(client.call('Echo.Sleep', 500))).code).toBe(ErrorCode.Timeout);
    expect(await client.call('Echo.Sleep', 1, { timeout: 0 })).toBe(1);
  });

  it('aborts a call with RPC_ABORTED, at once and when already aborted', async () => {
    await using client = await dialHTTP(address);
    const ac = new AbortController();
    const p = client.call('Echo.Sleep', 300, { signal: ac.signal });
    ac.abort();
    expect((await rejection(p)).code).toBe(ErrorCode.Aborted);
    expect((await rejection(client.call('Echo.Sleep', 1, { signal: AbortSignal.abort() }))).code).toBe(ErrorCode.Aborted);
  });

  it('rejects pending calls with RPC_SHUTDOWN on close, fails later calls fast, and closes twice', async () => {
    const client = await dialHTTP(address);
    const pending = rejection(client.call('Echo.Sleep', 1000));
    await client.close();
    await client.close();
    const err = await pending;
    expect(err.code).toBe(ErrorCode.Shutdown);
    expect(err.message).toBe('rpc: connection is shut down');
    expect((await rejection(client.call('Arith.Add', { A: 1, B: 1 }))).code).toBe(ErrorCode.Shutdown);
    expect(client.isClosed).toBe(true);
  });

  it('closes with await using', async () => {
    let outer;
    {
      await using client = await dialHTTP(address);
      outer = client;
      expect(await client.call('Echo.Upper', 'x')).toBe('X');
    }
    expect(outer.isClosed).toBe(true);
  });

  it('rejects an argument that cannot be encoded with RPC_ENCODE and stays usable', async () => {
    await using client = await dialHTTP(address, { codec: 'json' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect((await rejection(client.call('Echo.Echo', cyclic))).code).toBe(ErrorCode.Encode);
    expect(await client.call('Echo.Echo', 'ok')).toBe('ok');
  });

  it('fails every pending call at once when the server goes away', async () => {
    const { server: doomed, address: doomedAddress } = await startDemoServer({ graceMs: 0 });
    const client = await dialHTTP(doomedAddress);
    const calls = Array.from({ length: 20 }, () => rejection(client.call('Echo.Sleep', 5000)));
    await sleep(30);
    await doomed.close(0);
    const errors = await Promise.all(calls);
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set([ErrorCode.ConnectionLost]));
    expect((await rejection(client.call('Arith.Add', { A: 1, B: 1 }))).code).toBe(ErrorCode.Shutdown);
  });
});

describe('dialHTTP', () => {
  it('reports an unreachable host as RPC_CONNECT', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const err = await rejection(dialHTTP(`127.0.0.1:${port}`));
    expect(err.code).toBe(ErrorCode.Connect);
  });

  it('carries the status line and body of a refused CONNECT', async () => {
    const err = await rejection(dialHTTP(address, { codec: 'msgpack', path: '/wrong' }));
    expect(err).toBeInstanceOf(HandshakeError);
    expect((err as HandshakeError).statusCode).toBe(404);
    expect((err as HandshakeError).statusLine).toBe('HTTP/1.1 404 Not Found');
  });

  it('shows the codecs a server offers when it refuses ours', async () => {
    const { server: jsonOnly, address: a } = await startDemoServer({ codecs: [(await import('../../src/codec/json/json-codec.js')).jsonCodec] });
    const err = await rejection(dialHTTP(a, { codec: 'msgpack' }));
    expect(err.code).toBe(ErrorCode.Handshake);
    expect(err.message).toContain('415');
    expect(err.message).toContain('this server offers: json');
    await jsonOnly.close();
  });

  it('accepts a bare-LF 200 and keeps codec bytes that follow it in the same packet', async () => {
    const { packr } = await import('./msgpack-reply.js');
    const reply = packr([1, 0, null, 'split']);
    const fake = await fakeServer((socket) => {
      socket.write(Buffer.concat([Buffer.from('HTTP/1.0 200 Connected to Go RPC\nRpc-Codec: msgpack\n\n'), reply.subarray(0, 3)]));
      socket.once('data', () => socket.write(reply.subarray(3)));
    });
    await using client = await dialHTTP(`127.0.0.1:${fake.port}`);
    expect(await client.call('X.Y', 1)).toBe('split');
    fake.close();
  });

  it('explains a server that does not speak the codec (a Go gob server)', async () => {
    const fake = await fakeServer((socket) => {
      socket.write('HTTP/1.0 200 Connected to Go RPC\n\n');
      socket.once('data', () => socket.write(Buffer.from([0xc1, 0x07, 0xff])));
    });
    const client = await dialHTTP(`127.0.0.1:${fake.port}`, { codec: 'msgpack' });
    const err = await rejection(client.call('Arith.Multiply', { A: 1, B: 2 }));
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err.code).toBe(ErrorCode.Protocol);
    expect(err.message).toContain("dial with codec 'gob'");
    const later = await rejection(client.call('Arith.Multiply', { A: 1, B: 2 }));
    expect(later.code).toBe(ErrorCode.Shutdown);
    expect(later.message).toContain("dial with codec 'gob'");
    fake.close();
  });

  it('rejects an answer that is not HTTP', async () => {
    const fake = await fakeServer((socket) => socket.end('SSH-2.0-OpenSSH_9\r\n\r\n'));
    const err = await rejection(dialHTTP(`127.0.0.1:${fake.port}`));
    expect(err).toBeInstanceOf(HandshakeError);
    fake.close();
  });

  it('gives up on a server that never answers the CONNECT', async () => {
    const fake = await fakeServer(() => undefined);
    const err = await rejection(dialHTTP(`127.0.0.1:${fake.port}`, { connectTimeout: 100 }));
    expect(err.code).toBe(ErrorCode.Timeout);
    fake.close();
  });

  it('sends the CONNECT with CRLF, the codec, the features it asks for and extra headers', async () => {
    let seen = '';
    const fake = await fakeServer((socket, request) => {
      seen = request.toString('latin1');
      socket.end('HTTP/1.0 403 Forbidden\r\n\r\nno');
    });
    const err = await rejection(dialHTTP(`http://127.0.0.1:${fake.port}/custom`, { codec: 'json', headers: { Authorization: 'Bearer t' } }));
    expect(seen).toBe(`CONNECT /custom HTTP/1.0\r\nHost: 127.0.0.1:${fake.port}\r\nRpc-Codec: json\r\nRpc-Features: metadata\r\nAuthorization: Bearer t\r\n\r\n`);
    expect(err.message).toBe('rpc: CONNECT /custom answered HTTP/1.0 403 Forbidden: no');
    fake.close();
  });

  it('rejects an unknown codec name', async () => {
    const err = await rejection(dialHTTP(address, { codec: 'xml' }));
    expect(err.code).toBe(ErrorCode.InvalidArgument);
  });
});

describe('parseAddress', () => {
  it('accepts host:port, [v6]:port, :port and http URLs', () => {
    expect(parseAddress('example.com:1234')).toEqual({ host: 'example.com', port: 1234, path: undefined, secure: false });
    expect(parseAddress('[::1]:80')).toEqual({ host: '::1', port: 80, path: undefined, secure: false });
    expect(parseAddress(':1234')).toEqual({ host: '127.0.0.1', port: 1234, path: undefined, secure: false });
    expect(parseAddress('http://h:9/p')).toEqual({ host: 'h', port: 9, path: '/p', secure: false });
    expect(parseAddress('https://h:9')).toEqual({ host: 'h', port: 9, path: undefined, secure: true });
    expect(parseAddress('https://h')).toEqual({ host: 'h', port: 443, path: undefined, secure: true });
  });

  it.each(['nohost', 'h:0', 'h:99999', 'h:p'])('rejects %s', (a) => {
    expect(() => parseAddress(a)).toThrow(RpcError);
  });
});
