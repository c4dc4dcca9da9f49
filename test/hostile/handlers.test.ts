/**
 * Handlers that misbehave: throw odd values, reject, never resolve, or
 * return values the codec cannot encode. The caller gets an error reply,
 * the connection and the server keep serving, and a canary never fails.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { ErrorCode, RpcError, ServerError } from '../../src/errors.js';
import { CODECS, startHostileServer, withCanary } from './harness.js';
import type { CodecName, HostileServer } from './harness.js';

/** cyclic is an object that contains itself. */
function cyclic(): Record<string, unknown> {
  const o: Record<string, unknown> = { A: 1 };
  o.self = o;
  return o;
}

/** Bad is a service whose methods misbehave in every way a handler can. */
const Bad = {
  ThrowError: (): never => {
    throw new Error('plain failure');
  },
  ThrowString: (): never => {
    throw 'a bare string';
  },
  ThrowNull: (): never => {
    throw null;
  },
  ThrowEmpty: (): never => {
    throw new Error('');
  },
  Reject: (): Promise<never> => Promise.reject(new TypeError('async failure')),
  RejectUndefined: (): Promise<never> => Promise.reject(undefined),
  Never: (): Promise<never> => new Promise<never>(() => undefined),
  Cyclic: (): unknown => cyclic(),
  HugeBigInt: (): bigint => 2n ** 70n,
  Func: (): unknown => ({ A: 1, F: () => 1 }),
  Symbol: (): unknown => Symbol('nope'),
  ThrowingGetter: (): unknown => ({
    get A(): number {
      throw new Error('getter exploded');
    },
  }),
  ThrowingToJSON: (): unknown => ({ toJSON: (): never => { throw new Error('toJSON exploded'); } }),
  BadThenable: (): unknown => ({ then: (): never => { throw new Error('then exploded'); } }),
  Ok: (n: number): number => n + 1,
};

let h: HostileServer;
let timed: HostileServer;

beforeAll(async () => {
  h = await startHostileServer({}, { Bad });
  timed = await startHostileServer({ handlerTimeoutMs: 200 }, { Bad });
});

afterAll(async () => {
  await h.close();
  await timed.close();
});

/** outcome calls a method and returns the error it failed with, or `{ value }`. */
async function outcome(codec: CodecName, address: string, method: string, args: unknown = 1): Promise<RpcError | { value: unknown }> {
  const client = await dialHTTP(address, { codec, timeout: 5000 });
  try {
    return { value: await client.call(method, args) };
  } catch (err) {
    return err as RpcError;
  } finally {
    await client.close();
  }
}

/** expectServerError checks the call failed with a ServerError whose message matches. */
function expectServerError(got: RpcError | { value: unknown }, message: RegExp): void {
  expect(got).toBeInstanceOf(ServerError);
  expect((got as ServerError).code).toBe(ErrorCode.Server);
  expect((got as ServerError).message).toMatch(message);
}

describe.each(CODECS)('%s: handlers that fail', (codec) => {
  it.each([
    ['ThrowError', /^plain failure$/],
    ['ThrowString', /^a bare string$/],
    ['ThrowNull', /^null$/],
    ['ThrowEmpty', /./],
    ['Reject', /^async failure$/],
    ['RejectUndefined', /^undefined$/],
    ['BadThenable', /then exploded/],
    ['ThrowingGetter', /getter exploded/],
  ])('Bad.%s gets an error reply and the connection stays usable', async (method, message) => {
    await withCanary(
      h.address,
      async () => {
        await using client = await dialHTTP(h.address, { codec, timeout: 5000 });
        const got = await client.call(`Bad.${method}`, 1).then(
          (value: unknown) => ({ value }),
          (e: unknown) => e as RpcError,
        );
        expectServerError(got, message);
        expect(await client.call('Bad.Ok', 41)).toBe(42);
      },
      codec,
    );
  });

  it('a cyclic reply gets an "cannot encode" error reply; the connection stays usable', async () => {
    await withCanary(
      h.address,
      async () => {
        await using client = await dialHTTP(h.address, { codec, timeout: 5000 });
        const got = await client.call('Bad.Cyclic', 1).catch((e: unknown) => e as RpcError);
        expectServerError(got as RpcError, /cannot encode reply of Bad\.Cyclic/);
        expect(await client.call('Bad.Ok', 1)).toBe(2);
      },
      codec,
    );
  });

  it('a reply the codec cannot encode (function, symbol, throwing toJSON) never breaks the connection', async () => {
    await withCanary(
      h.address,
      async () => {
        await using client = await dialHTTP(h.address, { codec, timeout: 5000 });
        for (const m of ['Func', 'Symbol', 'ThrowingToJSON', 'HugeBigInt']) {
          // Each codec may encode some of these its own way (json drops functions); none may hang or kill the connection.
          await client.call(`Bad.${m}`, 1).catch((e: unknown) => {
            expect(e).toBeInstanceOf(ServerError);
          });
        }
        expect(await client.call('Bad.Ok', 1)).toBe(2);
      },
      codec,
    );
  });

  it('a handler that never resolves leaves its call pending while other calls on the connection proceed', async () => {
    await withCanary(
      h.address,
      async () => {
        await using client = await dialHTTP(h.address, { codec });
        let settled = false;
        const never = client.call('Bad.Never', 1).finally(() => (settled = true));
        never.catch(() => undefined);
        for (let i = 0; i < 50; i++) expect(await client.call('Bad.Ok', i)).toBe(i + 1);
        await sleep(300);
        expect(settled).toBe(false);
      },
      codec,
    );
  });

  it('with handlerTimeoutMs, a handler that never resolves is answered with the timeout error', async () => {
    await withCanary(
      timed.address,
      async () => {
        await using client = await dialHTTP(timed.address, { codec, timeout: 5000 });
        const calls = Array.from({ length: 20 }, () => client.call('Bad.Never', 1).catch((e: unknown) => e as RpcError));
        expect(await client.call('Bad.Ok', 1)).toBe(2);
        for (const got of await Promise.all(calls)) expectServerError(got as RpcError, /^rpc: Bad\.Never timed out after 200 ms$/);
      },
      codec,
    );
  });
});

describe('codec-specific unencodable replies', () => {
  it('json: a cyclic reply → RPC_SERVER_ERROR naming the encoding problem', async () => {
    expectServerError(await outcome('json', h.address, 'Bad.Cyclic'), /cannot encode reply of Bad\.Cyclic: rpc: json: cannot encode/);
  });

  it('msgpack: a BigInt beyond 64 bits → RPC_SERVER_ERROR', async () => {
    expectServerError(await outcome('msgpack', h.address, 'Bad.HugeBigInt'), /cannot encode reply of Bad\.HugeBigInt/);
  });

  it('gob: a function field → RPC_SERVER_ERROR, and the gob stream stays in sync for later replies', async () => {
    await using client = await dialHTTP(h.address, { codec: 'gob', timeout: 5000 });
    const got = await client.call('Bad.Func', 1).catch((e: unknown) => e as RpcError);
    expectServerError(got as RpcError, /cannot encode reply of Bad\.Func/);
    for (let i = 0; i < 5; i++) expect(await client.call('Bad.Ok', i)).toBe(i + 1);
    expect(await client.call('Echo.Echo', { Deep: { Er: [1, 2, 3] } })).toEqual({ Deep: { Er: [1, 2, 3] } });
  });

  it('calls rejected locally with RPC_ENCODE leave the client usable', async () => {
    for (const codec of CODECS) {
      await using client = await dialHTTP(h.address, { codec, timeout: 5000 });
      const got = await client.call('Echo.Echo', cyclic()).catch((e: unknown) => e as RpcError);
      expect(got).toBeInstanceOf(RpcError);
      expect((got as RpcError).code).toBe(ErrorCode.Encode);
      expect(await client.call('Bad.Ok', 1)).toBe(2);
    }
  });
});
