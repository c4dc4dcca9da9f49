import type { ServiceContract } from '../contract/contract.js';
import { createServiceProxy } from '../contract/service-proxy.js';
import type { ServiceProxy, ServiceProxyOptions } from '../contract/service-proxy.js';
import { ErrorCode, RpcError, ServerError } from '../errors.js';
import { CallBound } from './call-bound.js';
import type { CallOptions } from '../call-options.js';
import type { Client } from './client.js';
import { dialHTTP } from './dial-http.js';
import { dial as dialPlain } from './dial.js';
import { isPlainAddress } from './plain-address.js';
import type { DialOptions } from './dial-http.js';
import type { ResolvedAddress } from './dns-resolve.js';
import { isDnsTarget, parseDnsTarget } from './dns-target.js';
import { PoolEndpoint } from './pool-endpoint.js';
import type { EndpointHost, EndpointState } from './pool-endpoint.js';
import { backoffDelay, isRetryable, RetryBudget } from './retry-policy.js';
import type { RetryBudgetOptions, RetryPolicy } from './retry-policy.js';
import { TargetWatcher } from './target-watcher.js';
import type { ClientInterceptor } from './interceptor.js';
import { interceptedCall, isInstrumented, OutgoingCall } from './client-call-channel.js';

/** DEFAULT_POOL_KEEPALIVE_MS is a pool connection's keepalive interval unless `keepaliveMs` says otherwise (0 turns it off). */
export const DEFAULT_POOL_KEEPALIVE_MS = 30_000;

/** PoolOptions configure connectPool: how to dial each endpoint, pick one, retry and find endpoints. */
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
  /** Tries per call, counting the first (shorthand for `retry.maxAttempts`). Default: the number of endpoints + 1. */
  readonly maxAttempts?: number;
  /** How calls are retried (see RetryPolicy); false: never. A call's own `retry` overrides it. */
  readonly retry?: RetryPolicy | false;
  /** The token bucket that throttles retries across all calls (gRPC's retry throttling); false: none. Default `{ maxTokens: 100, tokenRatio: 0.1 }`. */
  readonly retryBudget?: RetryBudgetOptions | false;
  /** How often `dns:` addresses are looked up again, in ms (sooner when their TTL runs out). Default 30 000. */
  readonly reresolveMs?: number;
  /**
   * Dial every endpoint over plain TCP (see dial: no HTTP CONNECT; gob
   * unless `codec` names another), `dns:` ones included. Without it only
   * `tcp://`, `tls://` and `unix:` addresses are dialed plain.
   */
  readonly plain?: boolean;
}

/** PoolCallOptions are CallOptions plus whether the call may be repeated. */
export interface PoolCallOptions extends CallOptions {
  /**
   * The call may safely run twice: retry it on another endpoint even when
   * its connection broke after it was sent. Without it, only calls that
   * were never executed (never written to a socket, or refused by a
   * draining server) are retried.
   */
  readonly idempotent?: boolean;
  /** This call's retry policy, over the pool's; false: no retry. */
  readonly retry?: RetryPolicy | false;
}

/** EndpointStatus is one endpoint as the pool sees it now. */
export interface EndpointStatus {
  readonly address: string;
  /** `ready`: connected; `connecting`: dialing; `down`: waiting to retry; `draining`: removed from DNS, finishing its calls. */
  readonly state: EndpointState;
  /** Whether calls can be sent there now. */
  readonly healthy: boolean;
  /** Calls waiting for a reply on this endpoint. */
  readonly pending: number;
  /** Consecutive failed dials (0 once connected). */
  readonly failures: number;
  /** The last dial or connection error, if any. */
  readonly lastError?: string;
}

/** TargetStatus is one `dns:` address of the pool and its last lookup. */
export interface TargetStatus {
  readonly target: string;
  /** The addresses of the last good lookup. */
  readonly addresses: readonly string[];
  /** Lookups done so far. */
  readonly lookups: number;
  /** Why the last lookup failed (the last good list is kept), if it did. */
  readonly lastError?: string;
}

/** PoolStats count what the pool did since it was made. */
export interface PoolStats {
  /** Calls started. */
  readonly calls: number;
  /** Attempts repeated after a retryable failure. */
  readonly retries: number;
  /** Retries the budget refused. */
  readonly throttled: number;
}

/**
 * Pool spreads calls over several endpoints of the same service. It keeps
 * one connection per endpoint, notices when one breaks, reconnects with
 * exponential backoff, and retries a failed call on another endpoint when
 * that is safe (see RetryPolicy): the call was never executed, or the
 * caller marked it idempotent. Remote errors (ServerError) are never
 * retried, except the drain refusal of a server that did not run the call.
 * A call's `timeout` and `signal` bound it as a whole, retries included.
 * Addresses may be `dns:` names, looked up again as described on
 * TargetWatcher: new addresses get connections, removed ones finish their
 * running calls and close. Make one with {@link connectPool} or {@link dialReconnecting}.
 */
export class Pool implements EndpointHost {
  /** Endpoints in service, by address (`address#n` for the n-th listing of a fixed address). */
  private readonly endpoints = new Map<string, PoolEndpoint>();
  /** Removed endpoints still finishing calls. */
  private readonly draining = new Set<PoolEndpoint>();
  private readonly fixed: ResolvedAddress[] = [];
  private readonly watchers: TargetWatcher[] = [];
  private readonly options: PoolOptions;
  private readonly budget: RetryBudget | undefined;
  private next = 0;
  private counts = { calls: 0, retries: 0, throttled: 0 };
  /** Interceptors around each pool call as a whole; undefined when there are none. */
  private readonly interceptors: readonly ClientInterceptor[] | undefined;
  closed = false;

  constructor(addresses: readonly string[], options: PoolOptions = {}) {
    if (addresses.length === 0) throw new RpcError(ErrorCode.InvalidArgument, 'rpc: a pool needs at least one address');
    this.options = options;
    this.interceptors = options.interceptors?.length ? options.interceptors : undefined;
    this.budget = options.retryBudget === false ? undefined : new RetryBudget(options.retryBudget);
    const targets = addresses.filter(isDnsTarget).map(parseDnsTarget);
    for (const a of addresses) if (!isDnsTarget(a)) this.fixed.push({ address: a, hostname: '' });
    this.update();
    for (const target of targets) {
      this.watchers.push(new TargetWatcher(target, options.reresolveMs ?? 30_000, () => this.update()));
    }
  }

  /** @internal */
  get minBackoffMs(): number {
    return this.options.minBackoffMs ?? 100;
  }

  /** @internal */
  get maxBackoffMs(): number {
    return this.options.maxBackoffMs ?? 5000;
  }

  /** status reports every endpoint's state: those in service in the order found, then the draining ones. */
  status(): EndpointStatus[] {
    return [...this.endpoints.values(), ...this.draining].map((ep) => ({
      address: ep.address,
      state: ep.state,
      healthy: ep.state === 'ready',
      pending: ep.client && !ep.client.isClosed ? ep.client.pendingCount : 0,
      failures: ep.failures,
      ...(ep.lastError ? { lastError: ep.lastError.message } : {}),
    }));
  }

  /** targets reports every `dns:` address and its last lookup. */
  targets(): TargetStatus[] {
    return this.watchers.map((w) => ({
      target: w.target.text,
      addresses: w.addresses.map((a) => a.address),
      lookups: w.lookups,
      ...(w.lastError ? { lastError: w.lastError.message } : {}),
    }));
  }

  /** stats counts calls, retries and throttled retries so far. */
  stats(): PoolStats {
    return { ...this.counts };
  }

  /** ready resolves once at least one endpoint is connected, or rejects when every dial (and lookup) has failed once. */
  async ready(): Promise<void> {
    await Promise.all(this.watchers.map((w) => w.firstLookup));
    for (;;) {
      if (this.pickReady(undefined)) return;
      const dialing = this.dialing();
      if (dialing.length === 0) throw this.noEndpointError();
      await Promise.race(dialing);
    }
  }

  /**
   * call runs `serviceMethod` on one endpoint, picked by the strategy,
   * retrying as described on the class. It rejects like Client.call, with
   * RPC_CONNECT when no endpoint can be reached, and with RPC_TIMEOUT or
   * RPC_ABORTED when the call's bound ends, whatever it was waiting for.
   * The pool's interceptors run once around it all, retries included.
   */
  call<R = unknown>(serviceMethod: string, args?: unknown, options: PoolCallOptions = {}): Promise<R> {
    if (!isInstrumented(this.interceptors)) return this.attempt(serviceMethod, args, options, undefined);
    const ctx = new OutgoingCall(serviceMethod, args, options);
    return interceptedCall(this.interceptors, ctx, (c) => this.attempt(c.serviceMethod, c.args, c.options, c)) as Promise<R>;
  }

  /** attempt is call without interceptors; `ctx` (when intercepted) learns where each attempt goes. */
  private async attempt<R>(serviceMethod: string, args: unknown, options: PoolCallOptions, ctx: OutgoingCall | undefined): Promise<R> {
    this.counts.calls++;
    const policy = this.policyFor(options);
    const bound = new CallBound(serviceMethod, options.signal, options.timeout ?? this.options.timeout ?? 0);
    const attempts = Math.max(1, policy.maxAttempts ?? Math.max(2, this.endpoints.size + 1));
    const idempotent = options.idempotent ?? false;
    let avoid: PoolEndpoint | undefined;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new RpcError(ErrorCode.Shutdown, 'rpc: pool is closed', { unsent: true });
      bound.check();
      // Pick synchronously when an endpoint is ready, so calls made in the
      // same tick see each other's pending counts (least-pending).
      const ep = this.pickReady(avoid) ?? (await this.pick(avoid, bound));
      let err: unknown;
      if (!ep) {
        err = this.noEndpointError();
      } else {
        const client = ep.client!;
        ep.active++;
        try {
          bound.markSent();
          if (ctx) {
            ctx.codec = client.codecName;
            ctx.target = ep.address;
            ctx.remoteAddress = client.remoteAddress;
          }
          const reply = await client.send<R>(serviceMethod, args, { ...options, timeout: bound.remainingMs() });
          this.budget?.recordSuccess();
          return reply;
        } catch (e) {
          err = e;
          if (e instanceof ServerError && e.unsent) ep.drainRefused(client);
        } finally {
          ep.callEnded();
        }
      }
      if (!isRetryable(err, idempotent)) {
        this.budget?.recordSuccess();
        throw err;
      }
      const allowed = this.budget ? this.budget.recordFailure() : true;
      if (attempt >= attempts) throw err;
      if (!allowed) {
        this.counts.throttled++;
        throw err;
      }
      this.counts.retries++;
      avoid = ep;
      const delay = backoffDelay(policy, attempt);
      await bound.sleep(ep ? delay : Math.max(delay, this.minBackoffMs));
    }
  }

  /** service returns a typed proxy for a contract whose calls go through the pool. */
  service<C extends ServiceContract>(contract: C, options?: ServiceProxyOptions): ServiceProxy<C> {
    return createServiceProxy(this, contract, options);
  }

  /** close closes every connection and stops reconnecting and looking names up; pending calls reject with RPC_SHUTDOWN. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.watchers) w.close();
    await Promise.all([...this.endpoints.values(), ...this.draining].map((ep) => ep.close()));
  }

  /** Closes the pool when used with `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** @internal */
  dial(ep: PoolEndpoint): Promise<Client> {
    // The pool intercepts its calls as a whole: endpoint connections get no interceptors.
    const options = { keepaliveMs: DEFAULT_POOL_KEEPALIVE_MS, ...this.options, interceptors: undefined };
    const tls = options.tls;
    const connect = options.plain || isPlainAddress(ep.address) ? dialPlain : dialHTTP;
    if (!tls || !ep.hostname) return connect(ep.address, options);
    // A resolved address is dialed by IP: the certificate is checked against the DNS name.
    return connect(ep.address, { ...options, tls: { servername: ep.hostname, ...(typeof tls === 'object' ? tls : {}) } });
  }

  /** @internal An endpoint failed: its name may have moved, look it up again soon. */
  failed(): void {
    for (const w of this.watchers) w.resolveSoon();
  }

  /** @internal */
  retired(ep: PoolEndpoint): void {
    this.draining.delete(ep);
  }

  private policyFor(options: PoolCallOptions): RetryPolicy {
    if (options.retry === false || (options.retry === undefined && this.options.retry === false)) return { maxAttempts: 1 };
    const base: RetryPolicy = this.options.maxAttempts !== undefined ? { maxAttempts: this.options.maxAttempts } : {};
    return { ...base, ...(this.options.retry || {}), ...(options.retry || {}) };
  }

  /**
   * update makes the endpoints match the fixed addresses plus every
   * watcher's last good list: new ones connect, missing ones drain. A
   * fixed address listed n times is n endpoints (n connections, as the
   * caller asked); a resolved address already in the list adds none.
   */
  private update(): void {
    if (this.closed) return;
    const wanted = new Map<string, ResolvedAddress>();
    const listed = new Map<string, number>();
    for (const a of this.fixed) {
      const n = (listed.get(a.address) ?? 0) + 1;
      listed.set(a.address, n);
      wanted.set(n === 1 ? a.address : `${a.address}#${n}`, a);
    }
    for (const a of this.watchers.flatMap((w) => w.addresses)) if (!wanted.has(a.address)) wanted.set(a.address, a);
    for (const [key, ep] of this.endpoints) {
      if (wanted.has(key)) continue;
      this.endpoints.delete(key);
      this.draining.add(ep);
      ep.remove();
    }
    for (const [key, a] of wanted) {
      if (this.endpoints.has(key)) continue;
      const ep = new PoolEndpoint(this, a.address, a.hostname || undefined);
      this.endpoints.set(key, ep);
      ep.connect();
    }
  }

  private dialing(): Promise<void>[] {
    const waits = [...this.endpoints.values()].filter((ep) => ep.connecting).map((ep) => ep.connecting!);
    for (const w of this.watchers) if (w.lookups === 0) waits.push(w.firstLookup);
    return waits;
  }

  private noEndpointError(): RpcError {
    const why = [...this.endpoints.values()].map((ep) => `${ep.address}: ${ep.lastError?.message ?? ep.state}`);
    for (const w of this.watchers) if (w.lastError && w.addresses.length === 0) why.push(`${w.target.text}: ${w.lastError.message}`);
    return new RpcError(ErrorCode.Connect, `rpc: no healthy endpoint (${why.join('; ') || 'no addresses'})`, { unsent: true });
  }

  /** pick returns a ready endpoint (preferring one other than `avoid`), waiting for a dial or first lookup in progress if none is ready. */
  private async pick(avoid: PoolEndpoint | undefined, bound: CallBound): Promise<PoolEndpoint | undefined> {
    for (;;) {
      const ready = this.pickReady(avoid);
      if (ready) return ready;
      const dialing = this.dialing();
      if (dialing.length === 0) return undefined;
      await bound.wait(Promise.race(dialing));
    }
  }

  /** pickReady chooses among connected endpoints now, or returns undefined when none is. */
  private pickReady(avoid: PoolEndpoint | undefined): PoolEndpoint | undefined {
    const ready = [...this.endpoints.values()].filter((ep) => ep.state === 'ready');
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
}

/**
 * connectPool starts connecting to every address and returns the pool at
 * once; calls wait for a connection while one is being made. An address is
 * `host:port` or `http(s)://` (dialed with `options` as dialHTTP would),
 * `tcp://host:port`, `tls://host:port` or `unix:/path` (plain TCP, dialed
 * as dial would; `options.plain` dials every endpoint so), or
 * a DNS name to follow: `dns:///name:port`, `dns://SERVER:PORT/name:port`,
 * `dns+srv:///_service._tcp.name` (see DnsTarget).
 *
 * ```ts
 * const pool = connectPool(['dns:///rpc.internal:1234'], { strategy: 'least-pending' });
 * await pool.call('Arith.Multiply', { A: 7, B: 8 }, { idempotent: true, timeout: 2000 });
 * pool.status(); // [{ address: '10.0.0.7:1234', state: 'ready', healthy: true, pending: 0, ... }, ...]
 * ```
 */
export function connectPool(addresses: readonly string[], options: PoolOptions = {}): Pool {
  return new Pool(addresses, options);
}

/**
 * dialReconnecting is a pool of one address: a client for a single
 * endpoint (or one DNS name, whatever it resolves to) that reconnects with
 * backoff when its connection breaks and retries calls under the same
 * rules as connectPool.
 */
export function dialReconnecting(address: string, options: PoolOptions = {}): Pool {
  return new Pool([address], options);
}
