import { ErrorCode, HandshakeError, RpcError } from '../errors.js';
import type { Endpoint } from './address.js';

/** What classifyDialFailure needs to know of the dial that failed. */
export interface FailedDial {
  readonly endpoint: Endpoint;
  /** The dial used TLS. */
  readonly tls: boolean;
}

/** Go's net/http (and netrpc's TLS front) answer a plain request on a TLS port with this body. */
const PLAIN_ON_TLS_TEXT = 'Client sent an HTTP request to an HTTPS server';

/**
 * OpenSSL's record errors for a first answer that is not TLS: a plain
 * server's bytes (for example `HTTP/1.1 400`) read as a TLS record.
 */
const NOT_TLS_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_RECORD_LAYER_FAILURE']);

/** Node's message for a peer that closed before the TLS handshake finished. */
const CLOSED_BEFORE_TLS = 'before secure TLS connection was established';

function hostPort(e: Endpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

function causeOf(err: RpcError): { code?: unknown; message?: unknown } | undefined {
  return err.cause as { code?: unknown; message?: unknown } | undefined;
}

/**
 * classifyDialFailure turns the failures that mean "wrong transport" into
 * errors that say so and what to do; anything else is returned as is.
 * - TLS to a plain server: the server's plain answer breaks the TLS
 *   record layer, or it closes before the handshake ends →
 *   RPC_CONNECT "the server does not speak TLS".
 * - Plain to a TLS server: a 400 with Go's "Client sent an HTTP request to
 *   an HTTPS server" → RPC_HANDSHAKE "the server expects TLS"; a close
 *   before any answer gets the same advice as a possibility, since Go's
 *   TLS server closes silently on a plain CONNECT.
 * The original error is kept as `cause` (the status line on a HandshakeError).
 */
export function classifyDialFailure(err: unknown, dial: FailedDial): unknown {
  if (!(err instanceof RpcError)) return err;
  const where = hostPort(dial.endpoint);
  if (dial.tls) {
    const cause = causeOf(err);
    const code = typeof cause?.code === 'string' ? cause.code : '';
    const text = typeof cause?.message === 'string' ? cause.message : '';
    if (err.code === ErrorCode.Connect && (NOT_TLS_CODES.has(code) || text.includes(CLOSED_BEFORE_TLS))) {
      return new RpcError(ErrorCode.Connect, `rpc: the server at ${where} does not speak TLS: dial ${where} or http://${where} (without TLS)`, { cause: err });
    }
    return err;
  }
  if (!(err instanceof HandshakeError)) return err;
  const advice = `dial https://${where} (or set the tls option)`;
  if (err.statusCode === 400 && err.message.includes(PLAIN_ON_TLS_TEXT)) {
    return new HandshakeError(`rpc: the server at ${where} expects TLS: ${advice}`, err.statusCode, err.statusLine);
  }
  if (err.statusCode === 0 && err.message.startsWith('rpc: connection closed during')) {
    return new HandshakeError(`${err.message} without an answer; a TLS server does that to a plain request: if ${where} expects TLS, ${advice}`);
  }
  return err;
}
