import type { RpcError } from '../errors.js';
import type { ServerCall } from './server-call.js';
import type { ServerMiddleware } from './middleware.js';
import { runMiddleware } from './middleware.js';
import type { ServerCallMessage } from './server-call-channel.js';
import { serverCallChannel } from './server-call-channel.js';
import type { Duplex } from 'node:stream';
import { localAddress } from './peer-address.js';

/**
 * InterceptedCall is the object middleware and tracing channel
 * subscribers get for one call: it reads through to the running
 * ServerCall (so `signal` is the handler's) and carries the argument a
 * middleware may replace. It is made only when a server has middleware or
 * someone subscribes to `netrpc:server:call`.
 */
class InterceptedCall implements ServerCallMessage {
  readonly service: string;
  readonly method: string;
  readonly localAddress: string | undefined;
  args: unknown;
  result?: unknown;
  error?: unknown;
  /** The running call (its handler context and bookkeeping). */
  readonly call: ServerCall;

  constructor(call: ServerCall, args: unknown, localAddress: string | undefined) {
    this.call = call;
    this.args = args;
    this.service = call.method.service;
    this.method = call.method.name;
    this.localAddress = localAddress;
  }

  get serviceMethod(): string {
    return this.call.serviceMethod;
  }

  get remoteAddress(): string | undefined {
    return this.call.remoteAddress;
  }

  get headers(): Readonly<Record<string, string>> {
    return this.call.headers;
  }

  get codec(): string {
    return this.call.codec;
  }

  get signal(): AbortSignal {
    return this.call.signal;
  }

  get metadata(): Readonly<Record<string, string>> {
    return this.call.metadata;
  }

  get deadline(): number | undefined {
    return this.call.deadline;
  }

  get abortReason(): RpcError | undefined {
    return this.call.abortReason;
  }
}

/** callHandler is the innermost step of the chain: the registered method, with the handler's own context. */
function callHandler(info: InterceptedCall): unknown {
  const call = info.call;
  return call.method.handler.call(call.method.receiver, info.args, call);
}

/**
 * runIntercepted runs `call`'s handler inside the server's middleware
 * chain, traced on `netrpc:server:call` when anyone subscribes, and
 * resolves with the reply or rejects with the error to send.
 */
export function runIntercepted(chain: readonly ServerMiddleware[], call: ServerCall, args: unknown, localAddress: string | undefined): Promise<unknown> {
  const info = new InterceptedCall(call, args, localAddress);
  if (!serverCallChannel.hasSubscribers) return runMiddleware(chain, info, callHandler);
  return serverCallChannel.tracePromise(runMiddleware, info, undefined, chain, info, callHandler);
}

/**
 * runHandler runs `call`'s registered method with `args`: directly when the
 * server has no middleware and no one subscribes to `netrpc:server:call`
 * (the zero-cost path), else through runIntercepted. It returns what the
 * handler returns (a value or a promise) and throws what it throws.
 */
export function runHandler(chain: readonly ServerMiddleware[], call: ServerCall, args: unknown, socket: Duplex): unknown {
  if (chain.length === 0 && !serverCallChannel.hasSubscribers) return call.method.handler.call(call.method.receiver, args, call);
  return runIntercepted(chain, call, args, localAddress(socket));
}
