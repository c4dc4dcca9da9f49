/**
 * Dead-client detection on the server: a netrpc client announces its
 * keepalive on the CONNECT, and a client that then goes silent (a
 * SIGSTOPped process, whose kernel still answers TCP keepalive probes) has
 * its connection freed and its running calls aborted after its interval +
 * timeout; a healthy idle client is kept. RPC sockets get TCP keepalive.
 */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallContext } from '../../src/call-context.js';
import { dialHTTP } from '../../src/client/dial-http.js';
import { ErrorCode, RpcError } from '../../src/errors.js';
import { Server } from '../../src/server/server.js';
import type { ServerOptions } from '../../src/server/options.js';

const HOLDING_CLIENT = fileURLToPath(new URL('../fixtures/holding-client.mjs', import.meta.url));

let cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => undefined);
  cleanup = [];
});

interface Holding {
  readonly server: Server;
  readonly port: number;
  /** Calls to Hold.Wait running now. */
  running: number;
  /** Why the signals of ended Hold.Wait calls fired. */
  readonly aborted: string[];
  /** Errors that ended connections ('connectionError'). */
  readonly connectionErrors: RpcError[];
}

/** holdingServer serves Hold.Wait, which runs until its call is aborted. */
async function holdingServer(options: ServerOptions = {}): Promise<Holding> {
  const server = new Server(options);
  const h: Holding = { server, port: 0, running: 0, aborted: [], connectionErrors: [] };
  server.register('Hold', {
    Wait: (_: unknown, ctx: CallContext) =>
      new Promise((_resolve, reject) => {
        h.running++;
        ctx.signal.addEventListener('abort', () => {
          h.running--;
          h.aborted.push((ctx.signal.reason as Error).message);
          reject(ctx.signal.reason);
        });
      }),
  });
  server.on('connectionError', (err: RpcError) => h.connectionErrors.push(err));
  const { port } = await server.listen({ port: 0 });
  cleanup.push(() => server.close(0));
  return Object.assign(h, { port });
}

async function waitFor(predicate: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('dead clients', () => {
  it('frees the connection of a SIGSTOPped client with a running call within its keepalive + timeout', async () => {
    const h = await holdingServer();
    const child = spawn(process.execPath, [HOLDING_CLIENT, `127.0.0.1:${h.port}`, '200', '300'], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanup.push(() => {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    });
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('calling') && resolve()));
    await waitFor(() => h.running === 1);
    await sleep(700); // longer than interval + timeout: the pings keep a live client's connection
    expect(h.server.connectionCount).toBe(1);
    expect(h.running).toBe(1);

    child.kill('SIGSTOP');
    const stopped = performance.now();
    await waitFor(() => h.server.connectionCount === 0);
    const freedAfter = performance.now() - stopped;
    console.info(`a SIGSTOPped client's connection was freed ${freedAfter.toFixed(0)} ms after the stop`);
    expect(h.running).toBe(0);
    expect(h.aborted).toEqual(['rpc: connection closed']);
    expect(h.connectionErrors.map((e) => [e.code, e.message])).toEqual([
      [ErrorCode.ConnectionLost, 'rpc: the peer sent nothing for 500 ms, its keepalive interval + timeout'],
    ]);
    // At least the announced 500 ms of silence (the last ping may be up to one interval older than
    // the stop); well before anything else would have freed it (no idle timeout is set).
    expect(freedAfter).toBeGreaterThanOrEqual(300);
    expect(freedAfter).toBeLessThan(5000);
  });

  it('keeps a healthy idle client that pings, and one that never announced pings', async () => {
    const h = await holdingServer();
    const pinging = await dialHTTP(`127.0.0.1:${h.port}`, { keepaliveMs: 100, keepaliveTimeoutMs: 400 });
    const quiet = await dialHTTP(`127.0.0.1:${h.port}`);
    cleanup.push(() => pinging.close(), () => quiet.close());
    await sleep(1500); // three times the silence the pinging client announced
    expect(h.server.connectionCount).toBe(2);
    expect(h.connectionErrors).toEqual([]);
    expect(pinging.isClosed || quiet.isClosed).toBe(false);
    const err = (await pinging.call('Hold.Missing', null).catch((e: unknown) => e)) as RpcError;
    expect(err.message).toBe("rpc: can't find method Hold.Missing");
  });

  it('turns TCP keepalive on for RPC sockets (keepaliveMs, 0 for off)', async () => {
    const ss = promisify(execFile);
    for (const [keepaliveMs, expected] of [[undefined, true], [0, false]] as const) {
      const h = await holdingServer(keepaliveMs === undefined ? {} : { keepaliveMs });
      const client = await dialHTTP(`127.0.0.1:${h.port}`);
      cleanup.push(() => client.close());
      await waitFor(() => h.server.connectionCount === 1);
      // The server's side of the connection: the local port is the listening one.
      const { stdout } = await ss('ss', ['-tnoH', 'state', 'established', `( sport = :${h.port} )`]);
      expect(stdout).toContain(`:${h.port}`);
      expect(stdout.includes('timer:(keepalive,'), stdout).toBe(expected);
    }
  });
});
