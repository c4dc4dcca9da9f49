/**
 * Clients that never read their replies. The server must stop reading
 * such a connection once about `maxWriteBufferBytes` of replies wait, so a
 * client asking for 1 GiB of replies in total costs the server a bounded
 * amount of memory, and everyone else keeps being served.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pack } from 'msgpackr';
import { afterEach, describe, expect, it } from 'vitest';
import { MIB, rpcConnect, startHostileServer, startMemoryProbe, withCanary } from './harness.js';
import type { HostileServer, RpcConnection } from './harness.js';

const GIB = 1024 * MIB;
let h: HostileServer | undefined;
let greedy: RpcConnection | undefined;

afterEach(async () => {
  greedy?.socket.destroy();
  greedy = undefined;
  await h?.close();
  h = undefined;
});

/** amplifier is a service that turns a tiny request into a large, fully written reply. */
function amplifier(counter: { made: number }): Record<string, object> {
  return {
    Big: {
      Make(n: number): Uint8Array {
        counter.made++;
        return Buffer.alloc(n, 0x5a);
      },
      async MakeLater(n: number): Promise<Uint8Array> {
        await sleep(1);
        counter.made++;
        return Buffer.alloc(n, 0x5a);
      },
    },
  };
}

/**
 * askForAGibibyte connects a client that never reads, sends requests for
 * 1 GiB of `size`-byte replies in one go, and waits `ms` while a canary runs.
 */
async function askForAGibibyte(method: string, size: number, ms: number): Promise<void> {
  const conn = await rpcConnect(h!.port, 'msgpack');
  greedy = conn;
  conn.socket.pause(); // never read
  const count = Math.ceil(GIB / size);
  const requests: Uint8Array[] = [];
  for (let i = 0; i < count; i++) requests.push(pack([0, i, method, [size]]));
  conn.socket.write(Buffer.concat(requests));
  await sleep(ms);
}

describe('a client that never reads, asking for 1 GiB of replies', () => {
  it.each([
    ['60 KiB replies (encoded by copy)', 'Big.Make', 60 * 1024],
    ['1 MiB replies (written without a copy)', 'Big.Make', MIB],
    ['60 KiB replies from async handlers', 'Big.MakeLater', 60 * 1024],
  ])('%s: the server makes and holds only about maxWriteBufferBytes of them', async (_name, method, size) => {
    const counter = { made: 0 };
    // maxInFlight bounds the async handlers' replies that may be under way before any is written.
    h = await startHostileServer({ maxWriteBufferBytes: 1 * MIB, maxInFlight: 64 }, amplifier(counter));
    const probe = startMemoryProbe(5);
    await withCanary(h.address, () => askForAGibibyte(method, size, 1000));
    const grown = probe.stop();
    const madeBytes = counter.made * size;
    // 1 MiB of write buffer, plus what the kernel's socket buffers take on loopback (a few MiB),
    // plus 64 calls in flight: 48 MiB is generous, and 1/20 of what was asked for.
    expect.soft(madeBytes, `made ${counter.made} replies of ${size} bytes`).toBeLessThan(48 * MIB);
    expect.soft(grown.heap, `heap + ArrayBuffers grew ${(grown.heap / MIB).toFixed(0)} MiB`).toBeLessThan(128 * MIB);
    expect.soft(grown.rss, `RSS grew ${(grown.rss / MIB).toFixed(0)} MiB`).toBeLessThan(256 * MIB);
  });

  it('once the client starts reading, the remaining replies flow and the server keeps up', async () => {
    const counter = { made: 0 };
    h = await startHostileServer({ maxWriteBufferBytes: 1 * MIB }, amplifier(counter));
    const conn = await rpcConnect(h.port, 'msgpack');
    greedy = conn;
    conn.socket.pause();
    const count = 200;
    conn.socket.write(Buffer.concat(Array.from({ length: count }, (_, i) => pack([0, i, 'Big.Make', [256 * 1024]]))));
    await sleep(300);
    expect(counter.made).toBeLessThan(count);
    let received = 0;
    conn.socket.removeAllListeners('data');
    conn.socket.on('data', (c: Buffer) => (received += c.length));
    conn.socket.resume();
    const t0 = performance.now();
    while (counter.made < count && performance.now() - t0 < 10_000) await sleep(20);
    expect(counter.made).toBe(count);
    while (received < count * 256 * 1024 && performance.now() - t0 < 10_000) await sleep(20);
    expect(received).toBeGreaterThan(count * 256 * 1024);
  });
});
