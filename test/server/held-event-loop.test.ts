/**
 * The server's deadlines measure the peer, not a held-up event loop: when
 * the process was busy (a long synchronous handler, a GC pause) for longer
 * than a deadline while the peer's bytes arrived, the deadline's timer runs
 * before those bytes are read, and the connection must still answer rather
 * than close under the caller. The idle timeout and the message deadline
 * are driven here; the send deadline makes the same check (it needs the
 * peer in another process to be driven this way).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CODECS, encodeCalls, rpcConnect, startHostileServer, waitForReplies } from '../hostile/harness.js';
import type { HostileServer } from '../hostile/harness.js';

const IDLE_MS = 150;
let h: HostileServer | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** holdEventLoop keeps this thread busy for `ms`, as a long synchronous handler or a GC pause would. */
function holdEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe.each(CODECS)('%s', (codec) => {
  it('a request that arrived while the event loop was held past idleTimeoutMs is answered', async () => {
    h = await startHostileServer({ idleTimeoutMs: IDLE_MS });
    const conn = await rpcConnect(h.port, codec);
    conn.socket.setNoDelay(true);
    conn.socket.write(encodeCalls(codec, [[1, 'Arith.Add', { A: 2, B: 3 }]]));
    holdEventLoop(IDLE_MS * 3);
    const [reply] = await waitForReplies(conn, codec, 1);
    expect(reply).toEqual({ seq: 1, error: null, reply: 5 });
    conn.socket.destroy();
  });

  it('a connection that stays silent is still closed after idleTimeoutMs', async () => {
    h = await startHostileServer({ idleTimeoutMs: IDLE_MS });
    const conn = await rpcConnect(h.port, codec);
    await conn.closed(IDLE_MS + 3000);
    expect(conn.socket.readableEnded || conn.socket.destroyed).toBe(true);
  });

  it('a message completed while the event loop was held past messageTimeoutMs is answered', async () => {
    h = await startHostileServer({ messageTimeoutMs: IDLE_MS });
    const conn = await rpcConnect(h.port, codec);
    conn.socket.setNoDelay(true);
    const call = encodeCalls(codec, [[1, 'Arith.Add', { A: 2, B: 3 }]]);
    conn.socket.write(call.subarray(0, call.length >> 1));
    await sleep(IDLE_MS / 3);
    conn.socket.write(call.subarray(call.length >> 1));
    holdEventLoop(IDLE_MS * 3);
    const [reply] = await waitForReplies(conn, codec, 1);
    expect(reply).toEqual({ seq: 1, error: null, reply: 5 });
    conn.socket.destroy();
  });
});
