/**
 * CallContext is what a handler learns about the call besides its
 * argument. The same object shape is passed to every handler.
 */
export interface CallContext {
  /** `Service.Method` as the client sent it. */
  readonly serviceMethod: string;
  /** The peer's address (`host:port`), when known. */
  readonly remoteAddress: string | undefined;
  /** The CONNECT request's headers, lower-cased names (empty for raw serveConn). */
  readonly headers: Readonly<Record<string, string>>;
  /** The wire format of the connection: `gob`, `json` or `msgpack`. */
  readonly codec: string;
  /** Aborts when the peer closes or the connection drops; pass it to work that should stop then. */
  readonly signal: AbortSignal;
}

/**
 * Handler is one RPC method: it takes the decoded argument and the call's
 * context and returns the reply, or a promise of it. Throwing (or
 * rejecting) sends the error's message to the caller as a ServerError.
 */
export type Handler<A = any, R = unknown> = (args: A, ctx: CallContext) => R | Promise<R>;
