import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { ErrorCode, RpcError, ServerError } from '../../src/errors.js';
import type { CallContext } from '../../src/call-context.js';
import { Server } from '../../src/server/server.js';
import { rejection, startDemoServer } from '../helpers.js';


describe.each(['msgpack', 'json'])('dispatch over %s', (codec) => {
  let server: Server;
  let address: string;
  let hangCtx: CallContext | undefined;

  beforeAll(async () => {
    ({ server, address } = await startDemoServer());
    server.register('Probe', {
      Context(_args: unknown, ctx: CallContext) {
        return { serviceMethod: ctx.serviceMethod, codec: ctx.codec, remote: ctx.remoteAddress, token: ctx.headers['x-token'] };
      },
      ThrowString() {
        throw 'plain string';
      },
      ThrowEmpty() {
        throw new Error('');
      },
      async Reject() {
        await sleep(1);
        throw new Error('async failure');
      },
      Nothing() {
        return undefined;
      },
      Hang(_a: unknown, ctx: CallContext) {
        hangCtx = ctx;
        return new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))));
      },
      Unencodable() {
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        return codec === 'msgpack' ? 2n ** 80n : cyclic;
      },
    });
  });
  afterAll(() => server.close());

  it('answers the demo services', async () => {
    await using client = await dialHTTP(address, { codec });
    expect(await client.call('Arith.Multiply', { A: 7, B: 8 })).toBe(56);
    expect(await client.call('Arith.Add', { A: -3, B: 10 })).toBe(7);
    expect(await client.call('Arith.Divide', { A: -7, B: 2 })).toEqual({ Quo: -3, Rem: -1 });
    expect(await client.call('Arith.Divide', { A: 7, B: -2 })).toEqual({ Quo: -3, Rem: 1 });
    expect(await client.call('Echo.Echo', { x: [1, 'two', null] })).toEqual({ x: [1, 'two', null] });
    expect(await client.call('Echo.Upper', 'héllo')).toBe('HÉLLO');
    expect(await client.call('Echo.Sleep', 5)).toBe(5);
  });

  it("sends Go's error texts and keeps the connection up", async () => {
    await using client = await dialHTTP(address, { codec });
    const cases: [string, string][] = [
      ['Arith.Divide', 'divide by zero'],
      ['Echo.Fail', 'failed: boom'],
      ['Nope.Method', "rpc: can't find service Nope.Method"],
      ['Arith.Nope', "rpc: can't find method Arith.Nope"],
      ['NoDot', 'rpc: service/method request ill-formed: NoDot'],
      ['Probe.ThrowString', 'plain string'],
      ['Probe.Reject', 'async failure'],
      ['Probe._hidden', "rpc: can't find method Probe._hidden"],
      ['Arith.constructor', "rpc: can't find method Arith.constructor"],
    ];
    for (const [method, text] of cases) {
      const err = await rejection(client.call(method, method === 'Arith.Divide' ? { A: 1, B: 0 } : 'boom'));
      expect(err).toBeInstanceOf(ServerError);
      expect(err.code).toBe(ErrorCode.Server);
      expect(err.message).toBe(text);
    }
    const empty = await rejection(client.call('Probe.ThrowEmpty'));
    expect(empty.message).not.toBe('');
    expect(await client.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42);
  });

  it('replies with an error when a reply cannot be encoded', async () => {
    await using client = await dialHTTP(address, { codec });
    const err = await rejection(client.call('Probe.Unencodable'));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toMatch(/^rpc: cannot encode reply of Probe\.Unencodable: /);
    expect(await client.call('Arith.Add', { A: 1, B: 2 })).toBe(3);
  });

  it('gives handlers the method, codec, remote address and CONNECT headers', async () => {
    await using client = await dialHTTP(address, { codec, headers: { 'X-Token': 'abc' } });
    const got = (await client.call('Probe.Context')) as Record<string, string>;
    expect(got).toMatchObject({ serviceMethod: 'Probe.Context', codec, token: 'abc' });
    expect(got.remote).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('answers a handler that returns nothing', async () => {
    await using client = await dialHTTP(address, { codec });
    const got = await client.call('Probe.Nothing');
    expect(codec === 'json' ? got : got ?? null).toEqual(codec === 'json' ? {} : null);
  });

  it('runs calls concurrently: a slow call does not hold back a fast one', async () => {
    await using client = await dialHTTP(address, { codec });
    const order: string[] = [];
    const slow = client.call('Echo.Sleep', 300).then(() => order.push('slow'));
    const fast = client.call('Arith.Add', { A: 1, B: 1 }).then(() => order.push('fast'));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('answers 500 concurrent calls on one connection, each with its own reply', async () => {
    await using client = await dialHTTP(address, { codec });
    const replies = await Promise.all(Array.from({ length: 500 }, (_, i) => client.call('Arith.Multiply', { A: i, B: 3 })));
    expect(replies).toEqual(Array.from({ length: 500 }, (_, i) => i * 3));
  });

  it('aborts the handler signal and fails pending calls when the connection is killed mid-call', async () => {
    const client = await dialHTTP(address, { codec });
    const pending = client.call('Probe.Hang');
    await client.call('Probe.Context');
    const signal = hangCtx!.signal;
    expect(hangCtx!.serviceMethod).toBe('Probe.Hang');
    expect(signal.aborted).toBe(false);
    (client as unknown as { socket: { destroy(): void } }).socket.destroy();
    const err = await rejection(pending);
    expect(err.code).toBe(ErrorCode.ConnectionLost);
    await sleep(50);
    expect(signal.aborted).toBe(true);
    await using other = await dialHTTP(address, { codec });
    expect(await other.call('Arith.Add', { A: 2, B: 2 })).toBe(4);
  });
});

describe('registration', () => {
  it("rejects a duplicate name, an empty name and an object without methods with Go's messages", () => {
    const server = new Server();
    server.register('Svc', { M() {} });
    const cases: [() => unknown, string][] = [
      [() => server.register('Svc', { N() {} }), 'rpc: service already defined: Svc'],
      [() => server.register({ M() {} }), 'rpc.Register: no service name for type Object'],
      [() => server.register('Empty', { x: 1, _private() {} }), 'rpc.Register: type Empty has no exported methods of suitable type'],
    ];
    for (const [fn, message] of cases) {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RpcError);
      expect((err as RpcError).code).toBe(ErrorCode.Register);
      expect((err as RpcError).message).toBe(message);
    }
  });

  it('registers a class instance under its class name, with inherited methods and without getters', () => {
    class Base {
      Inherited(): number {
        return 1;
      }
    }
    class Calculator extends Base {
      get Value(): number {
        throw new Error('getters must not run');
      }
      Twice(n: number): number {
        return n * 2;
      }
      _helper(): void {}
    }
    const server = new Server();
    const entry = server.register(new Calculator());
    expect(entry.name).toBe('Calculator');
    expect([...entry.methods.keys()].sort()).toEqual(['Inherited', 'Twice']);
  });
});

describe('close()', () => {
  it('lets running calls finish, refuses new ones, then closes; twice is fine', async () => {
    const { server, address } = await startDemoServer();
    const client = await dialHTTP(address, { codec: 'msgpack' });
    const idle = await dialHTTP(address, { codec: 'json' });
    const running = client.call('Echo.Sleep', 300);
    await sleep(50);
    const closing = server.close();
    expect(server.close()).toBe(closing);
    const late = await rejection(idle.call('Arith.Add', { A: 1, B: 1 }));
    expect(late.code === ErrorCode.ConnectionLost || late.message === 'rpc: server is shutting down').toBe(true);
    expect(await running).toBe(300);
    await closing;
    const after = await rejection(client.call('Arith.Add', { A: 1, B: 1 }));
    expect([ErrorCode.Shutdown, ErrorCode.ConnectionLost]).toContain(after.code);
    const dial = await rejection(dialHTTP(address));
    expect(dial.code).toBe(ErrorCode.Connect);
  });

  it('closes keep-alive HTTP connections at once', async () => {
    const { server, address } = await startDemoServer();
    expect((await fetch(`http://${address}/debug/rpc?format=json`)).status).toBe(200);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('cuts calls that outlive the grace period', async () => {
    const { server, address } = await startDemoServer({ graceMs: 100 });
    const client = await dialHTTP(address);
    const running = rejection(client.call('Echo.Sleep', 5000));
    await sleep(20);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await running).code).toBe(ErrorCode.ConnectionLost);
  });
});
