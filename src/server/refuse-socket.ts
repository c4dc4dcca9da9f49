import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

function discard(): void {
  // A refused peer's bytes are read only to be dropped.
}

function destroyOnPeerEnd(this: Socket): void {
  this.destroy();
}

/**
 * refuseSocket answers with a small text/plain response (`<status> <body>`)
 * and ends the socket. Until the peer closes its side too, whatever it
 * sends is read and dropped (a socket closed with unread bytes resets the
 * connection, which can lose the answer); the caller bounds that wait.
 * `extraHeaders` are CRLF-terminated header lines.
 */
export function refuseSocket(socket: Socket, status: number, body: string, extraHeaders = ''): void {
  const text = `${status} ${body}\n`;
  socket.on('data', discard);
  socket.once('end', destroyOnPeerEnd);
  socket.resume();
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(text)}\r\n` +
      extraHeaders +
      'Connection: close\r\n\r\n' +
      text,
  );
}
