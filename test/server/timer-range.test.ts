/**
 * Node's timers hold at most 2^31−1 ms; a longer delay prints a
 * TimeoutOverflowWarning and fires after 1 ms. No number a user or a peer
 * gives (the demo's Echo.Sleep, call and connect timeouts, server
 * deadlines, the grace period, pool backoff) may do either: a long delay
 * means "a long time", and a peer cannot flood stderr with warnings.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { connectPool } from '../../src/client/pool.js';
import { ServerError } from '../../src/errors.js';
import type { ServerOptions } from '../../src/server/options.js';
import type { Server } from '../../src/server/server.js';
import { freePort, rawConnect, rejection, startDemoServer } from '../helpers.js';
import { encodeCalls } from '../hostile/harness.js';

/** Past the largest delay Node's timers hold. */
const LONG = [2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER];
const warnings: Error[] = [];
const onWarning = (w: Error): void => void warnings.push(w);

beforeEach(() => {
  warnings.length = 0;
  process.on('warning', onWarning);
});

afterEach(async () => {
  await sleep(5); // warnings are emitted on the next tick
  process.removeListener('warning', onWarning);
  expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
});

describe('a peer asking the demo to sleep past the timer range', () => {
  let server: Server;
  let address: string;
  beforeAll(async () => {
    ({ server, address } = await startDemoServer());
  });
  afterAll(() => server.close());

  it.each(LONG)('Echo.Sleep(%d) is refused as an invalid argument, at once', async (ms) => {
    await using client = await dialHTTP(address);
    const err = await rejection(client.call('Echo.Sleep', ms, { timeout: 5000 }));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toMatch(/^rpc: invalid args for Echo\.Sleep/);
  });
});

describe.each(LONG)('client delays of %d ms mean a long time', (ms) => {
  let server: Server;
  let address: string;
  beforeAll(async () => {
    ({ server, address } = await startDemoServer());
  });
  afterAll(() => server.close());

  it('a call timeout', async () => {
    await using client = await dialHTTP(address);
    expect(await client.call('Echo.Sleep', 30, { timeout: ms })).toBe(30);
  });

  it('a client-wide call timeout', async () => {
    await using client = await dialHTTP(address, { timeout: ms });
    expect(await client.call('Echo.Sleep', 30)).toBe(30);
  });

  it('a connect timeout', async () => {
    await using client = await dialHTTP(address, { connectTimeout: ms });
    expect(await client.call('Arith.Add', { A: 1, B: 2 })).toBe(3);
  });

  it('pool backoff: an unreachable endpoint is not redialed in a loop', async () => {
    const pool = connectPool([`127.0.0.1:${await freePort()}`], { minBackoffMs: ms, maxBackoffMs: ms });
    await sleep(100);
    expect(pool.status()[0]!.failures).toBe(1);
    await pool.close();
  });
});

describe.each(LONG)('server deadlines of %d ms mean a long time', (ms) => {
  const start = (options: ServerOptions) => startDemoServer(options);

  it.each(['handshakeTimeoutMs', 'lingerMs', 'sendTimeoutMs', 'idleTimeoutMs'] as const)('%s: a CONNECT sent 30 ms after connecting is served', async (option) => {
    const { server, port } = await start({ [option]: ms });
    const c = await rawConnect(port);
    await sleep(30);
    c.socket.write(Buffer.concat([Buffer.from('CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: json\r\n\r\n'), encodeCalls('json', [[1, 'Echo.Sleep', 30]])]));
    await c.waitFor((b) => b.includes('"result":30'), 3000);
    c.socket.destroy();
    await server.close();
  });

  it('handlerTimeoutMs: a 30 ms call is answered', async () => {
    const { server, address } = await start({ handlerTimeoutMs: ms });
    await using client = await dialHTTP(address);
    expect(await client.call('Echo.Sleep', 30)).toBe(30);
    await server.close();
  });

  it('messageTimeoutMs: a message sent in two halves 30 ms apart is answered', async () => {
    const { server, port } = await start({ messageTimeoutMs: ms });
    const call = encodeCalls('json', [[1, 'Arith.Add', { A: 2, B: 3 }]]);
    const c = await rawConnect(port);
    c.socket.write(Buffer.concat([Buffer.from('CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: json\r\n\r\n'), call.subarray(0, 10)]));
    await sleep(30);
    c.socket.write(call.subarray(10));
    await c.waitFor((b) => b.includes('"result":5'), 3000);
    c.socket.destroy();
    await server.close();
  });

  it('close(graceMs): a running call finishes before the connection is closed', async () => {
    const { server, address } = await start({});
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    server.register('Hold', {
      async Run() {
        started();
        await sleep(50);
        return 50;
      },
    });
    const client = await dialHTTP(address);
    const call = client.call('Hold.Run');
    await running;
    await server.close(ms);
    expect(await call).toBe(50);
    await client.close();
  });
});
