/**
 * Hostile streams that apply to every codec: valid streams cut at every
 * byte, garbage after the handshake, truncated messages, oversized
 * messages, duplicate sequence numbers and floods of unknown methods. Each
 * case runs a canary client on the same server and checks it never failed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { splitEverywhere } from '../helpers.js';
import {
  CODECS,
  decodeReplies,
  elapsed,
  encodeCalls,
  FakeSocket,
  MIB,
  rpcConnect,
  startHostileServer,
  startMemoryProbe,
  waitForReplies,
  withCanary,
} from './harness.js';
import type { CodecName, HostileServer } from './harness.js';

let h: HostileServer;

beforeAll(async () => {
  h = await startHostileServer({ maxMessageBytes: 64 * 1024, idleTimeoutMs: 0 });
});

afterAll(async () => {
  await h.close();
});

/** THREE_CALLS is a small valid stream: a product, an upper-cased string and a handler error. */
const THREE_CALLS = [
  [1, 'Arith.Multiply', { A: 6, B: 7 }],
  [2, 'Echo.Upper', 'héllo wörld'],
  [3, 'Arith.Divide', { A: 1, B: 0 }],
] as const;

function checkThree(codec: CodecName, bytes: Uint8Array): void {
  const replies = decodeReplies(codec, bytes);
  expect(replies.map((r) => [r.seq, r.error, r.reply]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
    [1, null, 42],
    [2, null, 'HÉLLO WÖRLD'],
    [3, 'divide by zero', undefined],
  ]);
}

describe.each(CODECS)('%s stream', (codec) => {
  it('a valid stream of three calls fed in two pieces at every split point is answered correctly', async () => {
    const stream = encodeCalls(codec, THREE_CALLS);
    await withCanary(h.address, async () => {
      const splits = [...splitEverywhere(stream)];
      // A handful at a time, each on its own in-memory socket so every cut is exact.
      for (let i = 0; i < splits.length; i += 16) {
        await Promise.all(
          splits.slice(i, i + 16).map(async ([a, b]) => {
            const sock = new FakeSocket();
            h.server.serveConn(sock, { codec });
            if (a.length > 0) sock.feed(a);
            await sleep(1);
            if (b.length > 0) sock.feed(b);
            await sock.waitFor((w) => decodeReplies(codec, w).length >= 3);
            checkThree(codec, sock.written());
            sock.destroy();
          }),
        );
      }
    });
  });

  it('the same stream, one byte per write over TCP, is answered correctly', async () => {
    const stream = encodeCalls(codec, THREE_CALLS);
    const conn = await rpcConnect(h.port, codec);
    conn.socket.setNoDelay(true);
    await withCanary(h.address, async () => {
      for (const byte of stream) {
        conn.socket.write(Uint8Array.of(byte));
        await new Promise<void>((r) => setImmediate(r));
      }
      await waitForReplies(conn, codec, 3);
    });
    checkThree(codec, conn.codecBytes());
    conn.socket.destroy();
  });

  it('garbage after a valid handshake ends that connection with RPC_PROTOCOL within 2 s', async () => {
    const garbage = Buffer.from('\xc1\xc1 this is not a message \x00\xff\x01', 'latin1');
    await withCanary(h.address, async () => {
      const conn = await rpcConnect(h.port, codec);
      const before = h.log.errors.length;
      conn.socket.write(garbage);
      expect(await elapsed(() => conn.closed(2000))).toBeLessThan(2000);
      const errs = h.log.errors.slice(before);
      expect(errs.map((e) => e.code)).toContain(ErrorCode.Protocol);
      expect(conn.codecBytes().length).toBe(0);
    });
  });

  it('garbage after valid calls: the calls are answered, then the connection ends', async () => {
    await withCanary(h.address, async () => {
      const conn = await rpcConnect(h.port, codec);
      conn.socket.write(encodeCalls(codec, THREE_CALLS));
      await waitForReplies(conn, codec, 3);
      conn.socket.write(Buffer.from([0xc1, 0xc1, 0xc1, 0x00, 0x00]));
      await conn.closed(2000);
      checkThree(codec, conn.codecBytes());
    });
  });

  it('a truncated message followed by the peer closing ends the connection cleanly', async () => {
    const stream = encodeCalls(codec, [[1, 'Echo.Echo', { Text: 'x'.repeat(200) }]]);
    await withCanary(h.address, async () => {
      const conn = await rpcConnect(h.port, codec);
      conn.socket.end(stream.subarray(0, stream.length - 7));
      expect(await elapsed(() => conn.closed(2000))).toBeLessThan(2000);
      expect(decodeReplies(codec, conn.codecBytes())).toEqual([]);
    });
  });

  it(`a message over maxMessageBytes ends the connection with RPC_MESSAGE_TOO_LARGE (others unaffected)`, async () => {
    const big = encodeCalls(codec, [[1, 'Echo.Echo', 'y'.repeat(200 * 1024)]]);
    const probe = startMemoryProbe();
    await withCanary(h.address, async () => {
      const conn = await rpcConnect(h.port, codec);
      const before = h.log.errors.length;
      conn.socket.write(big);
      await conn.closed(2000);
      const err = await h.log.waitFor((e) => h.log.errors.indexOf(e) >= before && e.code === ErrorCode.MessageTooLarge, 2000);
      expect(err.message).toMatch(/exceeds the limit of 65536 bytes/);
    });
    expect(probe.stop().heap).toBeLessThan(64 * MIB);
  });

  it('two calls in flight with the same sequence number are both answered', async () => {
    await withCanary(h.address, async () => {
      const conn = await rpcConnect(h.port, codec);
      conn.socket.write(
        encodeCalls(codec, [
          [7, 'Echo.Sleep', 80],
          [7, 'Echo.Sleep', 10],
          [7, 'Echo.Upper', 'same'],
          [8, 'Arith.Add', { A: 1, B: 2 }],
        ]),
      );
      const replies = await waitForReplies(conn, codec, 4);
      expect(replies.map((r) => r.seq).sort()).toEqual([7, 7, 7, 8]);
      expect(replies.map((r) => r.reply).sort()).toEqual([10, 3, 80, 'SAME']);
      conn.socket.destroy();
    });
  });

  it('3,000 calls to unknown services and methods are all answered with the right error; the connection stays usable', async () => {
    const calls: [number, string, unknown][] = [];
    for (let i = 0; i < 3000; i++) {
      const kind = i % 3;
      calls.push([i, kind === 0 ? `Nope${i}.Method` : kind === 1 ? `Arith.Nope${i}` : `NoDot${i}`, { A: i }]);
    }
    calls.push([3000, 'Arith.Multiply', { A: 3, B: 5 }]);
    const probe = startMemoryProbe();
    await withCanary(h.address, async () => {
      const conn = await rpcConnect(h.port, codec);
      conn.socket.write(encodeCalls(codec, calls));
      const replies = await waitForReplies(conn, codec, 3001, 10_000);
      const bySeq = new Map(replies.map((r) => [Number(r.seq), r]));
      for (let i = 0; i < 3000; i++) {
        const kind = i % 3;
        const want =
          kind === 0
            ? `rpc: can't find service Nope${i}.Method`
            : kind === 1
              ? `rpc: can't find method Arith.Nope${i}`
              : `rpc: service/method request ill-formed: NoDot${i}`;
        expect(bySeq.get(i)?.error, `call ${i}`).toBe(want);
      }
      expect(bySeq.get(3000)).toMatchObject({ error: null, reply: 15 });
      conn.socket.destroy();
    });
    expect(probe.stop().heap).toBeLessThan(128 * MIB);
  });
});
