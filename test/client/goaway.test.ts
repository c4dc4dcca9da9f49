/**
 * The drain signal ahead of the refusal: a draining server (close(), or a
 * connection past maxConnectionAgeMs) sends netrpc msgpack clients the
 * `$/goaway` notification; they stop sending on that connection and a pool
 * moves new calls elsewhere before anything is refused. Peers that did not
 * ask (a stock msgpack-rpc peer, gob) get the drain refusal as before.
 */
import { pack, unpackMultiple } from 'msgpackr';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallContext } from '../../src/call-context.js';
import { dialHTTP } from '../../src/client/dial-http.js';
import { connectPool, dialReconnecting } from '../../src/client/pool.js';
import { SHUTTING_DOWN } from '../../src/drain-refusal.js';
import { ErrorCode, RpcError } from '../../src/errors.js';
import { GOAWAY_NOTIFICATION } from '../../src/goaway.js';
import { Server } from '../../src/server/server.js';
import type { ServerOptions } from '../../src/server/options.js';
import { rawConnect } from '../helpers.js';

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

interface Replica {
  readonly server: Server;
  readonly address: string;
  readonly port: number;
  /** Calls whose handler ran here. */
  ran: number;
}

/** replica serves `Work.Do`, which takes a few milliseconds, so calls are in flight when the drain starts. */
async function replica(name: string, options: ServerOptions = {}): Promise<Replica> {
  const server = new Server(options);
  const r: Replica = { server, address: '', port: 0, ran: 0 };
  server.register('Work', {
    Do: async (n: number, ctx: CallContext) => {
      r.ran++;
      await sleep(2, undefined, { signal: ctx.signal });
      return `${name}:${n}`;
    },
    Slow: async (ms: number, ctx: CallContext) => {
      r.ran++;
      await sleep(ms, undefined, { signal: ctx.signal });
      return `${name}:slow`;
    },
  });
  const { port } = await server.listen({ port: 0 });
  cleanup.push(() => server.close(0));
  return Object.assign(r, { address: `127.0.0.1:${port}`, port });
}

/** messages decodes the msgpack-rpc messages after the CONNECT answer in `bytes` (none while one is incomplete). */
function messages(bytes: Buffer): unknown[] {
  try {
    return unpackMultiple(bytes.subarray(bytes.indexOf('\n\n') + 2));
  } catch {
    return [];
  }
}

describe('the goaway notice', () => {
  it('moves a pool off a draining server before any call is refused', async () => {
    const a = await replica('a');
    const b = await replica('b');
    const pool = connectPool([a.address, b.address], { minBackoffMs: 50, maxBackoffMs: 200 });
    cleanup.push(() => pool.close());
    await pool.ready();
    await sleep(20); // both connected
    expect(pool.status().every((s) => s.healthy)).toBe(true);

    let running = true;
    let done = 0;
    const failures: string[] = [];
    const caller = async (id: number): Promise<void> => {
      for (let i = 0; running; i++) {
        try {
          const reply = await pool.call<string>('Work.Do', id * 1000 + i, { timeout: 5000 }); // not idempotent
          expect(reply.endsWith(`:${id * 1000 + i}`)).toBe(true);
          done++;
        } catch (err) {
          failures.push(err instanceof RpcError ? `${err.code}: ${err.message}` : String(err));
        }
      }
    };
    const callers = Array.from({ length: 16 }, (_, id) => caller(id + 1));
    while (a.ran < 200 || b.ran < 200) await sleep(5);

    await a.server.close({ drainDelayMs: 0, graceMs: 5000 }); // the drain starts at once: no delay to hide behind
    const ranOnA = a.ran;
    const doneAtDrain = done;
    while (done < doneAtDrain + 500) await sleep(5);
    running = false;
    await Promise.all(callers);

    expect(failures).toEqual([]);
    // A refused call would have been retried (it is never executed): none was.
    expect(pool.stats()).toMatchObject({ retries: 0, throttled: 0 });
    expect(a.ran + b.ran).toBe(done); // every call ran exactly once
    expect(a.ran).toBe(ranOnA); // nothing reached the drained server after its drain
    expect(pool.status().find((s) => s.address === a.address)?.healthy).toBe(false);
  });

  it('tells a client on its own: new calls fail at once, never sent, and the end is clean', async () => {
    const a = await replica('a');
    const client = await dialHTTP(a.address);
    cleanup.push(() => client.close());
    const slow = client.call('Work.Slow', 300);
    while (a.ran < 1) await sleep(1);
    const closing = a.server.close({ graceMs: 5000 });
    await client.whenGoingAway();
    expect(client.goingAway).toBe(true);
    const err = (await client.call('Work.Do', 2).catch((e: unknown) => e)) as RpcError;
    expect(err).toBeInstanceOf(RpcError);
    expect(err.code).toBe(ErrorCode.Shutdown);
    expect(err.unsent).toBe(true);
    expect(err.message).toBe('rpc: the server asked this connection to go away (draining)');
    expect(await slow).toBe('a:slow'); // the running call still gets its reply
    await closing;
    expect(await client.whenClosed()).toBeUndefined(); // an expected end, not a lost connection
    expect(a.ran).toBe(1);
  });

  it('asks a connection past maxConnectionAgeMs to go away: a reconnecting client rebalances with no refusal', async () => {
    const a = await replica('a', { maxConnectionAgeMs: 150 });
    const pool = dialReconnecting(a.address);
    cleanup.push(() => pool.close());
    await pool.ready();
    const connections = new Set<string>();
    a.server.register('Peer', { Port: (_: unknown, ctx: CallContext) => ctx.remoteAddress ?? '' });
    const end = performance.now() + 1200;
    let calls = 0;
    while (performance.now() < end) {
      connections.add(await pool.call<string>('Peer.Port', null)); // not idempotent
      expect(await pool.call('Work.Do', calls)).toBe(`a:${calls}`);
      calls++;
    }
    expect(a.ran).toBe(calls); // every call ran once
    expect(connections.size).toBeGreaterThanOrEqual(3); // several connections, one after the other
    expect(pool.stats()).toMatchObject({ retries: 0, throttled: 0 }); // moved before a refusal, every time
  });

  it('is sent only to a peer that asked on its CONNECT; others get the drain refusal', async () => {
    const a = await replica('a');
    const CONNECT = `CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: msgpack\r\n`;
    const asked = await rawConnect(a.port);
    asked.socket.write(`${CONNECT}Rpc-Notices: goaway\r\n\r\n`);
    const plain = await rawConnect(a.port); // a stock msgpack-rpc peer tunnelled over CONNECT
    plain.socket.write(`${CONNECT}\r\n`);
    await Promise.all([asked.waitFor((b) => b.includes('\n\n')), plain.waitFor((b) => b.includes('\n\n'))]);
    const closing = a.server.close({ graceMs: 5000 });
    const [notice] = messages(await asked.waitFor((b) => messages(b).length > 0));
    expect(notice).toEqual([2, GOAWAY_NOTIFICATION, ['draining']]);
    // A call that crossed the notice is served; the peer that was not told is refused.
    asked.socket.write(pack([0, 1, 'Work.Do', [1]]));
    plain.socket.write(pack([0, 1, 'Work.Do', [1]]));
    expect(messages(await asked.waitFor((b) => messages(b).length > 1))[1]).toEqual([1, 1, null, 'a:1']);
    expect(messages(await plain.waitFor((b) => messages(b).length > 0))).toEqual([[1, 1, SHUTTING_DOWN, null]]);
    // A peer that goes on sending after the notice is refused once the notice no longer excuses it.
    let seq = 2;
    while (!messages(asked.received()).some((m) => (m as unknown[])[2] === SHUTTING_DOWN)) {
      asked.socket.write(pack([0, seq++, 'Work.Do', [seq]]));
      await sleep(100);
    }
    expect(seq).toBeGreaterThan(8); // the first second of calls was served
    await closing;
    expect(a.ran).toBe(seq - 2);
  });

  it('is not sent over gob or json, which keep the drain refusal', async () => {
    for (const codec of ['gob', 'json'] as const) {
      const a = await replica(codec);
      const client = await dialHTTP(a.address, { codec });
      cleanup.push(() => client.close());
      expect(await client.call('Work.Do', 1)).toBe(`${codec}:1`);
      const slow = client.call('Work.Slow', 2000); // keeps the draining connection open
      while (a.ran < 2) await sleep(1);
      const closing = a.server.close({ graceMs: 5000 });
      await sleep(50);
      expect(client.goingAway).toBe(false);
      const err = (await client.call('Work.Do', 3).catch((e: unknown) => e)) as RpcError;
      expect(err.message).toBe(SHUTTING_DOWN);
      expect(err.unsent).toBe(true);
      expect(await slow).toBe(`${codec}:slow`);
      await closing;
    }
  });
});
