import diagnosticsChannel from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { connectPool } from '../../src/client/pool.js';
import { ErrorCode, ServerError } from '../../src/errors.js';
import type { Server } from '../../src/server/server.js';
import { rejection, startDemoServer } from '../helpers.js';

type Event = { readonly kind: string; readonly ctx: Record<string, unknown>; readonly snapshot: Record<string, unknown> };

/** listen subscribes to every event of a TracingChannel and records it, with a copy of the context as it was then. */
function listen(name: string): { events: Event[]; stop(): void } {
  const channel = diagnosticsChannel.tracingChannel(name);
  const events: Event[] = [];
  const record =
    (kind: string) =>
    (message: unknown): void => {
      const ctx = message as Record<string, unknown>;
      events.push({ kind, ctx, snapshot: { ...ctx, error: ctx.error, result: ctx.result } });
    };
  const handlers = { start: record('start'), end: record('end'), asyncStart: record('asyncStart'), asyncEnd: record('asyncEnd'), error: record('error') };
  channel.subscribe(handlers);
  return { events, stop: () => channel.unsubscribe(handlers) };
}

describe('tracing channels netrpc:server:call and netrpc:client:call', () => {
  let server: Server;
  let address: string;
  let subscriptions: { stop(): void }[];

  beforeEach(async () => {
    ({ server, address } = await startDemoServer());
    subscriptions = [];
  });
  afterEach(async () => {
    for (const s of subscriptions) s.stop();
    await server.close();
  });

  function subscribe(name: string): Event[] {
    const s = listen(name);
    subscriptions.push(s);
    return s.events;
  }

  it('publish start, end, asyncStart, asyncEnd for a call that succeeds, with its name, codec, peer and reply', async () => {
    const serverEvents = subscribe('netrpc:server:call');
    const clientEvents = subscribe('netrpc:client:call');
    await using client = await dialHTTP(address, { codec: 'json' });
    expect(await client.call('Arith.Multiply', { A: 6, B: 7 })).toBe(42);

    expect(clientEvents.map((e) => e.kind)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    const c = clientEvents[0]!.ctx;
    expect(clientEvents.every((e) => e.ctx === c)).toBe(true);
    expect(c).toMatchObject({ serviceMethod: 'Arith.Multiply', codec: 'json', target: address, remoteAddress: address, args: { A: 6, B: 7 }, result: 42 });
    expect(clientEvents[0]!.snapshot.result).toBeUndefined();

    expect(serverEvents.map((e) => e.kind)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    const s = serverEvents[0]!.ctx;
    expect(s).toMatchObject({ serviceMethod: 'Arith.Multiply', service: 'Arith', method: 'Multiply', codec: 'json', localAddress: address, result: 42 });
    expect(s.remoteAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(s.error).toBeUndefined();
  });

  it('publish error before asyncStart when the call fails, with the error on the context', async () => {
    const serverEvents = subscribe('netrpc:server:call');
    const clientEvents = subscribe('netrpc:client:call');
    await using client = await dialHTTP(address);
    await rejection(client.call('Echo.Fail', 'broken'));
    expect(clientEvents.map((e) => e.kind)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(clientEvents[2]!.ctx.error).toBeInstanceOf(ServerError);
    expect((clientEvents[2]!.ctx.error as Error).message).toBe('failed: broken');
    expect(serverEvents.map((e) => e.kind)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect((serverEvents[2]!.ctx.error as Error).message).toBe('failed: broken');
  });

  it('publish a client timeout as an error with its code', async () => {
    const clientEvents = subscribe('netrpc:client:call');
    await using client = await dialHTTP(address);
    await rejection(client.call('Echo.Sleep', 5000, { timeout: 20 }));
    const error = clientEvents.find((e) => e.kind === 'error')!.ctx.error;
    expect(error).toMatchObject({ code: ErrorCode.Timeout });
  });

  it('publish a pool call once, with the endpoint it went to', async () => {
    const clientEvents = subscribe('netrpc:client:call');
    await using pool = connectPool([address]);
    expect(await pool.call('Arith.Add', { A: 1, B: 2 })).toBe(3);
    expect(clientEvents.map((e) => e.kind)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(clientEvents[0]!.ctx).toMatchObject({ serviceMethod: 'Arith.Add', target: address, codec: 'msgpack', result: 3 });
  });

  it('wrap the middleware: a middleware short-circuit is what the server channel sees as the result', async () => {
    const serverEvents = subscribe('netrpc:server:call');
    server.use(() => 'from middleware');
    await using client = await dialHTTP(address);
    expect(await client.call('Arith.Add', { A: 1, B: 2 })).toBe('from middleware');
    expect(serverEvents.at(-1)!.ctx.result).toBe('from middleware');
  });

  it('publish nothing once unsubscribed', async () => {
    const s = listen('netrpc:server:call');
    const c = listen('netrpc:client:call');
    s.stop();
    c.stop();
    await using client = await dialHTTP(address);
    expect(await client.call('Arith.Add', { A: 1, B: 2 })).toBe(3);
    expect(s.events).toEqual([]);
    expect(c.events).toEqual([]);
    expect(diagnosticsChannel.tracingChannel('netrpc:server:call').hasSubscribers).toBe(false);
  });
});
