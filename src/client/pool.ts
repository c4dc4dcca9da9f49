import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceContract } from '../contract/contract.js';
import { createServiceProxy } from '../contract/service-proxy.js';
import type { ServiceProxy, ServiceProxyOptions } from '../contract/service-proxy.js';
import { ErrorCode, RpcError } from '../errors.js';
import type { CallOptions } from '../call-options.js';
import type { Client } from './client.js';
import { dialHTTP } from './dial-http.js';
import type { DialOptions } from './dial-http.js';
import { timerDelay } from '../timer-delay.js';
import { abortedError, throwIfAborted, untilAborted } from '../abort.js';

/** PoolOptions configure connectPool: how to dial each endpoint, pick one, and back off. */
export interface PoolOptions extends DialOptions {
  /**
   * How a call picks among ready endpoints: `'round-robin'` (default) takes
   * them in turn, `'least-pending'` the one with the fewest calls waiting.
   */
  readonly strategy?: 'round-robin' | 'least-pending';
  /** First reconnect delay after a failure, in ms (doubled per further failure, with jitter). Default 100. */
  readonly minBackoffMs?: number;
  /** Longest reconnect delay, in ms. Default 5 000. */
  readonly maxBackoffMs?: number;
  /** Tries per call, counting the first. Default: the number of endpoints + 1. */
  readonly maxAttempts?: number;
}

/** PoolCallOptions are CallOptions plus whether the call may be repeated. */
export interface PoolCallOptions extends CallOptions {
  /**
   * The call may safely run twice: retry it on another endpoint even when
   * its connection broke after it was sent. Without it, only calls that
   * were never written to a socket are retried.
   */
  readonly idempotent?: boolean;
}

/** EndpointStatus is one endpoint as the pool sees it now. */
export interface EndpointStatus {
  readonly address: string;
  /** `ready`: connected; `connecting`: dialing; `down`: waiting to retry. */
  readonly state: 'ready' | 'connecting' | 'down';
  /** Whether calls can be sent there now. */
  readonly healthy: boolean;
  /** Calls waiting for a reply on this endpoint. */
  readonly pending: number;
  /** Consecutive failed dials (0 once connected). */
  readonly failures: number;
  /** The last dial or connection error, if any. */
  readonly lastError?: string;
}

class PoolEndpoint {
  readonly address: string;
  client: Client | undefined;
  connecting: Promise<void> | undefined;
  failures = 0;
  lastError: RpcError | undefined;
  retryTimer: NodeJS.Timeout | undefined;

  constructor(address: string) {
    this.address = address;
  }

  get state(): EndpointStatus['state'] {
    if (this.client && !this.client.isClosed) return 'ready';
    return this.connecting ? 'connecting' : 'down';
  }
}

function isRetryable(err: unknown, idempotent: boolean): boolean {
  if (!(err instanceof RpcError)) return false;
  if (err.unsent) return true;
  if (!idempotent) return false;
  return err.code === ErrorCode.ConnectionLost || err.code === ErrorCode.Shutdown || err.code === ErrorCode.Connect;
}

/**
 * Pool spreads calls over several endpoints of the same service. It keeps
 * one connection per endpoint, notices when one breaks, reconnects with
 * exponential backoff, and retries a failed call on another endpoint when
 * that is safe: the call was never written to a socket, or the caller
 * marked it idempotent. Remote errors (ServerError) are never retried.
 * Make one with {@link connectPool} or {@link dialReconnecting}.
 */
export class Pool {
  private readonly endpoints: PoolEndpoint[];
  private readonly options: PoolOptions;
  private next = 0;
  private closed = false;

  constructor(addresses: readonly string[], options: PoolOptions = {}) {
    if (addresses.length === 0) throw new RpcError(ErrorCode.InvalidArgument, 'rpc: a pool needs at least one address');
    this.endpoints = addresses.map((a) => new PoolEndpoint(a));
    this.options = options;
    for (const ep of this.endpoints) this.connect(ep);
  }

  /** status reports every endpoint's state, in the order given. */
  status(): EndpointStatus[] {
    return this.endpoints.map((ep) => ({
      address: ep.address,
      state: ep.state,
      healthy: ep.state === 'ready',
      pending: ep.client && !ep.client.isClosed ? ep.client.pendingCount : 0,
      failures: ep.failures,
      ...(ep.lastError ? { lastError: ep.lastError.message } : {}),
    }));
  }

  /** ready resolves once at least one endpoint is connected, or rejects when every dial has failed once. */
  async ready(): Promise<void> {
    for (;;) {
      if (this.endpoints.some((ep) => ep.state === 'ready')) return;
      const dialing = this.endpoints.filter((ep) => ep.connecting).map((ep) => ep.connecting!);
      if (dialing.length === 0) throw this.noEndpointError();
      await Promise.race(dialing);
    }
  }

  /**
   * call runs `serviceMethod` on one endpoint, picked by the strategy,
   * retrying on another one as described on the class. It rejects like
   * Client.call, with RPC_CONNECT when no endpoint can be reached, and at
   * once with RPC_ABORTED when the call's signal fires while it waits for
   * a connection.
   */
  async call<R = unknown>(serviceMethod: string, args?: unknown, options: PoolCallOptions = {}): Promise<R> {
    const attempts = this.options.maxAttempts ?? this.endpoints.length + 1;
    let lastErr: unknown;
    let avoid: PoolEndpoint | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (this.closed) throw new RpcError(ErrorCode.Shutdown, 'rpc: pool is closed', { unsent: true });
      const signal = options.signal;
      throwIfAborted(serviceMethod, signal, true);
      // Pick synchronously when an endpoint is ready, so calls made in the
      // same tick see each other's pending counts (least-pending).
      const ep = this.pickReady(avoid) ?? (await untilAborted(this.pick(avoid), serviceMethod, signal, undefined, true));
      if (!ep) {
        lastErr = this.noEndpointError();
        if (attempt + 1 < attempts) {
          await sleep(timerDelay(this.options.minBackoffMs ?? 100), undefined, signal ? { signal } : {}).catch(() => {
            throw abortedError(serviceMethod, signal!, true);
          });
        }
        continue;
      }
      try {
        return await ep.client!.call<R>(serviceMethod, args, options);
      } catch (err) {
        if (!isRetryable(err, options.idempotent ?? false)) throw err;
        lastErr = err;
        avoid = ep;
      }
    }
    throw lastErr;
  }

  /** service returns a typed proxy for a contract whose calls go through the pool. */
  service<C extends ServiceContract>(contract: C, options?: ServiceProxyOptions): ServiceProxy<C> {
    return createServiceProxy(this, contract, options);
  }

  /** close closes every connection and stops reconnecting; pending calls reject with RPC_SHUTDOWN. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.endpoints.map(async (ep) => {
        clearTimeout(ep.retryTimer);
        await ep.client?.close();
      }),
    );
  }

  /** Closes the pool when used with `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private noEndpointError(): RpcError {
    const why = this.endpoints.map((ep) => `${ep.address}: ${ep.lastError?.message ?? ep.state}`).join('; ');
    return new RpcError(ErrorCode.Connect, `rpc: no healthy endpoint (${why})`, { unsent: true });
  }

  /** pick returns a ready endpoint (preferring one other than `avoid`), waiting for a dial in progress if none is ready. */
  private async pick(avoid: PoolEndpoint | undefined): Promise<PoolEndpoint | undefined> {
    for (;;) {
      const ready = this.pickReady(avoid);
      if (ready) return ready;
      const dialing = this.endpoints.filter((ep) => ep.connecting).map((ep) => ep.connecting!);
      if (dialing.length === 0) return undefined;
      await Promise.race(dialing);
    }
  }

  /** pickReady chooses among connected endpoints now, or returns undefined when none is. */
  private pickReady(avoid: PoolEndpoint | undefined): PoolEndpoint | undefined {
    const ready = this.endpoints.filter((ep) => ep.state === 'ready');
    const choices = ready.length > 1 && avoid ? ready.filter((ep) => ep !== avoid) : ready;
    return choices.length > 0 ? this.choose(choices) : undefined;
  }

  private choose(choices: PoolEndpoint[]): PoolEndpoint {
    if (this.options.strategy === 'least-pending') {
      let best = choices[0]!;
      for (const ep of choices) if (ep.client!.pendingCount < best.client!.pendingCount) best = ep;
      return best;
    }
    return choices[this.next++ % choices.length]!;
  }

  private connect(ep: PoolEndpoint): void {
    if (this.closed || ep.connecting) return;
    clearTimeout(ep.retryTimer);
    ep.retryTimer = undefined;
    ep.connecting = dialHTTP(ep.address, this.options).then(
      (client) => {
        ep.connecting = undefined;
        if (this.closed) {
          void client.close();
          return;
        }
        ep.client = client;
        ep.failures = 0;
        void client.whenClosed().then((reason) => {
          if (ep.client !== client) return;
          ep.lastError = reason;
          // A connection that worked gets one immediate redial; failures back off.
          this.connect(ep);
        });
      },
      (err: unknown) => {
        ep.connecting = undefined;
        ep.failures++;
        ep.lastError = RpcError.from(err, ErrorCode.Connect);
        this.scheduleRetry(ep);
      },
    );
  }

  private scheduleRetry(ep: PoolEndpoint): void {
    if (this.closed) return;
    const min = this.options.minBackoffMs ?? 100;
    const max = this.options.maxBackoffMs ?? 5000;
    const delay = Math.min(max, min * 2 ** (ep.failures - 1)) * (0.5 + Math.random() / 2);
    ep.retryTimer = setTimeout(() => this.connect(ep), timerDelay(delay));
    ep.retryTimer.unref();
  }
}

/**
 * connectPool starts connecting to every address (each `host:port` or
 * `http(s)://` form, dialed with `options` as dialHTTP would) and returns
 * the pool at once; calls wait for a connection while one is being made.
 *
 * ```ts
 * const pool = connectPool(['10.0.0.1:1234', '10.0.0.2:1234'], { strategy: 'least-pending' });
 * await pool.call('Arith.Multiply', { A: 7, B: 8 });
 * pool.status(); // [{ address, state: 'ready', healthy: true, pending: 0, ... }, ...]
 * ```
 */
export function connectPool(addresses: readonly string[], options: PoolOptions = {}): Pool {
  return new Pool(addresses, options);
}

/**
 * dialReconnecting is a pool of one: a client for a single endpoint that
 * reconnects with backoff when its connection breaks and retries calls
 * under the same rules as connectPool.
 */
export function dialReconnecting(address: string, options: PoolOptions = {}): Pool {
  return new Pool([address], options);
}
