import type { GoType } from './codec/go-type.js';

/**
 * CallOptions tune one call, whatever makes it: `Client.call`, `Pool.call`
 * or a typed service proxy. They live apart from the client so that
 * contracts, pools and proxies can name them without importing the client.
 */
export interface CallOptions {
  /** Abort the call: it rejects at once with RPC_ABORTED. */
  readonly signal?: AbortSignal;
  /** Give up after this many milliseconds: the call rejects with RPC_TIMEOUT. 0 means no limit. */
  readonly timeout?: number;
  /** Declared Go type of the argument, for codecs that need kinds (gob). */
  readonly argsType?: GoType;
  /**
   * String pairs for the server's handler (`ctx.metadata`): keys of
   * lower-case letters, digits, `-`, `_`, `.` (W3C `traceparent` and
   * `tracestate` among them), string values, within the client's
   * maxMetadataBytes / maxMetadataEntries (RPC_INVALID_ARGUMENT or
   * RPC_MESSAGE_TOO_LARGE otherwise, before anything is sent). Sent, with
   * the call's timeout as its deadline, only on connections whose server
   * granted it on the CONNECT; elsewhere (Go servers, plain TCP) the call
   * goes out without it.
   */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Caller is anything that makes calls: a Client, a Pool, or a wrapper
 * around either. Typed proxies (see createServiceProxy) call through it.
 */
export interface Caller {
  call(serviceMethod: string, args?: unknown, options?: CallOptions): Promise<unknown>;
}
