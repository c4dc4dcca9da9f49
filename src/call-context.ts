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
  /**
   * Aborts when the client cancels, the call's deadline passes, the peer
   * closes or the connection drops; pass it to work that should stop then.
   */
  readonly signal: AbortSignal;
  /**
   * The call's metadata as the client sent it (lower-case keys, string
   * values; W3C `traceparent` / `tracestate` among them when the client
   * propagates a trace), or an empty object. Only netrpc clients that
   * negotiated it on the CONNECT send any (see the README's "Metadata and
   * deadlines"); Go clients and plain-TCP peers never do.
   */
  readonly metadata: Readonly<Record<string, string>>;
  /**
   * When the call runs out of time, in epoch milliseconds (as Date.now()),
   * or undefined when nothing limits it: the sooner of the client's
   * deadline (its timeout, sent with the call and counted from when the
   * call arrived) and the server's handlerTimeoutMs. At that moment
   * `signal` aborts, whether or not the client's cancel arrives: at the
   * client's deadline with RPC_ABORTED, as for the client's cancel (it
   * has given up), at the server's limit with RPC_TIMEOUT.
   */
  readonly deadline: number | undefined;
}

/**
 * Handler is one RPC method: it takes the decoded argument and the call's
 * context and returns the reply, or a promise of it. Throwing (or
 * rejecting) sends the error's message to the caller as a ServerError.
 */
export type Handler<A = any, R = unknown> = (args: A, ctx: CallContext) => R | Promise<R>;
