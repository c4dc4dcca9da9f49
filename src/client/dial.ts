import net from 'node:net';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import { ErrorCode, HandshakeError, RpcError } from '../errors.js';
import { CODEC_HEADER, findHeadEnd, HeadParseError, parseStatusHead } from '../handshake.js';
import type { StatusHead } from '../handshake.js';
import { fromSocketError } from '../node-errors.js';

/** Endpoint is a parsed dial address. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** Path from an `http://host:port/path` address, if it had one. */
  readonly path: string | undefined;
  /** True for an `https://` address: dial with TLS. */
  readonly secure: boolean;
}

/**
 * parseAddress accepts `host:port`, `[v6]:port`, `:port` (localhost) and
 * `http://host:port[/path]` or `https://host:port[/path]` (TLS).
 * Throws RpcError (RPC_INVALID_ARGUMENT).
 */
export function parseAddress(address: string): Endpoint {
  let rest = address.trim();
  let path: string | undefined;
  const secure = /^https:\/\//i.test(rest);
  if (secure || /^http:\/\//i.test(rest)) {
    let url: URL;
    try {
      url = new URL(rest);
    } catch {
      throw new RpcError(ErrorCode.InvalidArgument, `rpc: invalid address ${JSON.stringify(address)}; want host:port`);
    }
    if (url.pathname !== '/') path = url.pathname;
    rest = url.port ? url.host : `${url.host}:${secure ? 443 : 80}`;
  }
  const m = /^(?:\[([^\]]+)\]|([^:/]*)):(\d{1,5})$/.exec(rest);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new RpcError(ErrorCode.InvalidArgument, `rpc: invalid address ${JSON.stringify(address)}; want host:port`);
  }
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port, path, secure };
}

/** HandshakeResult is a socket whose CONNECT succeeded. */
export interface HandshakeResult {
  readonly socket: Socket;
  readonly response: StatusHead;
  /** Bytes after the response head: the first codec bytes. */
  readonly rest: Uint8Array;
}

/** ConnectRequest describes the CONNECT to send. */
export interface ConnectRequest {
  readonly endpoint: Endpoint;
  readonly path: string;
  readonly codecName: string;
  /** Send the Rpc-Codec header (false when speaking gob to a stock Go server is all that is wanted). */
  readonly sendCodecHeader: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxHeadBytes: number;
  /** Dial with TLS using these options (undefined: plain TCP). */
  readonly tls?: ConnectionOptions;
}

const ERROR_BODY_WAIT_MS = 300;
const ERROR_BODY_MAX = 1024;

/**
 * connectHTTP opens a TCP connection, sends `CONNECT <path> HTTP/1.0`
 * (CRLF) and reads the response head itself, accepting bare LF as Go's
 * servers send it. It resolves once a 200 arrived and rejects with a
 * HandshakeError carrying the status line (and a short body) otherwise,
 * with RPC_CONNECT when the host cannot be reached, and with RPC_TIMEOUT
 * when the whole exchange takes longer than `timeoutMs`.
 */
export function connectHTTP(req: ConnectRequest): Promise<HandshakeResult> {
  return new Promise((resolve, reject) => {
    const { host, port } = req.endpoint;
    const socket = req.tls
      ? tls.connect({ servername: net.isIP(host) ? undefined : host, ...req.tls, host, port }).setNoDelay(true)
      : net.connect({ host, port, noDelay: true });
    let connected = false;
    let chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let failedHead: StatusHead | undefined;
    let bodyStart = 0;

    const timer = setTimeout(() => fail(new RpcError(ErrorCode.Timeout, `rpc: CONNECT to ${req.endpoint.host}:${req.endpoint.port} timed out after ${req.timeoutMs} ms`)), req.timeoutMs);

    function cleanup(): void {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('error', onError);
      socket.removeListener('end', onEnd);
      socket.removeListener(req.tls ? 'secureConnect' : 'connect', onConnect);
    }
    function fail(err: RpcError): void {
      if (settled) return;
      settled = true;
      cleanup();
      socket.destroy();
      reject(err);
    }
    function failWithStatus(): void {
      const head = failedHead!;
      const all = Buffer.concat(chunks, size);
      const body = all.subarray(bodyStart, bodyStart + ERROR_BODY_MAX).toString('utf8').trim();
      fail(new HandshakeError(`rpc: CONNECT ${req.path} answered ${head.statusLine}${body ? `: ${body}` : ''}`, head.statusCode, head.statusLine));
    }
    function onConnect(): void {
      connected = true;
      let head = `CONNECT ${req.path} HTTP/1.0\r\nHost: ${req.endpoint.host}:${req.endpoint.port}\r\n`;
      if (req.sendCodecHeader) head += `Rpc-Codec: ${req.codecName}\r\n`;
      for (const [k, v] of Object.entries(req.headers)) head += `${k}: ${v}\r\n`;
      socket.write(head + '\r\n');
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
        if (size > req.maxHeadBytes) fail(new HandshakeError(`rpc: CONNECT response head exceeds ${req.maxHeadBytes} bytes`));
        return;
      }
      let response: StatusHead;
      try {
        response = parseStatusHead(buf.subarray(0, end));
      } catch (err) {
        if (!(err instanceof HeadParseError)) throw err;
        fail(new HandshakeError(`rpc: unexpected answer to CONNECT: ${err.message}`));
        return;
      }
      if (response.statusCode !== 200) {
        failedHead = response;
        bodyStart = end;
        setTimeout(failWithStatus, ERROR_BODY_WAIT_MS).unref();
        return;
      }
      const confirmed = response.headers[CODEC_HEADER];
      if (confirmed !== undefined && confirmed.toLowerCase() !== req.codecName) {
        fail(new HandshakeError(`rpc: asked for codec ${req.codecName} but the server chose ${confirmed}`, 200, response.statusLine));
        return;
      }
      settled = true;
      cleanup();
      socket.pause();
      resolve({ socket, response, rest: buf.subarray(end) });
    }
    function onEnd(): void {
      if (failedHead) failWithStatus();
      else fail(new HandshakeError('rpc: connection closed during CONNECT'));
    }
    function onError(err: Error): void {
      fail(fromSocketError(err, connected ? 'io' : 'dial'));
    }
    socket.on(req.tls ? 'secureConnect' : 'connect', onConnect);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
  });
}
