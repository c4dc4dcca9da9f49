import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { TlsOptions } from 'node:tls';
import { answerPlainRequest } from './wrong-transport.js';

function destroyOnError(this: Socket): void {
  this.destroy();
}

/** socketKey names a TCP connection by its addresses; the TLS socket over it answers the same. */
function socketKey(s: Socket): string | undefined {
  const { remoteAddress, remotePort, localAddress, localPort } = s;
  return remoteAddress === undefined ? undefined : `${remoteAddress}|${remotePort}|${localAddress}|${localPort}`;
}

/**
 * TlsFront runs the TLS handshake on TCP sockets the server has already
 * accepted and counted: they are handed to a Node tls.Server that never
 * listens, so the server decides what enters a handshake and bounds it
 * with its own deadline (Node's handshakeTimeout only notices a silent
 * peer, not one trickling bytes). A socket whose handshake fails is
 * destroyed (one that sent plain HTTP is told so first, as Go's server
 * does). A finished one gets renegotiation refused (a client asking
 * again costs the server a handshake each time; Go's TLS server refuses
 * too) and is destroyed on any later TLS error, then goes to `onSecure`
 * with the TCP socket it runs over.
 */
export class TlsFront {
  private readonly server: tls.Server;
  /** TCP sockets in their handshake, by socketKey. */
  private readonly pending = new Map<string, Socket>();

  constructor(options: TlsOptions, handshakeTimeoutMs: number, onSecure: (secure: tls.TLSSocket, raw: Socket) => void) {
    this.server = tls.createServer({ ...options, allowHalfOpen: true, handshakeTimeout: handshakeTimeoutMs });
    this.server.on('tlsClientError', (err, socket) => {
      answerPlainRequest(err, this.pending.get(socketKey(socket) ?? ''));
      socket.destroy();
    });
    this.server.on('secureConnection', (secure: tls.TLSSocket) => {
      secure.on('error', destroyOnError);
      const key = socketKey(secure);
      const raw = key === undefined ? undefined : this.pending.get(key);
      if (raw === undefined || secure.destroyed) {
        secure.destroy();
        return;
      }
      this.pending.delete(key!);
      secure.disableRenegotiation();
      onSecure(secure, raw);
    });
  }

  /** start begins the TLS handshake on an accepted TCP socket. */
  start(raw: Socket): void {
    const key = socketKey(raw);
    if (key === undefined) {
      raw.destroy();
      return;
    }
    this.pending.set(key, raw);
    raw.once('close', () => {
      if (this.pending.get(key) === raw) this.pending.delete(key);
    });
    this.server.emit('connection', raw);
  }
}
