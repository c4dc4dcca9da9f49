import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { demoServices } from '../src/demo/services.js';
import { Server } from '../src/server/server.js';
import type { ServerOptions } from '../src/server/options.js';

/** startDemoServer starts a Server with the demo services on a free loopback port. */
export async function startDemoServer(options: ServerOptions = {}): Promise<{ server: Server; address: string; port: number }> {
  const server = new Server(options);
  for (const service of demoServices()) server.register(service);
  const addr: AddressInfo = await server.listen({ port: 0 });
  return { server, address: `127.0.0.1:${addr.port}`, port: addr.port };
}

/** RawConnection is a plain TCP socket with helpers to read what the server sends. */
export interface RawConnection {
  readonly socket: net.Socket;
  /** All bytes received so far. */
  received(): Buffer;
  /** Resolves once `predicate(received)` holds, or rejects after `ms`. */
  waitFor(predicate: (b: Buffer) => boolean, ms?: number): Promise<Buffer>;
  /** Resolves when the server closes the connection, with the bytes received. */
  closed(ms?: number): Promise<Buffer>;
}

/** rawConnect opens a TCP connection to the port on 127.0.0.1. */
export function rawConnect(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let data = Buffer.alloc(0);
    let ended = false;
    const waiters = new Set<() => void>();
    const wake = (): void => {
      for (const w of [...waiters]) w();
    };
    socket.on('data', (c: Buffer) => {
      data = Buffer.concat([data, c]);
      wake();
    });
    socket.on('close', () => {
      ended = true;
      wake();
    });
    socket.on('error', () => undefined);
    const waitFor = (predicate: (b: Buffer) => boolean, ms = 5000): Promise<Buffer> =>
      new Promise((res, rej) => {
        const check = (): void => {
          if (predicate(data)) {
            cleanup();
            res(data);
          } else if (ended) {
            cleanup();
            rej(new Error(`connection closed; received ${JSON.stringify(data.toString('latin1').slice(0, 200))}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          rej(new Error(`timed out; received ${JSON.stringify(data.toString('latin1').slice(0, 200))}`));
        }, ms);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    const closed = (ms = 5000): Promise<Buffer> =>
      new Promise((res, rej) => {
        const check = (): void => {
          if (ended) {
            cleanup();
            res(data);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          rej(new Error('connection still open'));
        }, ms);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    socket.once('connect', () => resolve({ socket, received: () => data, waitFor, closed }));
    socket.once('error', reject);
  });
}

/** splitEverywhere yields every way to cut `bytes` in two. */
export function* splitEverywhere(bytes: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
  for (let i = 0; i <= bytes.length; i++) yield [bytes.subarray(0, i), bytes.subarray(i)];
}

/** rejection resolves with the error `p` rejects with, and fails the test if it resolves. */
export async function rejection<E = import('../src/errors.js').RpcError>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (err) {
    return err as E;
  }
  throw new Error('expected a rejection');
}

/** freePort returns a loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}
