/**
 * An AbortSignal that fires while a connection is still being made ends
 * the wait at once with RPC_ABORTED and frees the sockets, for dialHTTP
 * (its `signal` option) and for calls on a pool that is still connecting.
 * The servers here accept and never answer, and the connect timeout is far
 * above the test's own, so only the signal can end the wait.
 */
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { connectPool } from '../../src/client/pool.js';
import { ErrorCode, RpcError } from '../../src/errors.js';
import { freePort, rejection } from '../helpers.js';

const NEVER = 600_000;

/** A TCP server that accepts connections and never writes a byte. */
interface SilentServer {
  readonly address: string;
  /** Resolves with the next connection the server accepts. */
  nextConnection(): Promise<Socket>;
  /** Sockets accepted and not yet closed. */
  readonly open: Set<Socket>;
  close(): Promise<void>;
}

async function silentServer(): Promise<SilentServer> {
  const open = new Set<Socket>();
  const waiting: ((s: Socket) => void)[] = [];
  const server = net.createServer((s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => s.destroy());
    waiting.shift()?.(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    open,
    nextConnection: () => new Promise((r) => waiting.push(r)),
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

function closed(s: Socket): Promise<void> {
  return s.destroyed ? Promise.resolve() : new Promise((r) => s.once('close', () => r()));
}

let silent: SilentServer | undefined;
afterEach(async () => {
  await silent?.close();
  silent = undefined;
});

describe('dialHTTP signal', () => {
  it('rejects with RPC_ABORTED as soon as the signal fires during the CONNECT, and closes the socket', async () => {
    silent = await silentServer();
    const accepted = silent.nextConnection();
    const ac = new AbortController();
    const dialing = rejection(dialHTTP(silent.address, { signal: ac.signal, connectTimeout: NEVER }));
    const serverSide = await accepted;
    ac.abort(new Error('user gave up'));
    const err = await dialing;
    expect(err).toBeInstanceOf(RpcError);
    expect(err.code).toBe(ErrorCode.Aborted);
    expect(err.message).toBe(`rpc: CONNECT to ${silent.address} aborted`);
    expect((err.cause as Error).message).toBe('user gave up');
    await closed(serverSide); // the client let go of its socket
    expect(silent.open.size).toBe(0);
  });

  it('rejects with RPC_ABORTED when the signal has already fired', async () => {
    silent = await silentServer();
    const err = await rejection(dialHTTP(silent.address, { signal: AbortSignal.abort(), connectTimeout: NEVER }));
    expect(err.code).toBe(ErrorCode.Aborted);
  });
});

describe('pool calls while connecting', () => {
  it('rejects with RPC_ABORTED (unsent) when the call\'s signal fires while the pool is still dialing', async () => {
    silent = await silentServer();
    const accepted = silent.nextConnection();
    const pool = connectPool([silent.address], { connectTimeout: NEVER });
    try {
      await accepted;
      const ac = new AbortController();
      const calling = rejection(pool.call('Arith.Multiply', { A: 1, B: 2 }, { signal: ac.signal }));
      ac.abort();
      const err = await calling;
      expect(err).toBeInstanceOf(RpcError);
      expect(err.code).toBe(ErrorCode.Aborted);
      expect(err.message).toBe('rpc: Arith.Multiply aborted');
      expect(err.unsent).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('rejects with RPC_ABORTED when the signal fires while the pool waits to redial', async () => {
    const pool = connectPool([`127.0.0.1:${await freePort()}`], { minBackoffMs: NEVER, maxBackoffMs: NEVER });
    try {
      await pool.ready().catch(() => undefined); // the first dial failed; the next waits NEVER ms
      const ac = new AbortController();
      const calling = rejection(pool.call('Arith.Multiply', { A: 1, B: 2 }, { signal: ac.signal }));
      setImmediate(() => ac.abort());
      const err = await calling;
      expect(err).toBeInstanceOf(RpcError);
      expect(err.code).toBe(ErrorCode.Aborted);
    } finally {
      await pool.close();
    }
  });

  it('rejects with RPC_ABORTED, not a DOMException, when the signal fired before the call', async () => {
    silent = await silentServer();
    const pool = connectPool([silent.address], { connectTimeout: NEVER });
    try {
      const err = await rejection(pool.call('Arith.Multiply', {}, { signal: AbortSignal.abort() }));
      expect(err).toBeInstanceOf(RpcError);
      expect(err.code).toBe(ErrorCode.Aborted);
    } finally {
      await pool.close();
    }
  });
});
