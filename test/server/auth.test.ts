import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { ErrorCode, HandshakeError, RpcError } from '../../src/errors.js';
import { bearerToken } from '../../src/server/authorize.js';
import type { CallContext } from '../../src/call-context.js';
import type { Server } from '../../src/server/server.js';
import { rawConnect, startDemoServer } from '../helpers.js';

let server: Server;
let address: string;
let port: number;
let calls = 0;

beforeAll(async () => {
  ({ server, address, port } = await startDemoServer({ authorize: bearerToken('s3cret') }));
  server.register('Who', {
    Am(_a: unknown, ctx: CallContext) {
      calls++;
      return ctx.headers.authorization ?? null;
    },
  });
});
afterAll(() => server.close());

async function handshakeError(p: Promise<unknown>): Promise<HandshakeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HandshakeError);
  return err as HandshakeError;
}

describe('authorize on the CONNECT request', () => {
  it('lets a client with the right bearer token in', async () => {
    await using client = await dialHTTP(address, { token: 's3cret' });
    expect(await client.call('Who.Am')).toBe('Bearer s3cret');
  });

  it('answers 401 without a token and 403 with a wrong one', async () => {
    const none = await handshakeError(dialHTTP(address));
    expect(none.statusCode).toBe(401);
    expect(none.code).toBe(ErrorCode.Handshake);
    const wrong = await handshakeError(dialHTTP(address, { token: 'guess' }));
    expect(wrong.statusCode).toBe(403);
    const malformed = await handshakeError(dialHTTP(address, { headers: { Authorization: 'Basic eDp5' } }));
    expect(malformed.statusCode).toBe(401);
  });

  it('never reads a codec byte from a refused peer', async () => {
    const before = calls;
    const c = await rawConnect(port);
    c.socket.write(
      Buffer.concat([
        Buffer.from('CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: msgpack\r\nAuthorization: Bearer nope\r\n\r\n'),
        pack([0, 1, 'Who.Am', [null]]),
      ]),
    );
    const text = (await c.closed()).toString('latin1');
    expect(text).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(calls).toBe(before);
  });

  it('asks for a bearer token in the 401 answer', async () => {
    const c = await rawConnect(port);
    c.socket.write('CONNECT /_goRPC_ HTTP/1.0\n\n');
    expect((await c.closed()).toString('latin1')).toContain('WWW-Authenticate: Bearer\r\n');
  });

  it('supports async hooks, custom refusals, and treats a throwing hook as a refusal', async () => {
    const { server: s, address: a } = await startDemoServer({
      authorize: async ({ headers, remoteAddress }) => {
        await new Promise((r) => setTimeout(r, 5));
        if (headers['x-boom']) throw new Error('hook failed');
        if (!remoteAddress?.startsWith('127.0.0.1:')) return false;
        return headers['x-team'] === 'core' ? true : { status: 403, message: 'core team only' };
      },
    });
    await using ok = await dialHTTP(a, { headers: { 'X-Team': 'core' } });
    expect(await ok.call('Arith.Add', { A: 1, B: 1 })).toBe(2);
    const other = await handshakeError(dialHTTP(a, { headers: { 'X-Team': 'web' } }));
    expect(other.statusCode).toBe(403);
    expect(other.message).toContain('core team only');
    expect((await handshakeError(dialHTTP(a, { headers: { 'X-Boom': '1' } }))).statusCode).toBe(403);
    await s.close();
  });

  it('applies to a server attached to an http.Server too', async () => {
    const { Server } = await import('../../src/server/server.js');
    const rpc = new Server({ authorize: bearerToken('t') });
    rpc.register('Ping', { Ping: () => 'pong' });
    const httpServer = http.createServer();
    rpc.attach(httpServer);
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
    const addr = `127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    expect((await handshakeError(dialHTTP(addr))).statusCode).toBe(401);
    await using client = await dialHTTP(addr, { token: 't' });
    expect(await client.call('Ping.Ping')).toBe('pong');
    await rpc.close();
    httpServer.closeAllConnections();
    await new Promise((r) => httpServer.close(r));
  });
});

describe('authorize runs before the codec is checked', () => {
  const cases = [
    { name: 'no token', headers: '', status: 401 },
    { name: 'a wrong token', headers: 'Authorization: Bearer guess\r\n', status: 403 },
    { name: 'a malformed Authorization header', headers: 'Authorization: Basic eDp5\r\n', status: 401 },
    { name: 'the right token', headers: 'Authorization: Bearer s3cret\r\n', status: 415 },
  ];
  const codecs = ['protobuf', 'xml', '', 'GOB2', '__proto__'];
  it.each(cases.flatMap((c) => codecs.map((codec) => ({ ...c, codec }))))(
    'an unknown codec $codec with $name is answered $status; only an authorized peer learns the codecs offered',
    async ({ headers, status, codec }) => {
      const c = await rawConnect(port);
      c.socket.write(`CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: ${codec}\r\n${headers}\r\n`);
      const text = (await c.closed()).toString('latin1');
      expect(text).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      if (status === 415) expect(text).toContain('this server offers: gob, json, msgpack');
      else expect(text).not.toMatch(/gob|msgpack|offers/);
    },
  );
});

describe('bearerToken', () => {
  it('refuses an empty token with RPC_INVALID_ARGUMENT', () => {
    expect(() => bearerToken('')).toThrow(RpcError);
    expect(() => bearerToken('')).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
  });
});
