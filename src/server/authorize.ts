import { createHash, timingSafeEqual } from 'node:crypto';

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
 * compares SHA-256 digests with crypto.timingSafeEqual).
 */
export function bearerToken(token: string): Authorize {
  if (!token) throw new TypeError('bearerToken: the token must not be empty');
  const expected = digest(token);
  return function checkBearer({ headers }) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '');
    if (!m) return headers.authorization === undefined ? false : { status: 401, message: 'expected Authorization: Bearer <token>' };
    return timingSafeEqual(digest(m[1]!), expected);
  };
}
