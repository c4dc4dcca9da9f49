/**
 * Hostile JSON-RPC input over a real connection. JSON cannot claim a count,
 * so the size cases are values that never end: an open string or array
 * streamed up to the limit. Each case runs a canary on the same server.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { decodeReplies, MIB, rpcConnect, startHostileServer, startMemoryProbe, waitForReplies, withCanary } from './harness.js';
import type { HostileServer } from './harness.js';
import { expectFatalOn } from '../support/expect-fatal.js';

const LIMIT = 8 * MIB;
let h: HostileServer;

beforeAll(async () => {
  h = await startHostileServer({ maxMessageBytes: LIMIT });
});

afterAll(async () => {
  await h.close();
});

/** expectFatal sends `bytes` on a fresh json connection and expects a close with `code` within `ms`. */
const expectFatal = (bytes: Uint8Array | string, code: string, ms = 2000): Promise<void> => expectFatalOn(h, 'json', bytes, code, ms);

/**
 * streamUntilClosed writes `prefix`, then `filler` in 64 KiB writes as fast as
 * the socket takes them until the server closes the connection or `total`
 * bytes were sent (on `port`, the shared server by default); resolves with the bytes sent and the time taken.
 */
async function streamUntilClosed(prefix: string, fill: number, total: number, ms: number, port = h.port): Promise<{ sent: number; closedAfterMs: number }> {
  const conn = await rpcConnect(port, 'json');
  const chunk = Buffer.alloc(64 * 1024, fill);
  const t0 = performance.now();
  let sent = 0;
  conn.socket.write(prefix);
  let closed = false;
  conn.socket.once('close', () => (closed = true));
  while (!closed && sent < total && performance.now() - t0 < ms) {
    sent += chunk.length;
    if (!conn.socket.write(chunk)) await new Promise((r) => conn.socket.once('drain', r).once('close', r));
  }
  await conn.closed(ms);
  return { sent, closedAfterMs: performance.now() - t0 };
}

describe('json values that never end', () => {
  it('an open string streamed past maxMessageBytes ends with RPC_MESSAGE_TOO_LARGE within 2 s of crossing the limit', async () => {
    const probe = startMemoryProbe();
    const before = h.log.errors.length;
    const result = await withCanary(h.address, () => streamUntilClosed('{"method":"Echo.Echo","params":["', 0x61, 4 * LIMIT, 3000), 'json');
    const err = await h.log.waitFor((e) => h.log.errors.indexOf(e) >= before, 1000);
    expect(err.code).toBe(ErrorCode.MessageTooLarge);
    expect(result.sent).toBeLessThan(2 * LIMIT + 4 * MIB);
    // Sending 8 MiB over loopback takes well under a second; the server must keep up with it.
    expect(result.closedAfterMs).toBeLessThan(2000);
    expect(probe.stop().heap).toBeLessThan(8 * LIMIT);
  });

  it('an open array of numbers streamed past a 1 MiB maxMessageBytes ends with RPC_MESSAGE_TOO_LARGE within 2 s', async () => {
    const small = await startHostileServer({ maxMessageBytes: 1 * MIB });
    try {
      const before = small.log.errors.length;
      const result = await withCanary(small.address, () => streamUntilClosed('{"method":"Echo.Echo","params":[[1', 0x2c /* , */, 32 * MIB, 3000, small.port), 'json');
      // ",,,," is not valid JSON but the scanner only counts brackets: the size limit is what ends it.
      const err = await small.log.waitFor((e) => small.log.errors.indexOf(e) >= before, 1000);
      expect(err.code).toBe(ErrorCode.MessageTooLarge);
      // The limit plus what the two kernels' socket buffers absorbed.
      expect(result.sent).toBeLessThan(12 * MIB);
      expect(result.closedAfterMs).toBeLessThan(2000);
    } finally {
      await small.close();
    }
  });

  it('100,000 nested arrays in params end the connection with RPC_NESTING_TOO_DEEP', async () => {
    const probe = startMemoryProbe();
    await withCanary(h.address, () => expectFatal(`{"method":"Echo.Echo","params":${'['.repeat(100_000)}`, ErrorCode.NestingTooDeep), 'json');
    expect(probe.stop().heap).toBeLessThan(64 * MIB);
  });

  it('100,000 nested arrays inside a string are only a string', async () => {
    await withCanary(h.address, async () => {
      const conn = await rpcConnect(h.port, 'json');
      conn.socket.write(`{"method":"Echo.Echo","params":["${'['.repeat(100_000)}\\"{"],"id":1}\n`);
      const [reply] = await waitForReplies(conn, 'json', 1);
      expect(reply!.reply).toBe(`${'['.repeat(100_000)}"{`);
      conn.socket.destroy();
    }, 'json');
  });
});

describe('json messages that are not JSON-RPC requests', () => {
  it.each([
    ['a top-level array', '[[[[[[1]]]]]]\n'],
    ['a bare number', '42\n'],
    ['a bare string', '"Arith.Add"\n'],
    ['invalid JSON inside braces', '{"method": "Arith.Add", params: [1]}\n'],
    ['a method that is not a string', '{"method": 5, "params": [1], "id": 1}\n'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x6d, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
    ['unbalanced closers', '{"method":"Arith.Add"]]]]}\n'],
  ])('%s ends the connection with RPC_PROTOCOL', async (_name, bytes) => {
    await withCanary(h.address, () => expectFatal(bytes, ErrorCode.Protocol), 'json');
  });

  it('odd ids and missing params get replies and keep the connection usable', async () => {
    await withCanary(h.address, async () => {
      const conn = await rpcConnect(h.port, 'json');
      conn.socket.write(
        [
          '{"method":"Arith.Add","params":{"A":1},"id":1}',
          '{"method":"Arith.Add","id":2}',
          '{"method":"Arith.Add","params":[{"A":1,"B":1}],"id":{"nested":[1,2]}}',
          '{"method":"Arith.Add","params":[{"A":1,"B":1}]}',
          '{"method":"Arith.Add","params":[{"A":2,"B":2}],"id":3,"__proto__":{"polluted":true}}',
          '',
        ].join('\n'),
      );
      await conn.waitFor((b) => b.toString().split('\n').length >= 6 + 1);
      const lines = conn
        .codecBytes()
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: unknown; error: unknown; result: unknown });
      const byId = (id: unknown): unknown => lines.find((l) => JSON.stringify(l.id) === JSON.stringify(id));
      expect(byId(1)).toMatchObject({ error: 'jsonrpc: request body missing params' });
      expect(byId(2)).toMatchObject({ error: 'jsonrpc: request body missing params' });
      expect(byId({ nested: [1, 2] })).toMatchObject({ result: 2, error: null });
      expect(byId(null)).toMatchObject({ result: 2, error: null });
      expect(byId(3)).toMatchObject({ result: 4, error: null });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      conn.socket.destroy();
    }, 'json');
  });

  it('whitespace between messages, and a message split by a slow writer, are fine', async () => {
    await withCanary(h.address, async () => {
      const conn = await rpcConnect(h.port, 'json');
      conn.socket.write('\n\n \t\r\n');
      await sleep(20);
      conn.socket.write('{"method":"Arith.Add","params":[{"A":2,"B":5}],"id":9}   \n\n');
      const replies = await waitForReplies(conn, 'json', 1);
      expect(replies).toEqual([{ type: 'response', seq: 9, error: null, reply: 7 }]);
      expect(decodeReplies('json', conn.codecBytes())).toHaveLength(1);
      conn.socket.destroy();
    }, 'json');
  });
});
