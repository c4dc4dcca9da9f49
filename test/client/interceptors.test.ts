import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dial } from '../../src/client/dial.js';
import { dialHTTP } from '../../src/client/dial-http.js';
import type { ClientCallInfo, ClientInterceptor } from '../../src/client/interceptor.js';
import { newClient } from '../../src/client/new-client.js';
import { connectPool, dialReconnecting } from '../../src/client/pool.js';
import { ErrorCode, ServerError } from '../../src/errors.js';
import { ArithContract } from '../../src/demo/contracts.js';
import type { Server } from '../../src/server/server.js';
import { rejection, startDemoServer } from '../helpers.js';

/** recorder keeps every ctx an interceptor saw and what next() gave it. */
function recorder(): { interceptor: ClientInterceptor; seen: ClientCallInfo[]; outcomes: unknown[] } {
  const seen: ClientCallInfo[] = [];
  const outcomes: unknown[] = [];
  const interceptor: ClientInterceptor = async (ctx, next) => {
    seen.push(ctx);
    try {
      const reply = await next();
      outcomes.push(reply);
      return reply;
    } catch (err) {
      outcomes.push(err);
      throw err;
    }
  };
  return { interceptor, seen, outcomes };
}

describe('client interceptors', () => {
  let server: Server;
  let address: string;
  let port: number;
  let handled: number;

  beforeEach(async () => {
    ({ server, address, port } = await startDemoServer({ plain: true }));
    handled = 0;
    server.register('Counted', {
      Twice(n: number) {
        handled++;
        return n * 2;
      },
    });
  });
  afterEach(() => server.close());

  it('dialHTTP: run first-given outermost and see the call, its options, codec, target and peer', async () => {
    const trail: string[] = [];
    const rec = recorder();
    const outer: ClientInterceptor = async (_ctx, next) => {
      trail.push('outer in');
      const r = await next();
      trail.push('outer out');
      return r;
    };
    const inner: ClientInterceptor = async (_ctx, next) => {
      trail.push('inner in');
      const r = await next();
      trail.push('inner out');
      return r;
    };
    await using client = await dialHTTP(address, { codec: 'json', interceptors: [outer, inner, rec.interceptor] });
    const controller = new AbortController();
    expect(await client.call('Arith.Multiply', { A: 6, B: 7 }, { timeout: 5000, signal: controller.signal })).toBe(42);
    expect(trail).toEqual(['outer in', 'inner in', 'inner out', 'outer out']);
    const ctx = rec.seen[0]!;
    expect(ctx.serviceMethod).toBe('Arith.Multiply');
    expect(ctx.args).toEqual({ A: 6, B: 7 });
    expect(ctx.options.timeout).toBe(5000);
    expect(ctx.options.signal).toBe(controller.signal);
    expect(ctx.codec).toBe('json');
    expect(ctx.target).toBe(address);
    expect(ctx.remoteAddress).toBe(address);
    expect(rec.outcomes).toEqual([42]);
  });

  it('see remote errors, timeouts and aborts as next() rejections', async () => {
    const rec = recorder();
    await using client = await dialHTTP(address, { interceptors: [rec.interceptor] });
    await rejection(client.call('Echo.Fail', 'nope'));
    await rejection(client.call('Echo.Sleep', 5000, { timeout: 20 }));
    await rejection(client.call('Echo.Sleep', 5000, { signal: AbortSignal.timeout(20) }));
    expect(rec.outcomes[0]).toBeInstanceOf(ServerError);
    expect((rec.outcomes[0] as ServerError).message).toBe('failed: nope');
    expect(rec.outcomes[1]).toMatchObject({ code: ErrorCode.Timeout });
    expect(rec.outcomes[2]).toMatchObject({ code: ErrorCode.Aborted });
  });

  it('may answer without calling next (nothing is sent), replace the argument, the reply and the error', async () => {
    const cache: ClientInterceptor = (ctx, next) => (ctx.args === 0 ? 'cached' : next());
    const bump: ClientInterceptor = async (ctx, next) => {
      ctx.args = (ctx.args as number) + 1;
      try {
        return { doubled: await next() };
      } catch (err) {
        throw new Error(`wrapped: ${(err as Error).message}`);
      }
    };
    await using client = await dialHTTP(address, { interceptors: [cache, bump] });
    expect(await client.call('Counted.Twice', 0)).toBe('cached');
    expect(handled).toBe(0);
    expect(await client.call('Counted.Twice', 4)).toEqual({ doubled: 10 });
    expect((await rejection(client.call('Counted.Missing', 1))).message).toBe("wrapped: rpc: can't find method Counted.Missing");
    expect(handled).toBe(1);
  });

  it('turn an interceptor that throws at once, or calls next twice, into a rejection', async () => {
    const bad: ClientInterceptor = (ctx, next) => {
      if (ctx.args === 1) throw new Error('refused by interceptor');
      return next().then(() => next());
    };
    await using client = await dialHTTP(address, { interceptors: [bad] });
    expect((await rejection(client.call('Counted.Twice', 1))).message).toBe('refused by interceptor');
    expect(await rejection(client.call('Counted.Twice', 2))).toMatchObject({ code: ErrorCode.InvalidArgument });
    expect(handled).toBe(1);
  });

  it('sit between a typed proxy and the wire: they see the declared Go type and the raw reply, and the proxy checks what they return', async () => {
    const rec = recorder();
    const wrong: ClientInterceptor = (ctx, next) => ((ctx.args as { A: number }).A === 0 ? 'not a number' : next());
    await using client = await dialHTTP(address, { interceptors: [rec.interceptor, wrong] });
    const arith = client.service(ArithContract, { validateReplies: true });
    expect(await arith.Multiply({ A: 6, B: 7 })).toBe(42);
    expect(rec.seen[0]!.options.argsType).toBeDefined();
    expect(rec.seen[0]!.options.argsType).toEqual(ArithContract.types.Multiply?.args);
    const err = await rejection(arith.Multiply({ A: 0, B: 7 }));
    expect(err).toMatchObject({ code: ErrorCode.Protocol });
    expect(err.message).toMatch(/^rpc: reply of Arith\.Multiply does not match its contract/);
    expect(rec.outcomes).toEqual([42, 'not a number']);
  });

  it('dial (plain TCP) and newClient take them too', async () => {
    const plain = recorder();
    await using viaDial = await dial(`tcp://${address}`, { codec: 'msgpack', interceptors: [plain.interceptor] });
    expect(await viaDial.call('Counted.Twice', 3)).toBe(6);
    expect(plain.seen[0]).toMatchObject({ codec: 'msgpack', target: `tcp://${address}`, remoteAddress: address });

    const stream = recorder();
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => socket.once('connect', resolve));
    await using viaStream = newClient(socket, { codec: 'json', interceptors: [stream.interceptor] });
    expect(await viaStream.call('Counted.Twice', 5)).toBe(10);
    expect(stream.seen[0]).toMatchObject({ codec: 'json', target: undefined, remoteAddress: address });
  });

  it('a pool runs them once per call, retries included, and says where the last attempt went', async () => {
    // Accepts the CONNECT, then drops the connection when a call arrives: every call sent there is retried elsewhere.
    let dropped = 0;
    const flaky = await new Promise<net.Server>((resolve) => {
      const s = net
        .createServer((sock) => {
          let head = '';
          let connected = false;
          sock.on('error', () => undefined);
          sock.on('data', (chunk: Buffer) => {
            if (connected) {
              dropped++;
              sock.destroy();
              return;
            }
            head += chunk.toString('latin1');
            if (head.includes('\r\n\r\n')) {
              connected = true;
              sock.write('HTTP/1.0 200 Connected to Go RPC\nRpc-Codec: msgpack\n\n');
            }
          });
        })
        .listen(0, '127.0.0.1', () => resolve(s));
    });
    const flakyAddress = `127.0.0.1:${(flaky.address() as net.AddressInfo).port}`;
    try {
      const rec = recorder();
      await using pool = connectPool([flakyAddress, address], { interceptors: [rec.interceptor], minBackoffMs: 5, maxBackoffMs: 10 });
      await pool.ready();
      while (pool.status().some((s) => s.state !== 'ready')) await new Promise((r) => setTimeout(r, 5));
      const replies: unknown[] = [];
      for (let i = 0; i < 6; i++) replies.push(await pool.call('Counted.Twice', i, { idempotent: true }));
      expect(replies).toEqual([0, 2, 4, 6, 8, 10]);
      expect(dropped).toBeGreaterThan(0);
      expect(pool.stats().retries).toBe(dropped);
      expect(rec.seen).toHaveLength(6);
      for (const ctx of rec.seen) expect(ctx).toMatchObject({ target: address, codec: 'msgpack', remoteAddress: address });
      expect(handled).toBe(6);
    } finally {
      flaky.close();
    }
  });

  it('dialReconnecting takes them, and its connection does not run them a second time', async () => {
    let runs = 0;
    const count: ClientInterceptor = (_ctx, next) => {
      runs++;
      return next();
    };
    await using single = dialReconnecting(address, { interceptors: [count] });
    expect(await single.call('Counted.Twice', 1)).toBe(2);
    expect(runs).toBe(1);
  });
});
