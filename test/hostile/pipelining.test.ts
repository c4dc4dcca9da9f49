/**
 * A good client may send far more calls at once than the server runs
 * (`maxInFlight`) or than it will queue replies for (`maxWriteBufferBytes`):
 * the complete messages the server holds back are backpressure, not a
 * message arriving slowly, so the message deadline must not run while the
 * server is not reading. A message that is really incomplete is still cut
 * by it once the backlog is worked off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { CODECS, encodeCalls, rpcConnect, startHostileServer, waitForReplies, withCanary } from './harness.js';
import type { HostileServer, RpcConnection } from './harness.js';
import { waitUntil } from './sockets.js';

const MESSAGE_MS = 100;
let h: HostileServer | undefined;
let raw: RpcConnection | undefined;

afterEach(async () => {
  raw?.socket.destroy();
  raw = undefined;
  await h?.close();
  h = undefined;
});

const services = {
  /** Each call outlasts the message deadline: a held-back call waits longer still. */
  Slow: { Echo: async (n: number) => new Promise((resolve) => setTimeout(resolve, MESSAGE_MS * 1.5, n)) },
  Big: { Make: (n: number) => 'c'.repeat(n) },
};

describe.each(CODECS)('%s', (codec) => {
  it.each([1, 4])('a client pipelining 3 × maxInFlight (%i) calls that each outlast messageTimeoutMs gets every reply', async (maxInFlight) => {
    h = await startHostileServer({ maxInFlight, messageTimeoutMs: MESSAGE_MS }, services);
    const server = h;
    await withCanary(server.address, async () => {
      await using client = await dialHTTP(server.address, { codec, timeout: 20_000 });
      const count = 3 * maxInFlight;
      const replies = await Promise.all(Array.from({ length: count }, (_, i) => client.call('Slow.Echo', i)));
      expect(replies).toEqual(Array.from({ length: count }, (_, i) => i));
      expect(server.log.errors).toEqual([]);
    });
  });

  it.each([
    ['no trailing bytes', false],
    ['half a message after them', true],
  ])('a client that pipelines calls for 8 MiB of replies and reads nothing for 3 message deadlines, then reads: every reply arrives (%s)', async (_name, trailing) => {
    h = await startHostileServer({ maxWriteBufferBytes: 256 * 1024, messageTimeoutMs: MESSAGE_MS }, services);
    const server = h;
    await withCanary(server.address, async () => {
      const count = 64;
      const calls = Array.from({ length: count + 1 }, (_, i) => [i + 1, 'Big.Make', i < count ? 128 * 1024 : 1] as const);
      // One stream (gob defines its types once): the complete calls, then all but the last 2 bytes of one more.
      const encoded = encodeCalls(codec, trailing ? calls : calls.slice(0, count));
      const stream = encoded;
      const conn = await rpcConnect(server.port, codec);
      raw = conn;
      conn.socket.pause();
      conn.socket.write(trailing ? stream.subarray(0, stream.length - 2) : stream);
      await new Promise((resolve) => setTimeout(resolve, MESSAGE_MS * 3));
      expect(conn.socket.destroyed).toBe(false);
      conn.socket.resume();
      // Decoding is tried once the bytes are there (decoding a growing stream on every chunk is quadratic).
      await conn.waitFor((b) => b.length >= count * 128 * 1024, 10_000);
      const replies = await waitForReplies(conn, codec, count, 5000);
      expect(replies.map((r) => r.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      if (trailing) {
        // Once the backlog is answered, the half message is what it is: a message not completed in time.
        await conn.closed(MESSAGE_MS * 2 + 3000);
        await server.log.waitFor((e) => /not completed within/.test(e.message));
      } else {
        expect(server.log.errors).toEqual([]);
        await waitUntil(() => server.server.connectionCount === 2, 1000, () => `${server.server.connectionCount} connections`);
      }
    });
  });
});

