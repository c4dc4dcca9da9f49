import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import { pack, unpack, unpackMultiple } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { msgpackCodec } from '../../src/codec/msgpack/msgpack-codec.js';
import { ProtocolError } from '../../src/errors.js';
import { Server } from '../../src/server/server.js';
import { demoServer } from '../support/demo-server.js';

/** CountingSocket is an in-memory duplex that records every write the server makes. */
class CountingSocket extends Duplex {
  writes: Buffer[] = [];
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.writes.push(chunk);
    done();
  }
}

describe('serveConn', () => {
  it('serves a raw TCP socket with no HTTP handshake', async () => {
    const server = demoServer();
    const tcp = net.createServer((socket) => server.serveConn(socket, { codec: 'msgpack' }));
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    const socket = net.connect((tcp.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const client = new Client(socket, msgpackCodec.newClientCodec({ maxDepth: 100 }), { codecName: 'msgpack', timeout: 0, maxMessageBytes: 1 << 20 });
    expect(await client.call('Arith.Multiply', { A: 3, B: 4 })).toBe(12);
    await client.close();
    await server.close();
    tcp.close();
  });

  it('puts replies finished in the same tick into at most two writes (the first 32 early)', async () => {
    const server = demoServer();
    const socket = new CountingSocket();
    server.serveConn(socket, { codec: 'msgpack' });
    const requests = Buffer.concat(Array.from({ length: 200 }, (_, i) => pack([0, i, 'Arith.Add', [{ A: i, B: 1 }]])));
    socket.push(requests);
    await new Promise((r) => setTimeout(r, 50));
    expect(socket.writes).toHaveLength(2);
    expect(unpackMultiple(socket.writes[0]!)).toHaveLength(32);
    const replies = unpackMultiple(Buffer.concat(socket.writes)) as unknown[];
    expect(replies).toHaveLength(200);
    expect(replies[199]).toEqual([1, 199, null, 200]);
    await server.close(0);
  });

  it('answers calls sent before a half-close, then closes (their signal has fired)', async () => {
    const server = demoServer();
    server.register('Late', {
      async Answer(n: number, ctx: { signal: AbortSignal }) {
        await new Promise((r) => setTimeout(r, 50));
        return { n, aborted: ctx.signal.aborted };
      },
    });
    const tcp = net.createServer({ allowHalfOpen: true }, (socket) => server.serveConn(socket, { codec: 'msgpack' }));
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    const socket = net.connect({ port: (tcp.address() as AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    await new Promise((r) => socket.once('connect', r));
    socket.end(Buffer.concat([pack([0, 1, 'Late.Answer', [7]]), pack([0, 2, 'Echo.Upper', ['bye']])]));
    await new Promise((r) => socket.once('end', r));
    const replies = unpackMultiple(Buffer.concat(chunks));
    expect(replies).toEqual([
      [1, 2, null, 'BYE'],
      [1, 1, null, { n: 7, aborted: true }],
    ]);
    await server.close();
    tcp.close();
  });

  it('ends a connection whose frame is malformed and reports it, leaving others alone', async () => {
    const server = demoServer();
    const errors: unknown[] = [];
    server.on('connectionError', (err: unknown) => errors.push(err));
    const bad = new CountingSocket();
    const good = new CountingSocket();
    server.serveConn(bad, { codec: 'msgpack' });
    server.serveConn(good, { codec: 'msgpack' });
    bad.push(Buffer.concat([pack([0, 1, 'Arith.Add', [{ A: 1, B: 1 }]]), Buffer.from([0xc1])]));
    good.push(pack([0, 1, 'Arith.Add', [{ A: 2, B: 2 }]]));
    await new Promise((r) => setTimeout(r, 20));
    expect(bad.destroyed).toBe(true);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ProtocolError);
    expect(unpack(good.writes[0]!)).toEqual([1, 1, null, 4]);
    expect(good.destroyed).toBe(false);
    await server.close(0);
  });

  it('stops reading a connection that has maxInFlight calls running, and resumes after', async () => {
    const server = new Server({ maxInFlight: 2 });
    let running = 0;
    let peak = 0;
    server.register('Slow', {
      async Work(n: number) {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        return n;
      },
    });
    const socket = new CountingSocket();
    server.serveConn(socket, { codec: 'msgpack' });
    socket.push(Buffer.concat(Array.from({ length: 10 }, (_, i) => pack([0, i, 'Slow.Work', [i]]))));
    await new Promise((r) => setTimeout(r, 400));
    const replies = unpackMultiple(Buffer.concat(socket.writes)) as [number, number, null, number][];
    expect(replies.map((r) => r[3]).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(2);
    await server.close(0);
  });
});
