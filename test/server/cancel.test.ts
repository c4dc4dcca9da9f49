import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { ErrorCode, RpcError, ServerError } from '../../src/errors.js';
import type { CallContext } from '../../src/call-context.js';
import type { Server } from '../../src/server/server.js';
import { rejection, startDemoServer } from '../helpers.js';
import { waitFor } from '../support/wait-for.js';


/** waitUntil polls `predicate` until it holds or `ms` pass. */
const waitUntil = (predicate: () => boolean, ms = 2000): Promise<void> => waitFor(predicate, ms, { everyMs: 5 });

describe.each(['msgpack', 'gob', 'json'])('cancellation over %s', (codec) => {
  let server: Server;
  let address: string;
  const seen: { reason: unknown; finished: boolean }[] = [];

  beforeAll(async () => {
    ({ server, address } = await startDemoServer({ handlerTimeoutMs: 300 }));
    server.register('Work', {
      UntilAborted(_a: unknown, ctx: CallContext) {
        const record = { reason: undefined as unknown, finished: false };
        seen.push(record);
        return new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            record.reason = ctx.signal.reason;
            record.finished = true;
            reject(new Error('stopped'));
          });
        });
      },
    });
  });
  afterAll(() => server.close());

  it('tells the server when a call times out: the handler signal fires, the late reply is dropped', async () => {
    seen.length = 0;
    await using client = await dialHTTP(address, { codec });
    const err = await rejection(client.call('Work.UntilAborted', 1, { timeout: 50 }));
    expect(err.code).toBe(ErrorCode.Timeout);
    await waitUntil(() => seen[0]?.finished === true);
    expect(seen[0]!.reason).toBeInstanceOf(RpcError);
    expect((seen[0]!.reason as RpcError).code).toBe(ErrorCode.Aborted);
    expect(await client.call('Arith.Add', { A: 1, B: 2 })).toBe(3);
    expect(client.pendingCount).toBe(0);
  });

  it('tells the server when a call is aborted with an AbortSignal', async () => {
    seen.length = 0;
    await using client = await dialHTTP(address, { codec });
    const ac = new AbortController();
    const p = rejection(client.call('Work.UntilAborted', 1, { signal: ac.signal }));
    await waitUntil(() => seen.length === 1);
    ac.abort();
    expect((await p).code).toBe(ErrorCode.Aborted);
    await waitUntil(() => seen[0]!.finished);
  });

  it("answers a call that outlives the server's handler time limit, and aborts its signal", async () => {
    seen.length = 0;
    await using client = await dialHTTP(address, { codec });
    const err = await rejection(client.call('Work.UntilAborted', 1));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toBe('rpc: Work.UntilAborted timed out after 300 ms');
    await waitUntil(() => seen[0]!.finished);
    expect((seen[0]!.reason as RpcError).code).toBe(ErrorCode.Timeout);
    expect(await client.call('Echo.Upper', 'still up')).toBe('STILL UP');
  });

  it('lets a client opt out of telling the server', async () => {
    seen.length = 0;
    await using client = await dialHTTP(address, { codec, cancelOnServer: false });
    expect((await rejection(client.call('Work.UntilAborted', 1, { timeout: 30 }))).code).toBe(ErrorCode.Timeout);
    await sleep(100);
    expect(seen[0]!.finished).toBe(false);
  });
});
