import type { Socket } from 'node:net';

/**
 * TLS_TO_PLAIN_BODY is the body of the 400 a plain front answers a TLS
 * handshake with. A TLS client cannot read it (it fails at once with a
 * record error instead of waiting out its timeout); a person reading the
 * bytes can.
 */
export const TLS_TO_PLAIN_BODY = 'client sent a TLS handshake to a server that does not speak TLS';

/**
 * PLAIN_TO_TLS_ANSWER is what a TLS front writes, in plain text, to a peer
 * that sent a plain HTTP request: the exact bytes Go's net/http server
 * sends in that case, so clients recognise one answer from either server.
 */
export const PLAIN_TO_TLS_ANSWER = 'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';

/** OpenSSL's codes for a first record that is a plain HTTP request (`CONNECT` counts as a proxy request). */
const PLAIN_HTTP_CODES = new Set(['ERR_SSL_HTTP_REQUEST', 'ERR_SSL_HTTPS_PROXY_REQUEST']);

/**
 * looksLikeTlsHello reports whether the first bytes of a connection are a
 * TLS handshake record (content type 22, protocol major version 3), which
 * no HTTP request starts with.
 */
export function looksLikeTlsHello(first: Uint8Array): boolean {
  return first.length >= 2 && first[0] === 0x16 && first[1] === 0x03;
}

/**
 * answerPlainRequest writes PLAIN_TO_TLS_ANSWER on the TCP socket under a
 * failed TLS handshake and ends it, when the TLS error says the peer sent
 * plain HTTP. It reports whether it answered; other failures are left to
 * the caller.
 */
export function answerPlainRequest(err: unknown, raw: Socket | undefined): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (raw === undefined || raw.destroyed || typeof code !== 'string' || !PLAIN_HTTP_CODES.has(code)) return false;
  raw.end(PLAIN_TO_TLS_ANSWER);
  return true;
}
