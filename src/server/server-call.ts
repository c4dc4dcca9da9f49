import type { RpcError } from '../errors.js';
import type { CallContext } from '../call-context.js';
import type { MethodEntry } from './registry.js';

/**
 * ServerCall is one running call: the handler's context (it implements
 * CallContext) and the connection's bookkeeping for it. Its AbortSignal is
 * made only when a handler reads `signal`, so calls that never look at it
 * cost no AbortController.
 */
export class ServerCall implements CallContext {
  readonly serviceMethod: string;
  readonly remoteAddress: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly codec: string;
  /** The call's id on its connection, handed back in the reply. */
  readonly id: number;
  readonly method: MethodEntry;
  /** performance.now() when the handler started. */
  readonly started: number;
  /** The handler has returned or thrown. */
  finished = false;
  /** A reply was sent, or will never be (the client cancelled). */
  answered = false;
  /** Timer of the server's handler time limit, if one is set. */
  timer: NodeJS.Timeout | undefined;
  /** The decoded size of its request, held against the server's read budget until the handler finishes. */
  cost = 0;
  private controller: AbortController | undefined;
  private reason: RpcError | undefined;

  constructor(
    id: number,
    method: MethodEntry,
    serviceMethod: string,
    info: { readonly remoteAddress: string | undefined; readonly headers: Readonly<Record<string, string>>; readonly codecName: string },
  ) {
    this.id = id;
    this.method = method;
    this.serviceMethod = serviceMethod;
    this.remoteAddress = info.remoteAddress;
    this.headers = info.headers;
    this.codec = info.codecName;
    this.started = performance.now();
  }

  /** signal aborts when the client cancels, the server's time limit passes, or the connection goes away. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** abortReason is why the call's signal fired (or would have, had anyone read it); undefined while it has not. */
  get abortReason(): RpcError | undefined {
    return this.reason;
  }

  /** abort fires the call's signal with `reason` (once; later reasons are ignored). */
  abort(reason: RpcError): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}

/** errorText is the error text sent for what a handler threw (never empty: an empty error means success on the wire). */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message || String(err) : String(err);
  return text || 'rpc: handler failed with an empty error';
}

/** isThenable reports whether a handler returned a promise (or any thenable). */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
