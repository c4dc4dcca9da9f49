/**
 * Hostile input to the HTTP front (before any codec byte): oversized,
 * malformed and junk heads, wrong paths, unknown codecs, too many
 * connections, and heads sent one byte at a time. Each case runs a canary.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawConnect } from '../helpers.js';
import type { RawConnection } from '../helpers.js';
import { elapsed, startHostileServer, withCanary, writeSlowly } from './harness.js';
import type { HostileServer } from './harness.js';

const HANDSHAKE_MS = 400;
let h: HostileServer;

beforeAll(async () => {
  h = await startHostileServer({ handshakeTimeoutMs: HANDSHAKE_MS });
});

afterAll(async () => {
  await h.close();
});

/** answer sends `bytes` as the first packet and returns the whole answer once the server closes (≤ 2 s). */
async function answer(bytes: string | Uint8Array): Promise<string> {
  const conn = await rawConnect(h.port);
  conn.socket.write(bytes);
  const got = await conn.closed(2000);
  return got.toString('latin1');
}

describe('request heads', () => {
  it('a head over 16 KiB is answered 431 and closed', async () => {
    await withCanary(h.address, async () => {
      const head = `CONNECT /_goRPC_ HTTP/1.0\r\nX-Junk: ${'a'.repeat(20 * 1024)}\r\n\r\n`;
      expect(await answer(head)).toMatch(/^HTTP\/1\.1 431 /);
    });
  });

  it('16 KiB of bytes with no line end at all is answered 431 without waiting for the timeout', async () => {
    await withCanary(h.address, async () => {
      const t = await elapsed(async () => expect(await answer(Buffer.alloc(17 * 1024, 0x41))).toMatch(/^HTTP\/1\.1 431 /));
      expect(t).toBeLessThan(HANDSHAKE_MS + 1000);
    });
  });

  it.each([
    ['a request line of two words', 'CONNECT /_goRPC_\r\n\r\n'],
    ['a bad version', 'CONNECT /_goRPC_ HTTP/2.0\r\n\r\n'],
    ['a header line without a colon', 'CONNECT /_goRPC_ HTTP/1.0\r\nnot a header\r\n\r\n'],
    ['a header name with a space', 'CONNECT /_goRPC_ HTTP/1.0\r\nBad Name: x\r\n\r\n'],
    ['binary junk ending in a blank line', Buffer.concat([Buffer.from([0x00, 0xff, 0xc1, 0x16, 0x03, 0x01, 0x02, 0x00]), Buffer.from('\n\n')])],
    ['a TLS ClientHello-like prefix then blank lines', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x0a, 0x0a])],
    ['an empty line first', '\r\n\r\n'],
  ])('%s is answered 400 and closed', async (_name, bytes) => {
    await withCanary(h.address, async () => {
      expect(await answer(bytes)).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    });
  });

  it('CONNECT to another path is answered 404', async () => {
    await withCanary(h.address, async () => {
      expect(await answer('CONNECT /other HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 404 /);
    });
  });

  it.each(['protobuf', '__proto__', 'constructor', 'toString', ''])('an unknown codec %j is answered 415 naming the codecs offered', async (name) => {
    await withCanary(h.address, async () => {
      const got = await answer(`CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: ${name}\r\n\r\n`);
      expect(got).toMatch(/^HTTP\/1\.1 415 /);
      expect(got).toMatch(/gob, json, msgpack/);
    });
  });

  it('junk after a 415 is never read as a codec', async () => {
    await withCanary(h.address, async () => {
      const got = await answer(`CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: nope\r\n\r\n\xc1\xc1\xc1${'x'.repeat(1000)}`);
      expect(got).toMatch(/^HTTP\/1\.1 415 /);
      expect(got).not.toMatch(/200 Connected/);
    });
  });

  it('other methods go to the HTTP server (405) and do not disturb RPC', async () => {
    await withCanary(h.address, async () => {
      const got = await answer('POST /_goRPC_ HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc');
      expect(got).toMatch(/^HTTP\/1\.1 405 /);
    });
  });
});

describe('slow heads', () => {
  it('a head sent one byte at a time forever is cut by handshakeTimeoutMs', async () => {
    await withCanary(h.address, async () => {
      const conn = await rawConnect(h.port);
      conn.socket.setNoDelay(true);
      const head = Buffer.from(`CONNECT /_goRPC_ HTTP/1.0\r\n${'X-Slow: 1\r\n'.repeat(1000)}\r\n`);
      const t0 = performance.now();
      void writeSlowly(conn, head, 1, 20);
      await conn.closed(HANDSHAKE_MS + 2000);
      const took = performance.now() - t0;
      expect(took).toBeGreaterThanOrEqual(HANDSHAKE_MS - 50);
      expect(took).toBeLessThan(HANDSHAKE_MS + 2000);
      expect(conn.received().length).toBe(0);
    });
  });

  it('a connection that sends nothing is closed after handshakeTimeoutMs', async () => {
    await withCanary(h.address, async () => {
      const conn = await rawConnect(h.port);
      expect(await elapsed(() => conn.closed(HANDSHAKE_MS + 2000))).toBeLessThan(HANDSHAKE_MS + 2000);
    });
  });

  it('a peer that half-closes mid-head is closed at once', async () => {
    await withCanary(h.address, async () => {
      const conn = await rawConnect(h.port);
      conn.socket.end('CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Co');
      expect(await elapsed(() => conn.closed(2000))).toBeLessThan(HANDSHAKE_MS);
    });
  });
});

describe('too many connections', () => {
  it('with maxConnections 8, 20 silent sockets: the extra ones get 503, a slot frees when one leaves', async () => {
    const small = await startHostileServer({ maxConnections: 8, handshakeTimeoutMs: 5000 });
    const socks: RawConnection[] = [];
    try {
      // The canary takes one slot.
      await withCanary(small.address, async () => {
        for (let i = 0; i < 20; i++) socks.push(await rawConnect(small.port));
        await sleep(100);
        const answers = await Promise.all(socks.slice(7).map((s) => s.closed(2000)));
        for (const a of answers) expect(a.toString('latin1')).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n[\s\S]*too many connections \(limit 8\)/);
        socks[0]!.socket.destroy();
        await sleep(100);
        const again = await rawConnect(small.port);
        socks.push(again);
        again.socket.write('CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: json\r\n\r\n');
        await again.waitFor((b) => b.includes('\n\n'), 2000);
        expect(again.received().toString('latin1')).toMatch(/^HTTP\/1\.0 200 Connected to Go RPC\n/);
      });
    } finally {
      await small.close(...socks);
    }
  });
});
