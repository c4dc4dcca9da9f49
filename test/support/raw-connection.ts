/**
 * A plain TCP client socket that records every byte the server sends, for
 * tests that speak the wire protocol by hand.
 */
import net from 'node:net';

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
