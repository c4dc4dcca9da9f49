import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { ErrorCode, RpcError, ServerError } from '../../src/errors.js';
import type { ServerCallInfo } from '../../src/server/middleware.js';
import type { Server } from '../../src/server/server.js';
import { rejection, startDemoServer } from '../helpers.js';

describe.each(['msgpack', 'gob', 'json'])('server middleware over %s', (codec) => {
  let server: Server;
  let address: string;
  let handled: number;

  beforeEach(async () => {
    ({ server, address } = await startDemoServer());
    handled = 0;
    server.register('Counted', {
      Twice(n: number) {
        handled++;
        return n * 2;
      },
      Fail(text: string) {
        handled++;
        throw new Error(text);
      },
    });
  });
  afterEach(() => server.close());

  it('runs first-added outermost, around the handler, and sees the call and its reply', async () => {
    const trail: string[] = [];
    const seen: ServerCallInfo[] = [];
    const replies: unknown[] = [];
    server
      .use(async (ctx, next) => {
        trail.push('outer in');
        seen.push(ctx);
        const reply = await next();
        replies.push(reply);
        trail.push('outer out');
        return reply;
      })
      .use(async (_ctx, next) => {
        trail.push('inner in');
        const reply = await next();
        trail.push('inner out');
        return reply;
      });
    await using client = await dialHTTP(address, { codec, headers: { 'X-Tenant': 'blue' } });
    expect(await client.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42);
    expect(trail).toEqual(['outer in', 'inner in', 'inner out', 'outer out']);
    expect(replies).toEqual([42]);
    const ctx = seen[0]!;
    expect(ctx.serviceMethod).toBe('Arith.Multiply');
    expect(ctx.service).toBe('Arith');
    expect(ctx.method).toBe('Multiply');
    expect(ctx.codec).toBe(codec);
    expect(ctx.args).toEqual({ A: 6, B: 7 });
    expect(ctx.headers['x-tenant']).toBe('blue');
    expect(ctx.remoteAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(ctx.localAddress).toBe(address);
    expect(ctx.signal).toBeInstanceOf(AbortSignal);
  });

  it('may answer without calling next: the handler does not run', async () => {
    server.use((ctx, next) => (ctx.method === 'Twice' ? 'cached' : next()));
    await using client = await dialHTTP(address, { codec });
    expect(await client.call('Counted.Twice', 4)).toBe('cached');
    expect(handled).toBe(0);
    expect(await client.call('Arith.Add', { A: 1, B: 2 })).toBe(3);
  });

  it('may replace the argument, the reply, and the error', async () => {
    server.use(async (ctx, next) => {
      if (ctx.method === 'Twice') ctx.args = (ctx.args as number) + 1;
      try {
        return await next();
      } catch (err) {
        if ((err as Error).message === 'recover') return 'recovered';
        throw new Error(`wrapped: ${(err as Error).message}`);
      }
    });
    await using client = await dialHTTP(address, { codec });
    expect(await client.call('Counted.Twice', 4)).toBe(10);
    expect(await client.call('Counted.Fail', 'recover')).toBe('recovered');
    const err = await rejection<ServerError>(client.call('Counted.Fail', 'boom'));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toBe('wrapped: boom');
    expect(handled).toBe(3);
  });

  it('sees the wire argument before the contract validates it; the validation error comes out of next()', async () => {
    const args: unknown[] = [];
    const errors: unknown[] = [];
    server.use(async (ctx, next) => {
      args.push(ctx.args);
      try {
        return await next();
      } catch (err) {
        errors.push(err);
        throw err;
      }
    });
    await using client = await dialHTTP(address, { codec: codec === 'gob' ? 'msgpack' : codec });
    const err = await rejection<ServerError>(client.call('Arith.Multiply', { A: 'six', B: 7 }));
    expect(err.message).toMatch(/^rpc: invalid args for Arith\.Multiply: A: /);
    expect(args).toEqual([{ A: 'six', B: 7 }]);
    expect(errors[0]).toBeInstanceOf(RpcError);
    expect((errors[0] as RpcError).code).toBe(ErrorCode.InvalidArgument);
  });

  it('turns a middleware that throws at once, or calls next twice, into an error reply; the connection stays up', async () => {
    server.use((ctx, next) => {
      if (ctx.method === 'Twice') throw new Error('refused by middleware');
      return next().then(() => next());
    });
    await using client = await dialHTTP(address, { codec });
    expect((await rejection(client.call('Counted.Twice', 1))).message).toBe('refused by middleware');
    expect((await rejection(client.call('Arith.Add', { A: 1, B: 2 }))).message).toBe('rpc: middleware called next() more than once for Arith.Add');
    expect(handled).toBe(0);
  });

  it('leaves calls answered before a handler out: unknown methods', async () => {
    const names: string[] = [];
    server.use((ctx, next) => {
      names.push(ctx.serviceMethod);
      return next();
    });
    await using client = await dialHTTP(address, { codec });
    expect((await rejection(client.call('Nope.Missing', 1))).message).toBe("rpc: can't find service Nope.Missing");
    expect(await client.call('Counted.Twice', 2)).toBe(4);
    expect(names).toEqual(['Counted.Twice']);
  });

  it('refuses a middleware that is not a function', () => {
    expect(() => server.use('nope' as never)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
  });
});
