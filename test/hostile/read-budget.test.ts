/**
 * The server-wide read budget (maxBufferedBytes) over real connections:
 * calls whose arguments together exceed it run a few at a time while a
 * canary is served and every call finishes; messages each larger than the
 * whole budget are all answered, in every codec; peers that stall half way
 * through large messages do not hold back a good client's large call.
 */
import fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import type { Client } from '../../src/client/client.js';
import { msgpackRequest } from './attacks.js';
import { rpcConnect, startHostileServer, withCanary } from './harness.js';

const KIB = 1024;
/** The most one connection may hold whatever the total (READ_ALLOWANCE_BYTES). */
const ALLOWANCE = 64 * KIB;

/** Hold is a service whose calls run until the test lets them go, recording how many run at once. */
function holdService() {
  let running = 0;
  let most = 0;
  let started = 0;
  const waiting: (() => void)[] = [];
  return {
    impl: {
      Keep(payload: Uint8Array): Promise<number> {
        running++;
        started++;
        most = Math.max(most, running);
        return new Promise((resolve) =>
          waiting.push(() => {
            running--;
            resolve(payload.length);
          }),
        );
      },
    },
    get most(): number {
      return most;
    },
    get started(): number {
      return started;
    },
    /** releaseOne ends the oldest running call; false when none runs. */
    releaseOne(): boolean {
      const r = waiting.shift();
      r?.();
      return r !== undefined;
    },
  };
}

describe('the read budget over real connections', () => {
  it('calls whose arguments together exceed maxBufferedBytes run a few at a time, all finish, and a canary is served throughout', async () => {
    const hold = holdService();
    const h = await startHostileServer({ maxBufferedBytes: 1024 * KIB, messageTimeoutMs: 300 }, { Hold: hold.impl });
    const clients: Client[] = [];
    try {
      for (let i = 0; i < 10; i++) clients.push(await dialHTTP(h.address, { timeout: 20_000 }));
      await withCanary(h.address, async () => {
        const calls = clients.map((c) => c.call('Hold.Keep', new Uint8Array(300 * KIB)));
        // Let every request arrive; the ones past the budget wait, their sockets paused, past the message timeout.
        await sleep(500);
        expect(hold.started).toBeLessThanOrEqual(5);
        let released = 0;
        while (released < 10) {
          if (hold.releaseOne()) released++;
          else await sleep(10);
        }
        expect(await Promise.all(calls)).toEqual(new Array<number>(10).fill(300 * KIB));
      });
      // 300 KiB each against 1 MiB: at most three fit, and one more may be decoded past the limit.
      expect(hold.most).toBeLessThanOrEqual(5);
      expect(h.server.readBudget.used).toBeLessThan(ALLOWANCE);
    } finally {
      for (const c of clients) await c.close();
      await h.close();
    }
  });

  it('messages each larger than the whole budget are all answered (one at a time past the limit), from every codec', async () => {
    const h = await startHostileServer({ maxBufferedBytes: 128 * KIB });
    const clients: Client[] = [];
    try {
      for (const codec of ['msgpack', 'gob', 'json', 'msgpack', 'gob', 'json'] as const) clients.push(await dialHTTP(h.address, { codec, timeout: 20_000 }));
      const sizes = fc.sample(fc.integer({ min: 200 * KIB, max: 900 * KIB }), { numRuns: clients.length, seed: 12 });
      const replies = await Promise.all(clients.map((c, i) => c.call('Echo.Echo', new Uint8Array(sizes[i]!).fill(i + 1))));
      replies.forEach((r, i) => {
        // JSON carries bytes as base64 (Go's []byte).
        const bytes = typeof r === 'string' ? Buffer.from(r, 'base64') : (r as Uint8Array);
        expect(bytes.length).toBe(sizes[i]);
        expect(bytes[0]).toBe(i + 1);
      });
      expect(h.server.readBudget.used).toBeLessThan(ALLOWANCE * clients.length);
    } finally {
      for (const c of clients) await c.close();
      await h.close();
    }
  });

  it('peers that stall half way through large messages do not hold back the large call of a good client', async () => {
    const h = await startHostileServer({ maxBufferedBytes: 512 * KIB });
    const stalled = [];
    try {
      for (let i = 0; i < 3; i++) {
        // The first 400 KiB of a 1 MiB argument, then nothing.
        const header = msgpackRequest(Buffer.from([0xc6, 0x00, 0x10, 0x00, 0x00]));
        const conn = await rpcConnect(h.port, 'msgpack', Buffer.concat([header, Buffer.alloc(400 * KIB, 7)]));
        stalled.push(conn);
      }
      await sleep(100);
      await withCanary(h.address, async () => {
        const good = await dialHTTP(h.address, { timeout: 10_000 });
        const reply = (await good.call('Echo.Echo', new Uint8Array(300 * KIB).fill(9))) as Uint8Array;
        expect(reply.length).toBe(300 * KIB);
        await good.close();
      });
    } finally {
      await h.close(...stalled);
    }
  });
});
