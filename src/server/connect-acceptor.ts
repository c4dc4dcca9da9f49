import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { CODEC_HEADER, connectedResponse } from '../connect-wire.js';
import { runAuthorize } from './authorize.js';
import type { Authorize } from './authorize.js';

/** AcceptorTarget is what accepting a CONNECT needs from the server. */
export interface AcceptorTarget {
  readonly draining: boolean;
  readonly defaultCodec: string;
  readonly authorize: Authorize | undefined;
  /** codecNames lists the codecs offered, for the 415 answer. */
  codecNames(): string[];
  hasCodec(name: string): boolean;
  /** serve takes over a socket after the 200 answer was written. */
  serve(socket: Duplex, codecName: string, headers: Readonly<Record<string, string>>, rest: Uint8Array, remoteAddress: string | undefined): void;
  /** refuse answers with an error status and frees the socket within the server's linger time. */
  refuse(socket: Socket, status: number, body: string, extraHeaders?: string): void;
}

/** ConnectRequest is a CONNECT request on the RPC path, from either front. */
export interface AcceptedRequest {
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string | undefined;
}

function peerSubject(socket: Duplex): Readonly<Record<string, string | string[]>> | undefined {
  const tlsSocket = socket as Partial<TLSSocket>;
  if (typeof tlsSocket.getPeerCertificate !== 'function' || !tlsSocket.authorized) return undefined;
  const cert = tlsSocket.getPeerCertificate();
  return cert && cert.subject ? (cert.subject as unknown as Record<string, string | string[]>) : undefined;
}

/**
 * acceptConnect finishes a CONNECT on the RPC path: a request the
 * authorize hook refuses is answered 401/403 (before any codec byte is
 * read: the socket stays paused), then a codec the server does not offer
 * 415 (so only an authorized peer learns which codecs are offered), and
 * otherwise Go's exact 200 line is written and the socket is served, with
 * `rest` (the bytes that followed the head) as the first codec bytes.
 */
export function acceptConnect(target: AcceptorTarget, socket: Duplex, req: AcceptedRequest, rest: Uint8Array): void {
  const requested = req.headers[CODEC_HEADER];
  const codecName = (requested ?? target.defaultCodec).toLowerCase();
  const proceed = (): void => {
    if (target.draining || socket.destroyed) {
      socket.destroy();
      return;
    }
    if (!target.hasCodec(codecName)) {
      target.refuse(socket as Socket, 415, `unsupported codec ${JSON.stringify(codecName)}; this server offers: ${target.codecNames().join(', ')}`);
      return;
    }
    socket.write(connectedResponse(requested === undefined ? undefined : codecName));
    target.serve(socket, codecName, req.headers, rest, req.remoteAddress);
  };
  const authorize = target.authorize;
  if (!authorize) return proceed();
  const request = { headers: req.headers, remoteAddress: req.remoteAddress, path: req.target, peerCertificateSubject: peerSubject(socket) };
  runAuthorize(authorize, request, (refused) => {
    if (!refused) return proceed();
    if (socket.destroyed) return;
    const extra = refused.status === 401 ? 'WWW-Authenticate: Bearer\r\n' : '';
    target.refuse(socket as Socket, refused.status, refused.message, extra);
  });
}
