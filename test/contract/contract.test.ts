import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { dialHTTP } from '../../src/client/dial-http.js';
import { defineService, implement } from '../../src/contract/contract.js';
import { ArithContract } from '../../src/demo/contracts.js';
import { ErrorCode, RpcError, ServerError } from '../../src/errors.js';
import { Server } from '../../src/server/server.js';
import { rejection, startDemoServer } from '../helpers.js';


const Store = defineService('Store', {
  Put: { args: z.object({ Key: z.string().min(1), Value: z.int(), Tags: z.array(z.string()).optional() }), reply: z.object({ Version: z.uint32() }) },
  Broken: { args: z.object({}), reply: z.object({ Version: z.uint32() }) },
  Wide: { args: z.object({ U: z.uint64(), F: z.number(), When: z.date(), Blob: z.instanceof(Uint8Array) }), reply: z.object({ U: z.uint64(), F: z.number(), When: z.date(), Blob: z.instanceof(Uint8Array) }) },
});

describe.each(['msgpack', 'json', 'gob'])('contracts over %s', (codec) => {
  let server: Server;
  let address: string;
  beforeAll(async () => {
    ({ server, address } = await startDemoServer());
    let version = 0;
    server.register(Store, {
      Put: ({ Key, Value }) => {
        expectTypeOf(Key).toEqualTypeOf<string>();
        expectTypeOf(Value).toEqualTypeOf<number>();
        return { Version: ++version };
      },
      Broken: () => ({ Version: -1 }),
      Wide: (a) => a,
    });
  });
  afterAll(() => server.close());

  it('types and calls through a proxy', async () => {
    await using client = await dialHTTP(address, { codec });
    const arith = client.service(ArithContract);
    const n = await arith.Multiply({ A: 7, B: 8 });
    expectTypeOf(n).toEqualTypeOf<number>();
    expect(n).toBe(56);
    expect(await arith.Divide({ A: 8, B: 4 })).toEqual({ Quo: 2, Rem: 0 });
    const store = client.service(Store);
    expect(await store.Put({ Key: 'k', Value: 1, Tags: ['a'] })).toEqual({ Version: 1 });
  });

  it('answers a bad argument with an error naming the field and the problem, and stays up', async () => {
    await using client = await dialHTTP(address, { codec });
    const err = await rejection(client.call('Arith.Multiply', { A: 'seven', B: 8 }));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toBe('rpc: invalid args for Arith.Multiply: A: expected number, received string');
    const frac = await rejection(client.call('Arith.Add', { A: 1.5, B: 1 }));
    expect(frac.message).toBe('rpc: invalid args for Arith.Add: A: expected int, received number');
    const missing = await rejection(client.call('Store.Put', { Value: 1 }));
    expect(missing.message).toMatch(/^rpc: invalid args for Store\.Put: Key: expected string, received undefined/);
    expect(await client.call('Arith.Multiply', { A: 2, B: 3 })).toBe(6);
  });

  it('reports a reply that breaks the contract as a server bug instead of sending it', async () => {
    await using client = await dialHTTP(address, { codec });
    const err = await rejection(client.call('Store.Broken', {}));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toMatch(/^rpc: invalid reply from Store\.Broken \(a server bug\): Version: /);
  });

  it('carries uint64, float, Date and bytes as the contract declares', async () => {
    if (codec === 'json') return; // JSON has no bigint, Date or bytes: covered by the json tests
    await using client = await dialHTTP(address, { codec });
    const wide = client.service(Store);
    const value = { U: 2n ** 64n - 1n, F: 2, When: new Date(1_700_000_000_123), Blob: new Uint8Array([0, 1, 255]) };
    const got = await wide.Wide(value);
    expect(got.U).toBe(2n ** 64n - 1n);
    expect(got.F).toBe(2);
    expect(got.When.getTime()).toBe(value.When.getTime());
    expect([...got.Blob]).toEqual([0, 1, 255]);
  });

  it('validates replies on the client when asked', async () => {
    await using client = await dialHTTP(address, { codec });
    const Liar = defineService('Arith', { Multiply: { args: z.object({ A: z.int(), B: z.int() }), reply: z.string() } });
    const err = await rejection(client.service(Liar, { validateReplies: true }).Multiply({ A: 1, B: 2 }));
    expect(err.code).toBe(ErrorCode.Protocol);
    expect(err.message).toMatch(/^rpc: reply of Arith\.Multiply does not match its contract: /);
    expect(await client.service(Liar).Multiply({ A: 1, B: 2 })).toBe(2);
  });
});

describe('contract registration', () => {
  it('refuses an implementation that lacks a method', () => {
    const server = new Server();
    expect(() => server.register(implement(ArithContract, { Multiply: () => 1 } as never))).toThrow(
      'rpc.Register: Arith does not implement method Add of its contract',
    );
  });

  it('refuses a contract whose methods are not schemas', () => {
    expect(() => defineService('Bad', { M: { args: 1, reply: 2 } } as never)).toThrow(RpcError);
  });

  it('exposes the declared Go types to the registry', () => {
    const server = new Server();
    server.register(Store, { Put: () => ({ Version: 1 }), Broken: () => ({ Version: 1 }), Wide: (a) => a });
    const report = server.report();
    const put = report.services[0]!.methods.find((m) => m.name === 'Put')!;
    expect(put.args).toBe('struct { Key string; Value int; Tags *[]string }');
    expect(put.reply).toBe('struct { Version uint32 }');
  });
});
