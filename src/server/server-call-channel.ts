import diagnosticsChannel from 'node:diagnostics_channel';
import type { TracingChannel } from 'node:diagnostics_channel';
import type { ServerCallInfo } from './middleware.js';

/** SERVER_CALL_CHANNEL is the name of the TracingChannel every server call is published on. */
export const SERVER_CALL_CHANNEL = 'netrpc:server:call';

/**
 * ServerCallMessage is the context object of `netrpc:server:call`: the
 * call as middleware sees it, plus, once it settled, `result` (the reply)
 * or `error` (what was thrown).
 */
export interface ServerCallMessage extends ServerCallInfo {
  result?: unknown;
  error?: unknown;
}

/**
 * serverCallChannel publishes `start`, `end`, `asyncStart`, `asyncEnd` and
 * `error` for every call a server hands to a registered method (Node's
 * tracePromise semantics): `start` before the middleware chain runs,
 * `end` when it returned its promise, `asyncStart`/`asyncEnd` when that
 * settled, `error` first when it rejected. Nothing is built for it while
 * no one subscribes.
 */
export const serverCallChannel: TracingChannel<unknown, ServerCallMessage> = diagnosticsChannel.tracingChannel(SERVER_CALL_CHANNEL);
