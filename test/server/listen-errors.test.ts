import { describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { ErrorCode, RpcError } from '../../src/errors.js';
import { bearerToken } from '../../src/server/authorize.js';
import { Server } from '../../src/server/server.js';
import { rejection, startDemoServer } from '../helpers.js';

describe('Server.listen failures', () => {
  it('rejects with RPC_LISTEN when the port is taken, keeps Node\'s error as cause, and can listen again', async () => {
    const { server: first, port } = await startDemoServer();
    const second = new Server();
    second.register('Echo', { Echo: (s: string) => s });
    try {
      const err = await rejection(second.listen({ port }));
      expect(err).toBeInstanceOf(RpcError);
      expect(err.code).toBe(ErrorCode.Listen);
      expect(err.message).toBe(`rpc: cannot listen on 127.0.0.1:${port}: the address is already in use (another process listens there; pick another port or stop it)`);
      expect((err.cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
      const { port: other } = await second.listen({ port: 0 });
      await using client = await dialHTTP(`127.0.0.1:${other}`);
      expect(await client.call('Echo.Echo', 'again')).toBe('again');
    } finally {
      await second.close();
      await first.close();
    }
  });
});

describe('bearerToken', () => {
  it.each([[''], [undefined as unknown as string], [42 as unknown as string]])('refuses token %j with RPC_INVALID_ARGUMENT', (token) => {
    let err: unknown;
    try {
      bearerToken(token);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe(ErrorCode.InvalidArgument);
    expect((err as RpcError).message).toBe('rpc: bearerToken: the token must be a non-empty string');
  });
});
