import { createHash, timingSafeEqual } from 'node:crypto';
import { ErrorCode, RpcError } from '../errors.js';
import { isThenable } from './server-call.js';

/** ConnectRequest is what an authorize hook sees of a CONNECT request. */
export interface ConnectRequestInfo {
  /** Request headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The peer's `host:port`. */
  readonly remoteAddress: string | undefined;
  /** The request target (the RPC path). */
  readonly path: string;
  /** The peer's verified TLS client certificate subject, when TLS with client certificates is on. */
  readonly peerCertificateSubject?: Readonly<Record<string, string | string[]>>;
}

/**
 * AuthorizeResult: true lets the CONNECT proceed; false refuses it with
 * 401 when the request carried no `Authorization` header and 403 when it
 * did; an object picks the status (401 or 403) and the message.
 */
export type AuthorizeResult = boolean | { readonly status: 401 | 403; readonly message?: string };

/**
 * Authorize decides whether a CONNECT may proceed. It runs before the
 * hijack, so no codec byte is read from a peer it refuses. Throwing counts
 * as a refusal (403).
 */
export type Authorize = (request: ConnectRequestInfo) => AuthorizeResult | Promise<AuthorizeResult>;

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * bearerToken returns an Authorize that requires `Authorization: Bearer
 * <token>`. The comparison takes the same time whatever the guess (it
 * compares SHA-256 digests with crypto.timingSafeEqual). An empty or
 * non-string token throws RpcError (RPC_INVALID_ARGUMENT).
 */
export function bearerToken(token: string): Authorize {
  if (typeof token !== 'string' || token === '') throw new RpcError(ErrorCode.InvalidArgument, 'rpc: bearerToken: the token must be a non-empty string');
  const expected = digest(token);
  return function checkBearer({ headers }) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '');
    if (!m) return headers.authorization === undefined ? false : { status: 401, message: 'expected Authorization: Bearer <token>' };
    return timingSafeEqual(digest(m[1]!), expected);
  };
}

/** Refusal is how a refused request is answered. */
export interface Refusal {
  readonly status: 401 | 403;
  readonly message: string;
}

function refusalOf(result: AuthorizeResult | Error, headers: Readonly<Record<string, string>>): Refusal | undefined {
  if (result === true) return undefined;
  if (result instanceof Error) return { status: 403, message: 'forbidden' };
  if (result === false) {
    return headers.authorization === undefined ? { status: 401, message: 'authorization required' } : { status: 403, message: 'forbidden' };
  }
  return { status: result.status, message: result.message ?? (result.status === 401 ? 'authorization required' : 'forbidden') };
}

/**
 * runAuthorize asks the hook about a request and calls `decide` with
 * undefined when it may proceed, or with how to refuse it: false is 401
 * without an `Authorization` header and 403 with one; a hook that throws
 * or rejects refuses with 403. A synchronous answer is delivered at once.
 */
export function runAuthorize(authorize: Authorize, request: ConnectRequestInfo, decide: (refusal: Refusal | undefined) => void): void {
  const settle = (result: AuthorizeResult | Error): void => decide(refusalOf(result, request.headers));
  const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
  let result: AuthorizeResult | Promise<AuthorizeResult>;
  try {
    result = authorize(request);
  } catch (err) {
    return settle(asError(err));
  }
  if (isThenable(result)) {
    Promise.resolve(result).then(settle, (err: unknown) => settle(asError(err)));
  } else {
    settle(result as AuthorizeResult);
  }
}
