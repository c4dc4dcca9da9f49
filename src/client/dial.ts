import net from 'node:net';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import { ErrorCode, HandshakeError, RpcError } from '../errors.js';
import { CODEC_HEADER } from '../connect-wire.js';
import type { StatusHead } from '../http-head.js';
import { fromSocketError } from '../node-errors.js';
import { timerDelay } from '../timer-delay.js';
import type { Endpoint } from './address.js';
import { exchangeHead } from './http-exchange.js';
import { proxyConnectHead, proxyFor } from './proxy.js';

export { parseAddress } from './address.js';
export type { Endpoint } from './address.js';

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
  /** Forward proxy: a URL, false for none, undefined to follow HTTP(S)_PROXY / NO_PROXY. */
  readonly proxy?: string | false;
}

/** openTcp connects to host:port and resolves once connected. */
function openTcp(host: string, port: number, track: (s: Socket) => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true });
    track(socket);
    const onError = (err: Error): void => reject(fromSocketError(err, 'dial'));
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });
}

/** startTls runs a TLS handshake over a connected socket (or dials directly). */
function startTls(endpoint: Endpoint, options: ConnectionOptions, over: Socket | undefined, track: (s: Socket) => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const { host, port } = endpoint;
    const socket = tls.connect({ servername: net.isIP(host) ? undefined : host, ...options, ...(over ? { socket: over } : { host, port }) });
    socket.setNoDelay(true);
    track(socket);
    const onError = (err: Error): void => reject(fromSocketError(err, 'dial'));
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });
}

async function handshake(req: ConnectRequest, track: (s: Socket) => void): Promise<HandshakeResult> {
  const { endpoint } = req;
  const proxy = proxyFor(endpoint, req.proxy);
  let socket: Socket | undefined;
  if (proxy) {
    const proxyPort = Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80);
    const tunnel = await openTcp(proxy.hostname.replace(/^\[|\]$/g, ''), proxyPort, track);
    const { rest } = await exchangeHead(tunnel, proxyConnectHead(endpoint, proxy), `proxy CONNECT to ${endpoint.host}:${endpoint.port} via ${proxy.host}`, req.maxHeadBytes);
    if (rest.length > 0) throw new HandshakeError('rpc: the proxy sent bytes before the tunnel was used');
    socket = tunnel;
  }
  if (req.tls) socket = await startTls(endpoint, req.tls, socket, track);
  socket ??= await openTcp(endpoint.host, endpoint.port, track);
  let head = `CONNECT ${req.path} HTTP/1.0\r\nHost: ${endpoint.host}:${endpoint.port}\r\n`;
  if (req.sendCodecHeader) head += `Rpc-Codec: ${req.codecName}\r\n`;
  for (const [k, v] of Object.entries(req.headers)) head += `${k}: ${v}\r\n`;
  const { response, rest } = await exchangeHead(socket, `${head}\r\n`, `CONNECT ${req.path}`, req.maxHeadBytes);
  const confirmed = response.headers[CODEC_HEADER];
  if (confirmed !== undefined && confirmed.toLowerCase() !== req.codecName) {
    socket.destroy();
    throw new HandshakeError(`rpc: asked for codec ${req.codecName} but the server chose ${confirmed}`, 200, response.statusLine);
  }
  return { socket, response, rest };
}

/**
 * connectHTTP opens a connection (through an HTTP forward proxy's CONNECT
 * tunnel when one applies, and with TLS when asked), sends
 * `CONNECT <path> HTTP/1.0` (CRLF) and reads the response head itself,
 * accepting bare LF as Go's servers send it. It resolves once a 200
 * arrived and rejects with a HandshakeError carrying the status line (and
 * a short body) otherwise, with RPC_CONNECT when the host or proxy cannot
 * be reached or TLS fails, and with RPC_TIMEOUT when the whole exchange
 * takes longer than `timeoutMs`.
 */
export function connectHTTP(req: ConnectRequest): Promise<HandshakeResult> {
  const sockets: Socket[] = [];
  const track = (s: Socket): void => void sockets.push(s);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      for (const s of sockets) s.destroy();
      reject(new RpcError(ErrorCode.Timeout, `rpc: CONNECT to ${req.endpoint.host}:${req.endpoint.port} timed out after ${req.timeoutMs} ms`));
    }, timerDelay(req.timeoutMs));
  });
  const attempt = handshake(req, track).catch((err: unknown) => {
    for (const s of sockets) s.destroy();
    throw err;
  });
  attempt.catch(() => undefined); // when the timeout wins, the attempt's failure is expected
  return Promise.race([attempt, timeout]).finally(() => clearTimeout(timer));
}
