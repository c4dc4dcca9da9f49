/**
 * ErrorCode names every failure netrpc reports. Each error the library
 * throws or rejects with is an {@link RpcError} carrying one of these codes,
 * so callers branch on `err.code` instead of matching message text.
 */
export const ErrorCode = {
  /** The remote handler failed; the message is the remote error text. */
  Server: 'RPC_SERVER_ERROR',
  /** The client was closed by its user (Go's ErrShutdown). */
  Shutdown: 'RPC_SHUTDOWN',
  /** The connection broke while calls were pending (Go's io.ErrUnexpectedEOF). */
  ConnectionLost: 'RPC_CONNECTION_LOST',
  /** The call's deadline passed before a reply arrived. */
  Timeout: 'RPC_TIMEOUT',
  /** The call's AbortSignal fired before a reply arrived. */
  Aborted: 'RPC_ABORTED',
  /** The peer sent bytes that do not follow the wire format. */
  Protocol: 'RPC_PROTOCOL',
  /** A message is larger than the configured limit. */
  MessageTooLarge: 'RPC_MESSAGE_TOO_LARGE',
  /** A message nests deeper than the configured limit. */
  NestingTooDeep: 'RPC_NESTING_TOO_DEEP',
  /** The HTTP CONNECT handshake did not succeed. */
  Handshake: 'RPC_HANDSHAKE',
  /** The TCP connection could not be opened. */
  Connect: 'RPC_CONNECT',
  /** The server could not listen on the address (EADDRINUSE, EACCES, ...). */
  Listen: 'RPC_LISTEN',
  /** A value could not be encoded in the connection's wire format. */
  Encode: 'RPC_ENCODE',
  /** A service could not be registered. */
  Register: 'RPC_REGISTER',
  /** An option or argument given to the library is invalid. */
  InvalidArgument: 'RPC_INVALID_ARGUMENT',
} as const;

/** ErrorCodeValue is the union of the strings in {@link ErrorCode}. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * RpcError is the base class of every error netrpc produces. `code` says
 * what went wrong; `cause` holds the underlying error when there is one.
 * Library-made messages start with `rpc:` as in Go's net/rpc.
 */
export class RpcError extends Error {
  /** What went wrong, one of {@link ErrorCode}. */
  readonly code: ErrorCodeValue;
  /**
   * True when the call this error ended was never executed, so retrying it
   * elsewhere is safe: it was never written to a socket, or a draining
   * server refused it without running it (`rpc: server is shutting down`).
   */
  readonly unsent: boolean;

  constructor(code: ErrorCodeValue, message: string, options?: { cause?: unknown; unsent?: boolean }) {
    super(message, options);
    this.code = code;
    this.unsent = options?.unsent ?? false;
  }

  override get name(): string {
    return this.constructor.name;
  }

  /**
   * from returns `err` if it already is an RpcError, and otherwise wraps it
   * with the given code (ConnectionLost by default), keeping it as `cause`.
   */
  static from(err: unknown, code: ErrorCodeValue = ErrorCode.ConnectionLost): RpcError {
    if (err instanceof RpcError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new RpcError(code, message.startsWith('rpc:') ? message : `rpc: ${message}`, { cause: err });
  }
}

/**
 * ServerError is a failure reported by the remote side of a call: the
 * handler threw, or the server could not find or decode the method. Its
 * message is exactly the text the server sent, like Go's rpc.ServerError.
 */
export class ServerError extends RpcError {
  /** `options.unsent` marks the drain refusal: the server did not run the call. */
  constructor(message: string, options?: { unsent?: boolean }) {
    super(ErrorCode.Server, message, options);
  }
}

/**
 * ProtocolError means the peer broke the wire format. It is fatal for the
 * connection it happened on and for nothing else.
 */
export class ProtocolError extends RpcError {
  constructor(
    message: string,
    code: typeof ErrorCode.Protocol | typeof ErrorCode.MessageTooLarge | typeof ErrorCode.NestingTooDeep = ErrorCode.Protocol,
  ) {
    super(code, message);
  }
}

/**
 * HandshakeError means the server did not accept the CONNECT request.
 * `statusCode` and `statusLine` are the server's answer (0 and '' when the
 * answer was not HTTP at all).
 */
export class HandshakeError extends RpcError {
  /** The HTTP status code the server answered with, or 0. */
  readonly statusCode: number;
  /** The whole status line the server answered with, or ''. */
  readonly statusLine: string;

  constructor(message: string, statusCode = 0, statusLine = '') {
    super(ErrorCode.Handshake, message);
    this.statusCode = statusCode;
    this.statusLine = statusLine;
  }
}
