import { ErrorCode, RpcError } from '../errors.js';

/**
 * RetryPolicy says when and how often a pool repeats a failed call. A call
 * is repeated only when that is safe: it was never executed (never written
 * to a socket, or refused by a draining server), or the caller marked it
 * idempotent and its connection broke. Other server errors are never
 * repeated.
 */
export interface RetryPolicy {
  /** Tries per call, counting the first. Default: the number of endpoints + 1 (at least 2). */
  readonly maxAttempts?: number;
  /** Upper bound of the first retry's delay, in ms (the delay is drawn uniformly below it). Default 10. */
  readonly initialBackoffMs?: number;
  /** Largest delay bound, in ms. Default 1 000. */
  readonly maxBackoffMs?: number;
  /** Growth of the delay bound per retry. Default 2. */
  readonly backoffMultiplier?: number;
}

/** RetryBudgetOptions configure the pool's retry throttling (gRPC's retryThrottling). */
export interface RetryBudgetOptions {
  /** Tokens in the bucket when full; each retryable failure takes one. Default 100. */
  readonly maxTokens?: number;
  /** Tokens each call that ends without a retryable failure puts back. Default 0.1. */
  readonly tokenRatio?: number;
}

/**
 * backoffBound is the delay bound before retry number `retry` (1 for the
 * first retry): initialBackoffMs × multiplier^(retry-1), capped.
 */
export function backoffBound(policy: RetryPolicy, retry: number): number {
  const initial = policy.initialBackoffMs ?? 10;
  const max = policy.maxBackoffMs ?? 1000;
  const multiplier = policy.backoffMultiplier ?? 2;
  return Math.min(max, initial * multiplier ** Math.max(0, retry - 1));
}

/** backoffDelay draws the delay before retry number `retry`: uniform in [0, bound) ("full jitter"). */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  return backoffBound(policy, retry) * random();
}

/**
 * isRetryable reports whether a failed attempt may be repeated: an
 * RpcError of a call that was never executed, or, for an idempotent call,
 * a broken or refused connection. Timeouts and aborts end the call.
 */
export function isRetryable(err: unknown, idempotent: boolean): boolean {
  if (!(err instanceof RpcError)) return false;
  if (err.code === ErrorCode.Timeout || err.code === ErrorCode.Aborted) return false;
  if (err.unsent) return true;
  if (!idempotent) return false;
  return err.code === ErrorCode.ConnectionLost || err.code === ErrorCode.Shutdown || err.code === ErrorCode.Connect;
}

/**
 * RetryBudget is a token bucket shared by a pool's calls, as in gRPC's
 * retry throttling: it starts full; every retryable failure takes a token,
 * every call that ends otherwise puts back `tokenRatio`; retries are
 * allowed only while more than half the tokens are left. A fleet that
 * fails everything is thus retried a bounded number of times, not once
 * per call.
 */
export class RetryBudget {
  private readonly maxTokens: number;
  private readonly tokenRatio: number;
  private tokens: number;

  constructor(options: RetryBudgetOptions = {}) {
    this.maxTokens = options.maxTokens ?? 100;
    this.tokenRatio = options.tokenRatio ?? 0.1;
    if (!(this.maxTokens > 0) || !(this.tokenRatio >= 0)) {
      throw new RpcError(ErrorCode.InvalidArgument, 'rpc: retry budget wants maxTokens > 0 and tokenRatio >= 0');
    }
    this.tokens = this.maxTokens;
  }

  /** available is the number of tokens left now. */
  get available(): number {
    return this.tokens;
  }

  /** recordFailure takes a token for a retryable failure and reports whether a retry is allowed. */
  recordFailure(): boolean {
    this.tokens = Math.max(0, this.tokens - 1);
    return this.tokens > this.maxTokens / 2;
  }

  /** recordSuccess puts back `tokenRatio` for an attempt that ended without a retryable failure. */
  recordSuccess(): void {
    this.tokens = Math.min(this.maxTokens, this.tokens + this.tokenRatio);
  }
}
