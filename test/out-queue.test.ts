import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OutQueue } from '../src/out-queue.js';

/** recorder is a socket stand-in that keeps every write call's bytes. */
function recorder(): { socket: Writable; writes: Buffer[] } {
  const writes: Buffer[] = [];
  const socket = new Writable({
    write(chunk: Buffer, _enc, done) {
      writes.push(Buffer.from(chunk));
      done();
    },
    writev(chunks, done) {
      writes.push(Buffer.concat(chunks.map((c) => c.chunk as Buffer)));
      done();
    },
  });
  return { socket, writes };
}

const tick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

describe('OutQueue', () => {
  it('writes the messages of one tick in one write, at the end of the tick', async () => {
    const { socket, writes } = recorder();
    let writeCalls = 0;
    const out = new OutQueue(() => {
      writeCalls++;
      if (!out.isEmpty) out.writeTo(socket);
    });
    out.push(Buffer.from('a'));
    out.push([Buffer.from('b'), Buffer.from('c')]);
    out.push(Buffer.from('d'));
    expect(out.byteLength).toBe(4);
    expect(writeCalls).toBe(0);
    await tick();
    expect(writeCalls).toBe(1);
    expect(out.isEmpty).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes.map(String)).toEqual(['abcd']);
  });

  it('writes a large tick early once, then the rest at its end: two writes at most', async () => {
    const { socket, writes } = recorder();
    const out = new OutQueue(() => out.isEmpty || out.writeTo(socket));
    for (let i = 0; i < 100; i++) out.push(Buffer.from([i]));
    await tick();
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(2);
    expect(Buffer.concat(writes)).toEqual(Buffer.from(Array.from({ length: 100 }, (_, i) => i)));
  });

  it('hands large payloads to the socket uncopied, in order', async () => {
    const { socket } = recorder();
    const seen: Uint8Array[] = [];
    const write = socket.write.bind(socket);
    socket.write = ((chunk: Uint8Array) => (seen.push(chunk), write(chunk))) as typeof socket.write;
    const big = new Uint8Array(512 * 1024);
    const head = Buffer.from('head');
    const out = new OutQueue(() => out.isEmpty || out.writeTo(socket));
    out.push([head, big]);
    out.flush();
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(head);
    expect(seen[1]).toBe(big);
  });

  it('clear drops what is queued; the end-of-tick write then has nothing to write', async () => {
    const { socket, writes } = recorder();
    const out = new OutQueue(() => out.isEmpty || out.writeTo(socket));
    out.push(Buffer.from('gone'));
    out.clear();
    await tick();
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([]);
  });
});
