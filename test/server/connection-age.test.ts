/** maxConnectionAgeMs: old connections refuse new calls (never run) and end once quiet; pools move to fresh ones without a failure. */
import { afterEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { dialReconnecting } from '../../src/client/pool.js';
import { SHUTTING_DOWN } from '../../src/drain-refusal.js';
import { ServerError } from '../../src/errors.js';
import type { CallContext } from '../../src/call-context.js';
import { Server } from '../../src/server/server.js';

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

async function start(name: string, maxConnectionAgeMs: number): Promise<{ server: Server; address: string; peers: Set<string>; ran: { n: number } }> {
  const server = new Server({ maxConnectionAgeMs });
  const peers = new Set<string>();
  const ran = { n: 0 };
  server.register('Who', {
    Am: (_: unknown, ctx: CallContext) => (ran.n++, peers.add(ctx.remoteAddress ?? ''), name),
  });
  const { port } = await server.listen({ port: 0 });
  cleanup.push(() => server.close(0));
  return { server, address: `127.0.0.1:${port}`, peers, ran };
}

describe('maxConnectionAgeMs', () => {
  it('refuses new calls on an old connection with the drain refusal, marked never executed', async () => {
    const a = await start('a', 200);
    const client = await dialHTTP(a.address, { codec: 'gob' });
    cleanup.push(() => client.close());
    expect(await client.call('Who.Am', null)).toBe('a');
    const err = await (async () => {
      for (;;) {
        try {
          await client.call('Who.Am', null);
        } catch (e) {
          return e as ServerError;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toBe(SHUTTING_DOWN);
    expect(err.unsent).toBe(true);
    await client.whenClosed(); // ended by the server once quiet
  });

  it('moves a reconnecting client onto fresh connections without failing a call', async () => {
    const a = await start('a', 150);
    const pool = dialReconnecting(a.address, { codec: 'gob' }); // gob: told by the refusal (msgpack: test/client/goaway.test.ts)
    cleanup.push(() => pool.close());
    await pool.ready();
    const end = performance.now() + 1200;
    let calls = 0;
    while (performance.now() < end) {
      expect(await pool.call('Who.Am', null)).toBe('a'); // not idempotent: only refusals are retried
      calls++;
    }
    expect(a.ran.n).toBe(calls); // every call ran once
    expect(a.peers.size).toBeGreaterThanOrEqual(3); // several connections, one after the other
    expect(pool.stats().retries).toBeGreaterThanOrEqual(1);
  });
});
