/**
 * Call context end to end over real sockets: a client's per-call
 * `metadata` and its timeout reach the handler as `ctx.metadata` and
 * `ctx.deadline` on every codec once the CONNECT granted them, the
 * deadline fires `ctx.signal` with no cancel from the client, the server's
 * own limit still bounds it, and nothing is carried where nothing was
 * negotiated (plain TCP).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack, unpack } from 'msgpackr';
import { z } from 'zod';
import { DEADLINE_PASSED } from '../../src/codec/wire-context.js';
import { dialHTTP } from '../../src/client/dial-http.js';
import { dial } from '../../src/client/dial.js';
import { connectPool } from '../../src/client/pool.js';
import { defineService, implement } from '../../src/contract/contract.js';
import { ErrorCode, RpcError, ServerError } from '../../src/errors.js';
import type { CallContext } from '../../src/call-context.js';
import type { Server } from '../../src/server/server.js';
import { rawConnect, rejection, startDemoServer } from '../helpers.js';
import { startTcpRelay } from '../support/tcp-relay.js';
import { waitFor } from '../support/wait-for.js';

/** What Ctx.Show saw of its context. */
interface Seen {
  readonly metadata: Record<string, string>;
  /** ctx.deadline minus the server's Date.now() when the handler ran; -1 without a deadline (gob drops nulls). */
  readonly remainingMs: number;
}

const CtxContract = defineService('CtxTyped', {
  Show: { args: z.string(), reply: z.object({ metadata: z.record(z.string(), z.string()), tag: z.string() }) },
});

/** Relay forwards TCP both ways between a client and the server until told to drop what the client sends. */
interface Relay {
  readonly address: string;
  /** dropToServer stops forwarding the client's bytes (they are read and counted, never delivered). */
  dropToServer(): void;
  /** dropped is the number of client bytes dropped so far. */
  dropped(): number;
  close(): void;
}

async function startRelay(serverPort: number): Promise<Relay> {
  let dropping = false;
  let dropped = 0;
  const relay = await startTcpRelay('127.0.0.1', serverPort, (chunk) => {
    if (dropping) dropped += chunk.length;
    return !dropping;
  });
  return {
    address: relay.address,
    dropToServer: () => void (dropping = true),
    dropped: () => dropped,
    close: relay.close,
  };
}

/** waitUntil polls `predicate` every 5 ms until it holds or `ms` pass. */
const waitUntil = (predicate: () => boolean, ms = 5000): Promise<void> => waitFor(predicate, ms, { everyMs: 5 });

/** Handlers blocked on their signal, by tag: when it fired and why. */
const waits = new Map<string, { reason?: unknown; firedAfterMs?: number; deadline: number | undefined }>();

function ctxService() {
  return {
    Show(_tag: unknown, ctx: CallContext): Seen {
      return { metadata: { ...ctx.metadata }, remainingMs: ctx.deadline === undefined ? -1 : ctx.deadline - Date.now() };
    },
    Frozen(_a: unknown, ctx: CallContext): boolean {
      return Object.isFrozen(ctx.metadata);
    },
    /** UntilAborted waits for its signal (never replies on its own). */
    UntilAborted(tag: string, ctx: CallContext): Promise<never> {
      const started = performance.now();
      const record: { reason?: unknown; firedAfterMs?: number; deadline: number | undefined } = { deadline: ctx.deadline };
      waits.set(tag, record);
      return new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => {
          record.reason = ctx.signal.reason;
          record.firedAfterMs = performance.now() - started;
          reject(new Error('stopped'));
        });
      });
    },
  };
}

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe.each(['msgpack', 'json', 'gob'] as const)('call context over %s', (codec) => {
  let server: Server;
  let address: string;
  let port: number;

  beforeAll(async () => {
    ({ server, address, port } = await startDemoServer());
    server.register('Ctx', ctxService());
    server.register(implement(CtxContract, { Show: (tag, ctx) => ({ metadata: { ...ctx.metadata }, tag }) }));
  });
  afterAll(() => server.close());

  it('carries metadata and the timeout to ctx.metadata and ctx.deadline', async () => {
    await using client = await dialHTTP(address, { codec });
    const metadata = { traceparent: TRACEPARENT, tracestate: 'rojo=00f067aa0ba902b7', 'x-tenant': 'a' };
    const seen = await client.call<Seen>('Ctx.Show', 'a', { metadata, timeout: 5000 });
    expect(seen.metadata).toEqual(metadata);
    expect(seen.remainingMs).toBeGreaterThan(4000);
    expect(seen.remainingMs).toBeLessThanOrEqual(5000);
  });

  it('leaves ctx.metadata empty and ctx.deadline undefined when the call sets neither', async () => {
    await using client = await dialHTTP(address, { codec });
    const seen = await client.call<Seen>('Ctx.Show', 'b');
    expect(seen.metadata ?? {}).toEqual({});
    expect(seen.remainingMs).toBe(-1);
    expect(await client.call('Ctx.Frozen', 1)).toBe(true);
    expect(await client.call('Ctx.Frozen', 1, { metadata: { a: 'b' } })).toBe(true);
  });

  it('carries metadata without a timeout, and a timeout without metadata', async () => {
    await using client = await dialHTTP(address, { codec, timeout: 7000 });
    const onlyTimeout = await client.call<Seen>('Ctx.Show', 'c');
    expect(onlyTimeout.metadata ?? {}).toEqual({});
    expect(onlyTimeout.remainingMs).toBeGreaterThan(6000);
    const onlyMetadata = await client.call<Seen>('Ctx.Show', 'd', { metadata: { 'x-request-id': 'r1' }, timeout: 0 });
    expect(onlyMetadata.metadata).toEqual({ 'x-request-id': 'r1' });
    expect(onlyMetadata.remainingMs).toBe(-1);
  });

  it("fires ctx.signal at the client's deadline when its cancel is lost on the way", async () => {
    const relay = await startRelay(port);
    try {
      await using client = await dialHTTP(relay.address, { codec });
      const tag = `${codec}-deadline`;
      const call = rejection(client.call('Ctx.UntilAborted', tag, { timeout: 150 }));
      await waitUntil(() => waits.has(tag));
      relay.dropToServer();
      expect((await call).code).toBe(ErrorCode.Timeout);
      await waitUntil(() => waits.get(tag)?.reason !== undefined);
      const record = waits.get(tag)!;
      expect(relay.dropped()).toBeGreaterThan(0); // the client did send its cancel; the server never saw it
      expect(record.reason).toBeInstanceOf(RpcError);
      expect((record.reason as RpcError).code).toBe(ErrorCode.Aborted);
      expect((record.reason as RpcError).message).toBe("rpc: Ctx.UntilAborted cancelled: the client's deadline of 150 ms passed");
      expect(record.deadline).toBeTypeOf('number');
    } finally {
      relay.close();
    }
  });

  it('sends no deadline when the client does not tell the server of timeouts', async () => {
    await using client = await dialHTTP(address, { codec, cancelOnServer: false });
    const seen = await client.call<Seen>('Ctx.Show', 'n', { timeout: 5000, metadata: { a: 'b' } });
    expect(seen.remainingMs).toBe(-1);
    expect(seen.metadata).toEqual({ a: 'b' });
  });

  it('passes metadata through a pool and a typed proxy', async () => {
    const pool = connectPool([address], { codec });
    try {
      const seen = await pool.call<Seen>('Ctx.Show', 'p', { metadata: { traceparent: TRACEPARENT }, timeout: 4000 });
      expect(seen.metadata).toEqual({ traceparent: TRACEPARENT });
      expect(seen.remainingMs).toBeGreaterThan(3000);
      const typed = pool.service(CtxContract);
      expect(await typed.Show('t', { metadata: { 'x-tenant': 'b' } })).toEqual({ metadata: { 'x-tenant': 'b' }, tag: 't' });
    } finally {
      await pool.close();
    }
    await using client = await dialHTTP(address, { codec });
    expect(await client.service(CtxContract).Show('u', { metadata: { a: '1' } })).toEqual({ metadata: { a: '1' }, tag: 'u' });
  });

  it('answers metadata over the server limit with an error and keeps the connection', async () => {
    await using client = await dialHTTP(address, { codec, maxMetadataEntries: 1000 });
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));
    const err = await rejection(client.call('Ctx.Show', 'e', { metadata: many }));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toBe('rpc: metadata has more than 64 keys');
    expect(await client.call('Arith.Add', { A: 1, B: 1 })).toBe(2);
  });

  it('refuses bad metadata before sending anything', async () => {
    await using client = await dialHTTP(address, { codec, maxMetadataBytes: 32 });
    const upper = await rejection(client.call('Ctx.Show', 'f', { metadata: { 'X-Tenant': 'a' } }));
    expect(upper.code).toBe(ErrorCode.InvalidArgument);
    expect(upper.unsent).toBe(true);
    const notString = await rejection(client.call('Ctx.Show', 'f', { metadata: { n: 1 as unknown as string } }));
    expect(notString.code).toBe(ErrorCode.InvalidArgument);
    const big = await rejection(client.call('Ctx.Show', 'f', { metadata: { k: 'x'.repeat(40) } }));
    expect(big.code).toBe(ErrorCode.MessageTooLarge);
    expect(big.message).toBe('rpc: Ctx.Show: metadata is over 32 bytes');
    expect(big.unsent).toBe(true);
    expect(client.pendingCount).toBe(0);
    expect((await client.call<Seen>('Ctx.Show', 'g', { metadata: { k: 'fits' } })).metadata).toEqual({ k: 'fits' });
  });

  it('confirms the feature on the CONNECT only when asked', async () => {
    const asked = await rawConnect(port);
    asked.socket.write(`CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: ${codec}\r\nRpc-Features: bogus, METADATA\r\n\r\n`);
    const head = (await asked.waitFor((b) => b.includes('\n\n'))).toString('latin1');
    expect(head).toBe(`HTTP/1.0 200 Connected to Go RPC\nRpc-Codec: ${codec}\nRpc-Features: metadata\n\n`);
    asked.socket.destroy();
    const plainConnect = await rawConnect(port);
    plainConnect.socket.write(`CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: ${codec}\r\n\r\n`);
    expect((await plainConnect.waitFor((b) => b.includes('\n\n'))).toString('latin1')).toBe(`HTTP/1.0 200 Connected to Go RPC\nRpc-Codec: ${codec}\n\n`);
    plainConnect.socket.destroy();
  });
});

describe('call context and the server limit', () => {
  let server: Server;
  let address: string;

  beforeAll(async () => {
    ({ server, address } = await startDemoServer({ handlerTimeoutMs: 400 }));
    server.register('Ctx', ctxService());
  });
  afterAll(() => server.close());

  it("clamps a client's longer deadline to the server's handler limit", async () => {
    await using client = await dialHTTP(address, { codec: 'msgpack' });
    const seen = await client.call<Seen>('Ctx.Show', 'h', { timeout: 60_000 });
    expect(seen.remainingMs).toBeGreaterThan(0);
    expect(seen.remainingMs).toBeLessThanOrEqual(400);
    const err = await rejection(client.call('Ctx.UntilAborted', 'clamped', { timeout: 60_000 }));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toBe('rpc: Ctx.UntilAborted timed out after 400 ms');
    expect((waits.get('clamped')!.reason as RpcError).code).toBe(ErrorCode.Timeout);
  });

  it("keeps a client's shorter deadline", async () => {
    await using client = await dialHTTP(address, { codec: 'gob' });
    const seen = await client.call<Seen>('Ctx.Show', 'i', { timeout: 100 });
    expect(seen.remainingMs).toBeGreaterThan(0);
    expect(seen.remainingMs).toBeLessThanOrEqual(100);
    expect((await rejection(client.call('Ctx.UntilAborted', 'shorter', { timeout: 100 }))).code).toBe(ErrorCode.Timeout);
    await waitUntil(() => waits.get('shorter')?.reason !== undefined);
    // The client's cancel or its deadline, whichever the server saw first: both say the client gave up.
    expect((waits.get('shorter')!.reason as RpcError).code).toBe(ErrorCode.Aborted);
  });

  it("shows the server's limit as ctx.deadline when the client sets none", async () => {
    await using client = await dialHTTP(address, { codec: 'json' });
    const seen = await client.call<Seen>('Ctx.Show', 'j');
    expect(seen.remainingMs).toBeGreaterThan(0);
    expect(seen.remainingMs).toBeLessThanOrEqual(400);
  });
});

describe("a client whose own timer is late", () => {
  it("takes the server's deadline answer as its timeout, and any other call's as a server error", async () => {
    // A server that answers every call at once with the deadline text, as a netrpc server does when the deadline passes first.
    const seenRequests: unknown[][] = [];
    const fake = net.createServer((socket) => {
      let head = Buffer.alloc(0);
      let connected = false;
      socket.on('data', (chunk: Buffer) => {
        if (!connected) {
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf('\r\n\r\n');
          if (end === -1) return;
          connected = true;
          socket.write('HTTP/1.0 200 Connected to Go RPC\nRpc-Codec: msgpack\nRpc-Features: metadata\n\n');
          chunk = head.subarray(end + 4);
          if (chunk.length === 0) return;
        }
        const request = unpack(chunk) as unknown[];
        seenRequests.push(request);
        socket.write(pack([1, request[1], DEADLINE_PASSED, null]));
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    try {
      await using client = await dialHTTP(`127.0.0.1:${(fake.address() as net.AddressInfo).port}`, { codec: 'msgpack' });
      const timedOut = await rejection(client.call('Ctx.Show', 'late', { timeout: 60_000 }));
      expect(timedOut.code).toBe(ErrorCode.Timeout);
      expect(timedOut.message).toBe('rpc: Ctx.Show timed out after 60000 ms');
      expect(seenRequests[0]).toEqual([0, 0, 'Ctx.Show', ['late'], { timeoutMs: 60_000 }]);
      const noDeadline = await rejection(client.call('Ctx.Show', 'none'));
      expect(noDeadline).toBeInstanceOf(ServerError);
      expect(noDeadline.message).toBe(DEADLINE_PASSED);
    } finally {
      fake.close();
    }
  });
});

describe('call context over plain TCP', () => {
  let server: Server;
  let address: string;

  beforeAll(async () => {
    ({ server, address } = await startDemoServer());
    server.register('Ctx', ctxService());
  });
  afterAll(() => server.close());

  it.each(['gob', 'json', 'msgpack'] as const)('sends neither metadata nor the timeout with %s (nothing was negotiated)', async (codec) => {
    await using client = await dial(`tcp://${address}`, { codec });
    const seen = await client.call<Seen>('Ctx.Show', 'k', { metadata: { traceparent: TRACEPARENT }, timeout: 5000 });
    expect(seen.metadata ?? {}).toEqual({});
    expect(seen.remainingMs).toBe(-1);
    // The client's checks still apply, whatever the connection carries.
    expect((await rejection(client.call('Ctx.Show', 'k', { metadata: { Bad: 'x' } }))).code).toBe(ErrorCode.InvalidArgument);
  });
});
