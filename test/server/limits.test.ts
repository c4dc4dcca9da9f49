import { setTimeout as sleep } from 'node:timers/promises';
import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { ErrorCode } from '../../src/errors.js';
import { rawConnect, startDemoServer } from '../helpers.js';

describe('connection limits', () => {
  it('answers connections past maxConnections with 503, and accepts again when one closes', async () => {
    const { server, port, address } = await startDemoServer({ maxConnections: 2 });
    const a = await dialHTTP(address);
    const b = await rawConnect(port); // still handshaking: counts too
    await sleep(20);
    const c = await rawConnect(port);
    expect((await c.closed()).toString('latin1')).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n[\s\S]*too many connections \(limit 2\)/);
    b.socket.destroy();
    await sleep(50);
    await using d = await dialHTTP(address);
    expect(await d.call('Arith.Add', { A: 1, B: 1 })).toBe(2);
    expect(await a.call('Arith.Add', { A: 2, B: 2 })).toBe(4);
    await a.close();
    await server.close();
  });

  it('closes idle connections after idleTimeoutMs, but not ones with a call running', async () => {
    const { server, address } = await startDemoServer({ idleTimeoutMs: 200 });
    const idle = await dialHTTP(address);
    await using busy = await dialHTTP(address);
    expect(await busy.call('Echo.Sleep', 500)).toBe(500);
    expect(idle.isClosed).toBe(true);
    const late = (await idle.call('Arith.Add', { A: 1, B: 1 }).catch((e: unknown) => e)) as { code: string };
    expect(late.code).toBe(ErrorCode.Shutdown);
    await server.close();
  });

  it('stops reading from a client that never reads its replies, and keeps serving others', async () => {
    const { server, port, address } = await startDemoServer({ maxWriteBufferBytes: 1 << 20 });
    let made = 0;
    server.register('Big', {
      Make: (n: number) => {
        made++;
        return new Uint8Array(n);
      },
    });
    const before = process.memoryUsage().rss;
    const greedy = await rawConnect(port);
    greedy.socket.pause(); // never read the replies
    greedy.socket.write('CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: msgpack\r\n\r\n');
    const request = pack([0, 1, 'Big.Make', [256 * 1024]]);
    // 2,000 requests asking for 256 KiB each: 500 MiB if the server queued every reply.
    for (let i = 0; i < 2000; i++) greedy.socket.write(request);
    await sleep(500);
    await using polite = await dialHTTP(address);
    for (let i = 0; i < 20; i++) expect(await polite.call('Arith.Multiply', { A: i, B: 2 })).toBe(i * 2);
    const grown = process.memoryUsage().rss - before;
    expect(grown).toBeLessThan(150 * 1024 * 1024);
    // The server stopped taking requests once ~1 MiB of replies (plus what the kernel buffers) was waiting.
    expect(made).toBeLessThan(400);
    greedy.socket.destroy();
    await server.close();
  });
});
