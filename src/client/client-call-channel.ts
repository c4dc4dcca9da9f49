import diagnosticsChannel from 'node:diagnostics_channel';
import type { TracingChannel } from 'node:diagnostics_channel';
import type { CallOptions } from '../call-options.js';
import type { ClientCallInfo, ClientInterceptor } from './interceptor.js';
import { runInterceptors } from './interceptor.js';

/** CLIENT_CALL_CHANNEL is the name of the TracingChannel every client call is published on. */
export const CLIENT_CALL_CHANNEL = 'netrpc:client:call';

/**
 * ClientCallMessage is the context object of `netrpc:client:call`: the
 * call as interceptors see it, plus, once it settled, `result` (the
 * reply) or `error`.
 */
export interface ClientCallMessage extends ClientCallInfo {
  result?: unknown;
  error?: unknown;
}

/**
 * clientCallChannel publishes `start`, `end`, `asyncStart`, `asyncEnd` and
 * `error` for every call of a Client or Pool (Node's tracePromise
 * semantics), outside its interceptors: it sees what the caller gets.
 * A pool's call is published once, retries included. Nothing is built
 * for it while no one subscribes.
 */
export const clientCallChannel: TracingChannel<unknown, ClientCallMessage> = diagnosticsChannel.tracingChannel(CLIENT_CALL_CHANNEL);

/** OutgoingCall is the mutable ClientCallInfo a Client or Pool fills in as the call proceeds. */
export class OutgoingCall implements ClientCallMessage {
  readonly serviceMethod: string;
  args: unknown;
  options: CallOptions;
  codec: string | undefined;
  target: string | undefined;
  remoteAddress: string | undefined;
  result?: unknown;
  error?: unknown;

  constructor(serviceMethod: string, args: unknown, options: CallOptions | undefined, where?: { codec: string; target: string | undefined; remoteAddress: string | undefined }) {
    this.serviceMethod = serviceMethod;
    this.args = args;
    this.options = options ?? {};
    this.codec = where?.codec;
    this.target = where?.target;
    this.remoteAddress = where?.remoteAddress;
  }
}

/** isInstrumented reports whether a call with these interceptors must go through {@link interceptedCall}. */
export function isInstrumented(chain: readonly ClientInterceptor[] | undefined): boolean {
  return chain !== undefined || clientCallChannel.hasSubscribers;
}

/**
 * interceptedCall runs `send` inside `chain`, traced on
 * `netrpc:client:call` when anyone subscribes.
 */
export function interceptedCall<C extends OutgoingCall>(chain: readonly ClientInterceptor[] | undefined, ctx: C, send: (ctx: C) => Promise<unknown>): Promise<unknown> {
  if (!clientCallChannel.hasSubscribers) return runInterceptors(chain ?? NO_INTERCEPTORS, ctx, send);
  return clientCallChannel.tracePromise(runInterceptors, ctx, undefined, chain ?? NO_INTERCEPTORS, ctx, send);
}

const NO_INTERCEPTORS: readonly ClientInterceptor[] = [];
