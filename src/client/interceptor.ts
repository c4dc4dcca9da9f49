import type { CallOptions } from '../call-options.js';
import { ErrorCode, RpcError } from '../errors.js';

/**
 * ClientCallInfo is what a client interceptor (and a `netrpc:client:call`
 * tracing channel subscriber) sees of one call. `args` and `options` may
 * be replaced before calling `next()`. On a Pool the call is the logical
 * one, retries included: `codec`, `target` and `remoteAddress` describe
 * the endpoint of the latest attempt and are undefined until one is
 * picked; read them after `next()` settles.
 */
export interface ClientCallInfo {
  /** `Service.Method` as it goes on the wire. */
  readonly serviceMethod: string;
  /** The argument to encode. */
  args: unknown;
  /** The call's options (signal, timeout, argsType; on a pool also idempotent and retry). */
  options: CallOptions;
  /** The connection's wire format: `gob`, `json` or `msgpack`. */
  readonly codec: string | undefined;
  /** The server as it was dialed: `host:port`, `unix:/path`, ... (undefined for newClient over a stream). */
  readonly target: string | undefined;
  /** The socket's peer `host:port` (a proxy's when tunneled), when the stream is a network socket. */
  readonly remoteAddress: string | undefined;
}

/**
 * ClientInterceptor runs around calls: `next()` runs the later
 * interceptors and then the call itself, resolving with the reply or
 * rejecting with its error (ServerError, RPC_TIMEOUT, RPC_ABORTED, ...).
 * What the interceptor returns (or resolves with) is what the caller gets;
 * what it throws is what the caller's promise rejects with. It may answer
 * without calling `next()` (nothing is sent then); calling it twice
 * rejects with RPC_INVALID_ARGUMENT.
 */
export type ClientInterceptor = (ctx: ClientCallInfo, next: () => Promise<unknown>) => unknown;

/** Link is one interceptor's place in a running chain: what its `next()` continues with. */
interface Link<C extends ClientCallInfo> {
  readonly chain: readonly ClientInterceptor[];
  readonly ctx: C;
  readonly send: (ctx: C) => Promise<unknown>;
  readonly index: number;
  called: boolean;
}

function runFrom<C extends ClientCallInfo>(chain: readonly ClientInterceptor[], ctx: C, send: (ctx: C) => Promise<unknown>, index: number): Promise<unknown> {
  try {
    if (index === chain.length) return send(ctx);
    const link: Link<C> = { chain, ctx, send, index, called: false };
    return Promise.resolve(chain[index]!(ctx, (callNext<C>).bind(undefined, link)));
  } catch (err) {
    return Promise.reject(err);
  }
}

function callNext<C extends ClientCallInfo>(link: Link<C>): Promise<unknown> {
  if (link.called) return Promise.reject(new RpcError(ErrorCode.InvalidArgument, `rpc: interceptor called next() more than once for ${link.ctx.serviceMethod}`));
  link.called = true;
  return runFrom(link.chain, link.ctx, link.send, link.index + 1);
}

/**
 * runInterceptors runs `chain` around `send` (first element outermost)
 * and settles as the outermost interceptor does; a synchronous throw
 * anywhere becomes a rejection.
 */
export function runInterceptors<C extends ClientCallInfo>(chain: readonly ClientInterceptor[], ctx: C, send: (ctx: C) => Promise<unknown>): Promise<unknown> {
  return runFrom(chain, ctx, send, 0);
}
