import { EventEmitter } from 'node:events';
import { Transform } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import type { Client } from '../../src/client/client.js';
import { ServerError } from '../../src/errors.js';
import { methodNames } from '../../src/server/registry.js';
import { Server } from '../../src/server/server.js';

class Base {
  Ping(): string {
    return 'pong';
  }
}

class Notifier extends EventEmitter {
  Notify(topic: string): string {
    return `notified ${topic}`;
  }
}

class LoudNotifier extends Notifier {
  Shout(topic: string): string {
    return topic.toUpperCase();
  }
}

class Cache extends Map<string, number> {
  Size(): number {
    return this.size;
  }
}

class Derived extends Base {
  Pong(): string {
    return 'ping';
  }
}

class Pipe extends Transform {
  Flow(): string {
    return 'flowing';
  }
}

function hello(): string {
  return 'hi';
}
const withMethods = Object.assign(hello, { Hello: () => 'hello from a function' });

let server: Server;
let client: Client;

beforeAll(async () => {
  server = new Server();
  server.register('Notifier', new LoudNotifier());
  server.register(new Derived());
  server.register('Cache', new Cache([['a', 1]]));
  server.register('Pipe', new Pipe());
  server.register('Fn', withMethods);
  server.register('List', [(x: number) => x * 2]);
  server.register('Open', new Notifier(), { includeBuiltinMethods: true });
  const { port } = await server.listen({ port: 0 });
  client = await dialHTTP(`127.0.0.1:${port}`, { codec: 'msgpack' });
});

afterAll(async () => {
  await client?.close();
  await server?.close();
});

function served(name: string): string[] {
  return [...server.registry.list().find((s) => s.name === name)!.methods.keys()].sort();
}

async function remoteError(method: string, args?: unknown): Promise<string> {
  const err = await client.call(method, args).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServerError);
  return (err as ServerError).message;
}

describe('registration serves only the methods the user wrote', () => {
  it('a class extending EventEmitter serves its own methods, not emit or removeAllListeners', async () => {
    expect(served('Notifier')).toEqual(['Notify', 'Shout']);
    expect(await client.call('Notifier.Shout', 'go')).toBe('GO');
    expect(await client.call('Notifier.Notify', 'x')).toBe('notified x');
    for (const m of ['emit', 'removeAllListeners', 'setMaxListeners', 'on', 'listenerCount']) {
      expect(await remoteError(`Notifier.${m}`, 'x')).toBe(`rpc: can't find method Notifier.${m}`);
    }
  });

  it("a user-defined base class's methods are served", async () => {
    expect(served('Derived')).toEqual(['Ping', 'Pong']);
    expect(await client.call('Derived.Ping')).toBe('pong');
  });

  it('a Map or stream subclass serves none of Map.prototype or the stream methods', async () => {
    expect(served('Cache')).toEqual(['Size']);
    expect(await client.call('Cache.Size')).toBe(1);
    expect(await remoteError('Cache.clear')).toBe("rpc: can't find method Cache.clear");
    expect(served('Pipe')).toEqual(['Flow']);
    expect(await remoteError('Pipe.destroy')).toBe("rpc: can't find method Pipe.destroy");
  });

  it('a function serves its own methods, not apply/bind/call/toString', async () => {
    expect(served('Fn')).toEqual(['Hello']);
    expect(await client.call('Fn.Hello')).toBe('hello from a function');
    for (const m of ['apply', 'bind', 'call', 'toString']) expect(await remoteError(`Fn.${m}`)).toBe(`rpc: can't find method Fn.${m}`);
  });

  it('an array serves its elements, not Array.prototype', async () => {
    expect(served('List')).toEqual(['0']);
    expect(await client.call('List.0', 21)).toBe(42);
    expect(await remoteError('List.push', 1)).toBe("rpc: can't find method List.push");
  });

  it('includeBuiltinMethods opts in to inherited built-in methods (never Object.prototype)', async () => {
    expect(served('Open')).toEqual(expect.arrayContaining(['Notify', 'emit', 'removeAllListeners']));
    expect(served('Open')).not.toContain('hasOwnProperty');
    expect(await client.call('Open.listenerCount', 'none')).toBe(0);
  });

  it('an object with nothing but built-in methods is refused with Go\'s message', () => {
    expect(() => server.register('Empty', new EventEmitter())).toThrow('rpc.Register: type Empty has no exported methods of suitable type');
    expect(methodNames(new EventEmitter(), { includeBuiltinMethods: true })).toContain('emit');
  });
});
