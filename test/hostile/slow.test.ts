/**
 * Slow peers after the handshake: a message that stops half way, and one
 * whose bytes trickle in forever. `idleTimeoutMs` is the server's defence;
 * these cases decide what it must cover.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODECS, elapsed, encodeCalls, rpcConnect, startHostileServer, waitForReplies, withCanary, writeSlowly } from './harness.js';
import type { HostileServer } from './harness.js';

const IDLE_MS = 300;
/** Idle timeout of the server for the slow-but-steady case: about 25 times the time its message takes. */
const ROOMY_IDLE_MS = 3000;
let h: HostileServer;

beforeAll(async () => {
  h = await startHostileServer({ idleTimeoutMs: IDLE_MS });
});

afterAll(async () => {
  await h.close();
});

describe.each(CODECS)('%s, with idleTimeoutMs', (codec) => {
  const call = encodeCalls(codec, [[1, 'Echo.Echo', 'z'.repeat(2000)]]);

  it('a message that stops half way and goes silent is closed after the idle timeout', async () => {
    await withCanary(h.address, async () => {
      const conn = await rpcConnect(h.port, codec);
      conn.socket.write(call.subarray(0, call.length >> 1));
      expect(await elapsed(() => conn.closed(IDLE_MS + 2000))).toBeLessThan(IDLE_MS + 2000);
    });
  });

  it('a whole message sent slowly (a byte every 2 ms, well within the idle timeout) is still answered', async () => {
    const small = encodeCalls(codec, [[1, 'Arith.Add', { A: 1, B: 2 }]]);
    // Its own server with a longer idle timeout: a byte every 2 ms stays "well within" it on a loaded machine too.
    const roomy = await startHostileServer({ idleTimeoutMs: ROOMY_IDLE_MS });
    await withCanary(roomy.address, async () => {
      const conn = await rpcConnect(roomy.port, codec);
      conn.socket.setNoDelay(true);
      await writeSlowly(conn, small, 1, 2);
      const [reply] = await waitForReplies(conn, codec, 1);
      expect(reply).toEqual({ seq: 1, error: null, reply: 3 });
      conn.socket.destroy();
    }).finally(() => roomy.close());
  });

  /**
   * A peer that keeps a message incomplete by sending one byte just before
   * each idle period ends holds the connection (and its buffer) forever:
   * the idle timer restarts on any byte. The connection should be closed
   * once a partial message has made no complete frame for longer than the
   * idle timeout (or some message deadline derived from it).
   */
  it('a message trickling one byte per idle period, forever, is closed (not kept open by the trickle)', async () => {
    const body = Buffer.concat([call, call, call, call]);
    await withCanary(h.address, async () => {
      const conn = await rpcConnect(h.port, codec);
      conn.socket.setNoDelay(true);
      conn.socket.write(body.subarray(0, 10));
      // One byte every IDLE_MS / 3: the idle timer never fires; 6 idle periods in all.
      void writeSlowly(conn, body.subarray(10), 1, IDLE_MS / 3);
      const closedInTime = await conn.closed(IDLE_MS * 6).then(
        () => true,
        () => false,
      );
      conn.socket.destroy();
      await sleep(10);
      expect(closedInTime, `a message trickling 1 byte per ${IDLE_MS / 3} ms kept the connection open for ${IDLE_MS * 6} ms (idleTimeoutMs ${IDLE_MS})`).toBe(true);
    });
  });
});
