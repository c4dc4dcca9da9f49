import type { CallContext } from '../call-context.js';
import { ErrorCode, RpcError } from '../errors.js';

/**
 * ServerCallInfo is what a server middleware (and a `netrpc:server:call`
 * tracing channel subscriber) sees of one call: the handler's context
 * (serviceMethod, remoteAddress, headers, codec, signal) plus the names
 * split apart, the connection's local address, and the argument.
 */
export interface ServerCallInfo extends CallContext {
  /** The service part of `serviceMethod` (before the last dot). */
  readonly service: string;
  /** The method part of `serviceMethod` (after the last dot). */
  readonly method: string;
  /** The local `host:port` the connection came in on, when known (undefined for a stream that is not a socket). */
  readonly localAddress: string | undefined;
  /**
   * Why the call's signal fired, without making the signal: RPC_ABORTED
   * when the client cancelled, RPC_TIMEOUT when the server's handler time
   * limit passed (the client was answered then), RPC_CONNECTION_LOST when
   * the connection went away. Undefined while none of those happened.
   */
  readonly abortReason: RpcError | undefined;
  /**
   * The argument as the codec decoded it, before a contract converts and
   * validates it (that happens inside the handler, so its errors come out
   * of `next()`). A middleware may replace it before calling `next()`.
   */
  args: unknown;
}

/**
 * ServerMiddleware runs around every call a server hands to a registered
 * method: `next()` runs the rest of the chain and then the handler, and
 * resolves with the reply or rejects with what the handler (or a later
 * middleware) threw. What the middleware returns (or resolves with) is the
 * reply sent; what it throws is the error sent. It may answer without
 * calling `next()`; calling it twice rejects with RPC_INVALID_ARGUMENT.
 */
export type ServerMiddleware = (ctx: ServerCallInfo, next: () => Promise<unknown>) => unknown;

/** Link is one middleware's place in a running chain: what its `next()` continues with. */
interface Link<C extends ServerCallInfo> {
  readonly chain: readonly ServerMiddleware[];
  readonly ctx: C;
  readonly handler: (ctx: C) => unknown;
  readonly index: number;
  called: boolean;
}

function runFrom<C extends ServerCallInfo>(chain: readonly ServerMiddleware[], ctx: C, handler: (ctx: C) => unknown, index: number): Promise<unknown> {
  try {
    if (index === chain.length) return Promise.resolve(handler(ctx));
    const link: Link<C> = { chain, ctx, handler, index, called: false };
    return Promise.resolve(chain[index]!(ctx, (callNext<C>).bind(undefined, link)));
  } catch (err) {
    return Promise.reject(err);
  }
}

function callNext<C extends ServerCallInfo>(link: Link<C>): Promise<unknown> {
  if (link.called) return Promise.reject(new RpcError(ErrorCode.InvalidArgument, `rpc: middleware called next() more than once for ${link.ctx.serviceMethod}`));
  link.called = true;
  return runFrom(link.chain, link.ctx, link.handler, link.index + 1);
}

/**
 * runMiddleware runs `chain` around `handler` (first element outermost;
 * the handler gets `ctx` and reads `ctx.args`, which middleware may have
 * replaced) and settles as the outermost middleware does. A middleware
 * that throws synchronously rejects the promise; nothing escapes.
 */
export function runMiddleware<C extends ServerCallInfo>(chain: readonly ServerMiddleware[], ctx: C, handler: (ctx: C) => unknown): Promise<unknown> {
  return runFrom(chain, ctx, handler, 0);
}
