import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { HandshakeError } from '../errors.js';
import { findHeadEnd, HeadParseError, parseStatusHead } from '../http-head.js';
import type { StatusHead } from '../http-head.js';
import { fromSocketError } from '../node-errors.js';

const ERROR_BODY_WAIT_MS = 300;
const ERROR_BODY_MAX = 1024;

/** ExchangeResult is a 200 answer and the bytes that followed its head. */
export interface ExchangeResult {
  readonly response: StatusHead;
  readonly rest: Buffer;
}

/**
 * exchangeHead writes an HTTP request head on a connected socket and
 * reads the response head itself (accepting bare LF, as Go's servers
 * send). It resolves on a 200 with the bytes that followed the head, and
 * rejects with a HandshakeError carrying the status line and the start of
 * the body for any other status, a HandshakeError for an answer that is
 * not HTTP or a head over `maxHeadBytes`, and RPC_CONNECTION_LOST when the
 * socket fails. `what` names the request in messages (`CONNECT /_goRPC_`).
 * The socket is paused and its listeners removed when this settles.
 */
export function exchangeHead(socket: Duplex, head: string, what: string, maxHeadBytes: number): Promise<ExchangeResult> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let failedHead: StatusHead | undefined;
    let bodyStart = 0;

    function cleanup(): void {
      socket.removeListener('data', onData);
      socket.removeListener('error', onError);
      socket.removeListener('end', onEnd);
      socket.removeListener('close', onEnd);
    }
    function fail(err: Error): void {
      if (settled) return;
      settled = true;
      cleanup();
      socket.destroy();
      reject(err);
    }
    function failWithStatus(): void {
      const h = failedHead!;
      const body = Buffer.concat(chunks, size).subarray(bodyStart, bodyStart + ERROR_BODY_MAX).toString('utf8').trim();
      fail(new HandshakeError(`rpc: ${what} answered ${h.statusLine}${body ? `: ${body}` : ''}`, h.statusCode, h.statusLine));
    }
    function onData(chunk: Buffer): void {
      chunks.push(chunk);
      size += chunk.length;
      if (failedHead) {
        if (size - bodyStart >= ERROR_BODY_MAX) failWithStatus();
        return;
      }
      const buf = Buffer.concat(chunks, size);
      chunks = [buf];
      const end = findHeadEnd(buf);
      if (end === -1) {
        if (size > maxHeadBytes) fail(new HandshakeError(`rpc: answer to ${what} has a head over ${maxHeadBytes} bytes`));
        return;
      }
      let response: StatusHead;
      try {
        response = parseStatusHead(buf.subarray(0, end));
      } catch (err) {
        if (!(err instanceof HeadParseError)) throw err;
        fail(new HandshakeError(`rpc: unexpected answer to ${what}: ${err.message}`));
        return;
      }
      if (response.statusCode !== 200) {
        failedHead = response;
        bodyStart = end;
        setTimeout(failWithStatus, ERROR_BODY_WAIT_MS).unref();
        return;
      }
      settled = true;
      cleanup();
      socket.pause();
      resolve({ response, rest: buf.subarray(end) });
    }
    function onEnd(): void {
      if (failedHead) failWithStatus();
      else fail(new HandshakeError(`rpc: connection closed during ${what}`));
    }
    function onError(err: Error): void {
      fail(fromSocketError(err, 'io'));
    }
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
    (socket as Partial<Socket>).resume?.();
    socket.write(head);
  });
}
