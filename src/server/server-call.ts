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
  /** Timer of the call's time limit (the client's deadline or the server's handler limit), if one is set. */
  timer: NodeJS.Timeout | undefined;
  /** The call's time limit in ms from `started`, 0 for none. */
  limitMs = 0;
  /** The limit is the client's deadline (sooner than the server's handler limit, if any). */
  limitIsClients = false;
  /** The call's metadata (frozen; a shared empty object when the client sent none). */
  readonly metadata: Readonly<Record<string, string>>;
  /** The decoded size of its request, held against the server's read budget until the handler finishes. */
  cost = 0;
  private controller: AbortController | undefined;
  private reason: RpcError | undefined;

  constructor(
    id: number,
    method: MethodEntry,
    serviceMethod: string,
    info: { readonly remoteAddress: string | undefined; readonly headers: Readonly<Record<string, string>>; readonly codecName: string },
    metadata: Readonly<Record<string, string>> | undefined,
  ) {
    this.metadata = metadata ?? NO_METADATA;
    this.id = id;
    this.method = method;
    this.serviceMethod = serviceMethod;
    this.remoteAddress = info.remoteAddress;
    this.headers = info.headers;
    this.codec = info.codecName;
    this.started = performance.now();
  }

  /** deadline is when the call's time limit passes, in epoch ms (see CallContext.deadline). */
  get deadline(): number | undefined {
    if (this.limitMs === 0) return undefined;
    return Math.round(Date.now() - (performance.now() - this.started) + this.limitMs);
  }

  /** signal aborts when the client cancels, the call's deadline or the server's time limit passes, or the connection goes away. */
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

const NO_METADATA: Readonly<Record<string, string>> = Object.freeze({});

/** errorText is the error text sent for what a handler threw (never empty: an empty error means success on the wire). */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message || String(err) : String(err);
  return text || 'rpc: handler failed with an empty error';
}

/** isThenable reports whether a handler returned a promise (or any thenable). */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
