import { pack, unpack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../../src/server/server.js';
import { rawConnect, startDemoServer } from '../helpers.js';

let server: Server;
let port: number;

beforeAll(async () => {
  ({ server, port } = await startDemoServer({ handshakeTimeoutMs: 400, defaultCodec: 'msgpack' }));
});
afterAll(() => server.close());

describe('CONNECT front', () => {
  it("answers Go's bare-LF CONNECT with exactly Go's status line", async () => {
    const c = await rawConnect(port);
    c.socket.write('CONNECT /_goRPC_ HTTP/1.0\n\n');
    const got = await c.waitFor((b) => b.length >= 34);
    expect(got.toString('latin1')).toBe('HTTP/1.0 200 Connected to Go RPC\n\n');
    c.socket.destroy();
  });

  it('confirms a requested codec with an Rpc-Codec header', async () => {
    const c = await rawConnect(port);
    c.socket.write('CONNECT /_goRPC_ HTTP/1.1\r\nRpc-Codec: json\r\n\r\n');
    const got = await c.waitFor((b) => b.includes('\n\n'));
    expect(got.toString('latin1')).toBe('HTTP/1.0 200 Connected to Go RPC\nRpc-Codec: json\n\n');
    c.socket.destroy();
  });

  it('keeps codec bytes that arrive in the same packet as the head', async () => {
    const c = await rawConnect(port);
    const head = Buffer.from('CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: msgpack\r\n\r\n');
    c.socket.write(Buffer.concat([head, pack([0, 1, 'Arith.Multiply', [{ A: 6, B: 7 }]]), pack([0, 2, 'Arith.Add', [{ A: 6, B: 7 }]])]));
    const prefix = 'HTTP/1.0 200 Connected to Go RPC\nRpc-Codec: msgpack\n\n'.length;
    const got = await c.waitFor((b) => b.length >= prefix + 10);
    const replies = [unpack(got.subarray(prefix, prefix + 5)), unpack(got.subarray(prefix + 5))];
    expect(replies).toEqual([
      [1, 1, null, 42],
      [1, 2, null, 13],
    ]);
    c.socket.destroy();
  });

  it('answers any other method with 405 must CONNECT, through an HTTP server', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/_goRPC_`);
    expect(res.status).toBe(405);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('405 must CONNECT\n');
    const post = await fetch(`http://127.0.0.1:${port}/anything`, { method: 'POST', body: 'x'.repeat(10_000) });
    expect(post.status).toBe(405);
  });

  it('answers a bare-LF GET too', async () => {
    const c = await rawConnect(port);
    c.socket.write('GET / HTTP/1.0\n\n');
    const got = await c.closed();
    expect(got.toString('latin1')).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n[\s\S]*405 must CONNECT\n$/);
  });

  it('answers CONNECT to another path with 404 and closes', async () => {
    const c = await rawConnect(port);
    c.socket.write('CONNECT /elsewhere HTTP/1.0\n\n');
    expect((await c.closed()).toString('latin1')).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
  });

  it('answers an unknown codec with 415 naming the codecs it offers, before any hijack', async () => {
    const c = await rawConnect(port);
    c.socket.write('CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: protobuf\r\n\r\n');
    const text = (await c.closed()).toString('latin1');
    expect(text).toMatch(/^HTTP\/1\.1 415 Unsupported Media Type\r\n/);
    expect(text).toContain('unsupported codec "protobuf"; this server offers: gob, json, msgpack');
  });

  it('answers a malformed head with 400 and closes', async () => {
    const c = await rawConnect(port);
    c.socket.write('THIS IS NOT HTTP\n\n');
    expect((await c.closed()).toString('latin1')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('answers a head over 16 KiB with 431 and closes', async () => {
    const c = await rawConnect(port);
    c.socket.write(`CONNECT /_goRPC_ HTTP/1.0\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n`);
    expect((await c.closed()).toString('latin1')).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  });

  it('closes a connection whose head does not arrive in time (slowloris)', async () => {
    const c = await rawConnect(port);
    const started = Date.now();
    const drip = setInterval(() => c.socket.write('X'), 50);
    c.socket.write('CONNECT /_goRPC_ HTTP/1.0\r\nX-Slow: ');
    await c.closed(3000);
    clearInterval(drip);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(c.received().length).toBe(0);
  });

  it('keeps serving others while a peer misbehaves', async () => {
    const bad = await rawConnect(port);
    bad.socket.write('CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: msgpack\r\n\r\n\xc1\xc1\xc1');
    await bad.closed();
    const good = await rawConnect(port);
    good.socket.write(Buffer.concat([Buffer.from('CONNECT /_goRPC_ HTTP/1.0\n\n'), pack([0, 7, 'Echo.Upper', ['ok']])]));
    const got = await good.waitFor((b) => b.length > 34);
    expect(unpack(got.subarray(34))).toEqual([1, 7, null, 'OK']);
    good.socket.destroy();
  });
});
