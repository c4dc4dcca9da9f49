/**
 * Shared pieces of the hostile-input suite: a canary client that keeps
 * calling the server while a case runs, a memory probe, raw connections
 * past the CONNECT handshake, and a recorder of the server's
 * 'connectionError' events.
 */
import { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { dialHTTP } from '../../src/client/dial-http.js';
import type { Client } from '../../src/client/client.js';
import type { DialOptions } from '../../src/client/dial-http.js';
import type { Server } from '../../src/server/server.js';
import type { ServerOptions } from '../../src/server/options.js';
import type { RpcError } from '../../src/errors.js';
import { builtinCodecs } from '../../src/codec/builtin.js';
import type { ClientCodec, ClientResponse } from '../../src/codec/codec.js';
import { rawConnect, startDemoServer } from '../helpers.js';
import type { RawConnection } from '../helpers.js';
import { encodeRequest } from '../support/codec-messages.js';

/** CodecName is one of the built-in wire formats. */
export type CodecName = 'gob' | 'json' | 'msgpack';

/** CODECS lists every built-in codec, for `describe.each`. */
export const CODECS: readonly CodecName[] = ['gob', 'json', 'msgpack'];

/** CanaryReport is what a canary saw while it ran. */
export interface CanaryReport {
  /** Calls answered with the right value. */
  readonly ok: number;
  /** Calls that failed or returned a wrong value, with what went wrong. */
  readonly failures: readonly string[];
}

/** Canary is a well-behaved client calling the server in a loop until stopped. */
export interface Canary {
  /** stop ends the loop, closes the client and reports what happened. */
  stop(): Promise<CanaryReport>;
}

/**
 * startCanary dials the server with `codec` (and `dial`, for TLS) and calls
 * `Arith.Multiply` in a loop (one call at a time, each with a generous
 * timeout) until stopped, checking every reply.
 */
export async function startCanary(address: string, codec: CodecName = 'msgpack', dial: DialOptions = {}): Promise<Canary> {
  const client: Client = await dialHTTP(address, { codec, timeout: 5000, ...dial });
  let running = true;
  let ok = 0;
  const failures: string[] = [];
  const loop = (async () => {
    for (let i = 0; running; i++) {
      try {
        const got = await client.call('Arith.Multiply', { A: i % 1000, B: 3 });
        if (got === (i % 1000) * 3) ok++;
        else failures.push(`call ${i}: got ${String(got)}`);
      } catch (err) {
        failures.push(`call ${i}: ${(err as Error).message}`);
        if (client.isClosed) break;
      }
      // Yield to the timers queue so the canary does not starve the case itself.
      if (i % 8 === 7) await sleep(1);
    }
  })();
  return {
    async stop(): Promise<CanaryReport> {
      running = false;
      await loop;
      await client.close();
      return { ok, failures };
    },
  };
}

/**
 * withCanary runs `body` while a canary calls the server, then returns the
 * canary's report after checking it made progress without a single failure
 * (the check throws, so the case fails with the canary's errors).
 */
export async function withCanary<T>(address: string, body: () => Promise<T>, codec: CodecName = 'msgpack', dial: DialOptions = {}): Promise<T> {
  const canary = await startCanary(address, codec, dial);
  await sleep(20); // let it make a first call, so "progress" means "during the case"
  let result: T;
  try {
    result = await body();
  } finally {
    const report = await canary.stop();
    if (report.failures.length > 0) throw new Error(`canary failed ${report.failures.length} calls: ${report.failures.slice(0, 3).join('; ')}`);
    if (report.ok === 0) throw new Error('canary made no progress');
  }
  return result;
}

/** MemorySample is the growth a probe saw over its baseline, in bytes. */
export interface MemorySample {
  /** Largest RSS growth seen. */
  readonly rss: number;
  /** Largest growth of JS heap plus ArrayBuffer memory seen. */
  readonly heap: number;
}

/** MemoryProbe samples process memory on a timer until stopped. */
export interface MemoryProbe {
  /** stop ends sampling and returns the peak growth. */
  stop(): MemorySample;
}

/**
 * startMemoryProbe records the current RSS and heap (+ ArrayBuffers) as a
 * baseline and samples them every `everyMs` ms; the server runs in this
 * process, so its buffers show up here.
 */
export function startMemoryProbe(everyMs = 10): MemoryProbe {
  const heapOf = (m: NodeJS.MemoryUsage): number => m.heapUsed + m.arrayBuffers;
  const base = process.memoryUsage();
  let rss = 0;
  let heap = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss - base.rss);
    heap = Math.max(heap, heapOf(m) - heapOf(base));
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop(): MemorySample {
      sample();
      clearInterval(timer);
      return { rss, heap };
    },
  };
}

/** MIB is one mebibyte. */
export const MIB = 1024 * 1024;

/** ErrorLog records the errors a server reports through 'connectionError'. */
export interface ErrorLog {
  /** The errors so far, oldest first. */
  readonly errors: RpcError[];
  /** waitFor resolves with the first logged error (already logged or still to come) that matches, or rejects after `ms`. */
  waitFor(predicate: (err: RpcError) => boolean, ms?: number): Promise<RpcError>;
}

/** recordErrors subscribes to the server's 'connectionError' events. */
export function recordErrors(server: Server): ErrorLog {
  const errors: RpcError[] = [];
  const waiters = new Set<() => void>();
  server.on('connectionError', (err: RpcError) => {
    errors.push(err);
    for (const w of [...waiters]) w();
  });
  return {
    errors,
    waitFor(predicate, ms = 3000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const hit = errors.find(predicate);
          if (hit) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(hit);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching connectionError within ${ms} ms; saw ${errors.map((e) => `${e.code}: ${e.message}`).join(' | ') || 'none'}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
  };
}

/** RpcConnection is a raw connection past the CONNECT handshake. */
export interface RpcConnection extends RawConnection {
  /** codecBytes returns what the server sent after its 200 answer. */
  codecBytes(): Buffer;
}

/** connectHead is the CONNECT request a raw client sends for `codec` (gob: no header, as Go sends it). */
export function connectHead(codec: CodecName): string {
  return codec === 'gob' ? 'CONNECT /_goRPC_ HTTP/1.0\r\n\r\n' : `CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: ${codec}\r\n\r\n`;
}

/** headEnd returns the offset past the server's answer head, or -1. */
function headEnd(b: Buffer): number {
  const i = b.indexOf('\n\n');
  return i === -1 ? -1 : i + 2;
}

/**
 * rpcConnect opens a raw TCP connection, performs the CONNECT handshake for
 * `codec` and waits for the server's 200 answer. `first`, when given, is
 * sent in the same write as the head (bytes that follow the head belong to
 * the codec).
 */
export async function rpcConnect(port: number, codec: CodecName, first?: Uint8Array): Promise<RpcConnection> {
  const raw = await rawConnect(port);
  const head = Buffer.from(connectHead(codec), 'latin1');
  raw.socket.write(first ? Buffer.concat([head, first]) : head);
  const got = await raw.waitFor((b) => headEnd(b) !== -1, 3000);
  const status = got.toString('latin1', 0, headEnd(got));
  if (!status.startsWith('HTTP/1.0 200 Connected to Go RPC\n')) throw new Error(`handshake refused: ${JSON.stringify(status)}`);
  return { ...raw, codecBytes: () => raw.received().subarray(headEnd(raw.received())) };
}

/** HostileServer is a demo server started for one case, with its error log. */
export interface HostileServer {
  readonly server: Server;
  readonly address: string;
  readonly port: number;
  readonly log: ErrorLog;
  /** close destroys the raw sockets given and closes the server without a grace period. */
  close(...sockets: RawConnection[]): Promise<void>;
}

/** startHostileServer starts the demo services (plus `extra` services) with a short grace period. */
export async function startHostileServer(options: ServerOptions = {}, extra: Record<string, object> = {}): Promise<HostileServer> {
  const { server, address, port } = await startDemoServer({ graceMs: 200, ...options });
  for (const [name, impl] of Object.entries(extra)) server.register(name, impl);
  const log = recordErrors(server);
  return {
    server,
    address,
    port,
    log,
    async close(...sockets: RawConnection[]): Promise<void> {
      for (const s of sockets) s.socket.destroy();
      await server.close();
    },
  };
}

/** elapsed runs `body` and returns how long it took, in ms. */
export async function elapsed(body: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await body();
  return performance.now() - t;
}

/** writeSlowly writes `bytes` in pieces of `size` bytes, `everyMs` apart, until done or the socket closes. */
export async function writeSlowly(conn: RawConnection, bytes: Uint8Array, size: number, everyMs: number): Promise<void> {
  for (let i = 0; i < bytes.length && !conn.socket.destroyed && !conn.socket.writableEnded; i += size) {
    conn.socket.write(bytes.subarray(i, i + size));
    await sleep(everyMs);
  }
}

/** clientCodecOf returns a fresh client-side codec state for `codec` (gob keeps its type table per stream). */
export function clientCodecOf(codec: CodecName): ClientCodec {
  const c = builtinCodecs.find((x) => x.name === codec)!;
  return c.newClientCodec({ maxDepth: 100 });
}

/** encodeCalls encodes calls as one stream of `codec` bytes: `[seq, Service.Method, args]` each. */
export function encodeCalls(codec: CodecName, calls: readonly (readonly [number, string, unknown])[]): Buffer {
  const c = clientCodecOf(codec);
  return Buffer.concat(calls.map(([seq, method, args]) => encodeRequest(c, seq, method, args)));
}

/** decodeReplies decodes every complete reply in a stream the server sent (an incomplete tail is ignored). */
export function decodeReplies(codec: CodecName, bytes: Uint8Array): ClientResponse[] {
  const c = clientCodecOf(codec);
  const out: ClientResponse[] = [];
  let p = 0;
  while (p < bytes.length) {
    const n = c.measure(bytes, p, bytes.length);
    if (n <= 0) break;
    const r = c.decodeFrame(bytes, p, p + n);
    if (r !== undefined && r.type === 'response') out.push(r);
    p += n;
  }
  return out;
}

/** waitForReplies waits until the connection has received `count` complete replies and returns them. */
export async function waitForReplies(conn: RpcConnection, codec: CodecName, count: number, ms = 5000): Promise<ClientResponse[]> {
  let last: ClientResponse[] = [];
  try {
    await conn.waitFor(() => (last = decodeReplies(codec, conn.codecBytes())).length >= count, ms);
  } catch (err) {
    throw new Error(`${(err as Error).message}; got ${last.length} of ${count} replies`, { cause: err });
  }
  return last;
}

/**
 * FakeSocket is an in-memory Duplex for `server.serveConn`: each `feed`
 * arrives at the server as exactly one 'data' chunk, so a case controls
 * where a stream is cut; what the server writes is collected.
 */
export class FakeSocket extends Duplex {
  private out: Buffer[] = [];
  private waiters = new Set<() => void>();

  constructor() {
    super({ allowHalfOpen: true });
  }

  /** feed delivers one chunk to the server. */
  feed(chunk: Uint8Array): void {
    this.push(Buffer.from(chunk));
  }

  /** written is everything the server wrote so far. */
  written(): Buffer {
    if (this.out.length > 1) this.out = [Buffer.concat(this.out)];
    return this.out[0] ?? Buffer.alloc(0);
  }

  /** waitFor resolves once `predicate(written())` holds, or rejects after `ms`. */
  waitFor(predicate: (b: Buffer) => boolean, ms = 3000): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate(this.written())) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(this.written());
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`fake socket: timed out with ${this.written().length} bytes written`));
      }, ms);
      this.waiters.add(check);
      check();
    });
  }

  override _read(): void {
    // Data is pushed by feed().
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.out.push(chunk);
    for (const w of [...this.waiters]) w();
    callback();
  }
}
