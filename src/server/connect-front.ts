import type { Socket } from 'node:net';
import { findHeadEnd, HeadParseError, parseRequestHead, requestPath } from '../http-head.js';
import type { RequestHead } from '../http-head.js';
import type { ResolvedServerOptions } from './options.js';

/** FrontTarget receives the sockets the front has read a request head from. */
export interface FrontTarget {
  readonly options: ResolvedServerOptions;
  /** connectRequest takes a CONNECT on the RPC path; `rest` are the bytes after the head. */
  connectRequest(socket: Socket, head: RequestHead, rest: Uint8Array): void;
  /** serveHttp hands a non-CONNECT request to the HTTP server; `bytes` are put back first. */
  serveHttp(socket: Socket, bytes: Uint8Array): void;
  /** refuse answers with an error (see rejectSocket) and frees the socket within the server's linger time. */
  refuse(socket: Socket, status: number, body: string): void;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  503: 'Service Unavailable',
  404: 'Not Found',
  415: 'Unsupported Media Type',
  431: 'Request Header Fields Too Large',
};

function discard(): void {
  // A refused peer's bytes are read only to be dropped.
}

function destroyOnPeerEnd(this: Socket): void {
  this.destroy();
}

/**
 * rejectSocket answers with a small text/plain response (`<status> <body>`)
 * and ends the socket. Until the peer closes its side too, whatever it
 * sends is read and dropped (a socket closed with unread bytes resets the
 * connection, which can lose the answer); the caller bounds that wait.
 * `extraHeaders` are CRLF-terminated header lines.
 */
export function rejectSocket(socket: Socket, status: number, body: string, extraHeaders = ''): void {
  const text = `${status} ${body}\n`;
  socket.on('data', discard);
  socket.once('end', destroyOnPeerEnd);
  socket.resume();
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(text)}\r\n` +
      extraHeaders +
      'Connection: close\r\n\r\n' +
      text,
  );
}

/**
 * HeadReader reads one request head from a fresh socket, tolerating bare
 * LF line ends (which Node's HTTP parser does not), within a size limit
 * (the server's deadline for the socket bounds the time), then routes the
 * socket: CONNECT on the RPC path is answered with Go's exact status line
 * and handed to the codec together with any bytes that followed the head
 * (see acceptConnect for auth and codec checks); CONNECT elsewhere is 404;
 * anything else goes to the HTTP server.
 */
export class HeadReader {
  private readonly socket: Socket;
  private readonly target: FrontTarget;
  private chunks: Buffer[] = [];
  private size = 0;
  private done = false;

  constructor(socket: Socket, target: FrontTarget) {
    this.socket = socket;
    this.target = target;
    this.onData = this.onData.bind(this);
    this.onClose = this.onClose.bind(this);
    this.onEnd = this.onEnd.bind(this);
    socket.on('error', this.onClose);
    socket.on('close', this.onClose);
    socket.on('end', this.onEnd);
    socket.on('data', this.onData);
  }

  private finish(): void {
    this.done = true;
    this.socket.removeListener('data', this.onData);
    this.socket.removeListener('close', this.onClose);
    this.socket.removeListener('error', this.onClose);
    this.socket.removeListener('end', this.onEnd);
  }

  /** onEnd: the peer stopped sending before the head ended. */
  private onEnd(): void {
    if (this.done) return;
    this.finish();
    this.socket.destroy();
  }

  private onClose(): void {
    if (!this.done) this.finish();
  }

  private onData(chunk: Buffer): void {
    const scanFrom = Math.max(0, this.size - 3);
    this.chunks.push(chunk);
    this.size += chunk.length;
    const buf = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.size);
    this.chunks = [buf];
    const max = this.target.options.maxHeadBytes;
    const end = findHeadEnd(buf.subarray(scanFrom, Math.min(buf.length, max + 4)));
    if (end === -1) {
      if (this.size > max) {
        this.finish();
        this.target.refuse(this.socket, 431, 'request head too large');
      }
      return;
    }
    const headEnd = scanFrom + end;
    if (headEnd > max + 4) {
      this.finish();
      this.target.refuse(this.socket, 431, 'request head too large');
      return;
    }
    this.finish();
    this.socket.pause();
    this.route(buf, headEnd);
  }

  private route(buf: Buffer, headEnd: number): void {
    let head: RequestHead;
    try {
      head = parseRequestHead(buf.subarray(0, headEnd));
    } catch (err) {
      if (!(err instanceof HeadParseError)) throw err;
      this.target.refuse(this.socket, 400, `bad request: ${err.message}`);
      return;
    }
    if (head.method !== 'CONNECT') {
      this.target.serveHttp(this.socket, Buffer.concat([withCrlf(buf.subarray(0, headEnd)), buf.subarray(headEnd)]));
      return;
    }
    const options = this.target.options;
    if (requestPath(head.target) !== options.path) {
      this.target.refuse(this.socket, 404, `no RPC endpoint at ${head.target}; use ${options.path}`);
      return;
    }
    this.target.connectRequest(this.socket, head, buf.subarray(headEnd));
  }
}

/** withCrlf rewrites bare-LF line ends of a head to CRLF, which Node's HTTP parser requires. */
function withCrlf(head: Buffer): Buffer {
  return Buffer.from(head.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}
