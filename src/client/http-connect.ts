import net from 'node:net';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import { CODEC_HEADER, FEATURES_HEADER, METADATA_FEATURE, parseFeatures } from '../connect-wire.js';
import { ErrorCode, HandshakeError, RpcError } from '../errors.js';
import { HeadBuffer, HeadParseError, parseStatusHead } from '../http-head.js';
import type { StatusHead } from '../http-head.js';
import { fromSocketError } from '../node-errors.js';
import { timerDelay } from '../timer-delay.js';
import type { Endpoint } from './address.js';
import { proxyConnectHead, proxyFor } from './proxy.js';
import { untilAborted } from '../abort.js';
import { classifyDialFailure } from './dial-failure.js';

/** How long a refused CONNECT waits for the start of its error body, and how much of it is kept. */
const ERROR_BODY_WAIT_MS = 300;
const ERROR_BODY_MAX = 1024;

/** TransportOptions say how to reach an endpoint: directly or through a proxy tunnel, with TLS or without. */
export interface TransportOptions {
  readonly endpoint: Endpoint;
  /** Dial with TLS using these options (undefined: plain TCP). */
  readonly tls?: ConnectionOptions;
  /** Forward proxy: a URL, false for none, undefined to follow HTTP(S)_PROXY / NO_PROXY. */
  readonly proxy?: string | false;
  /** Largest proxy answer head accepted. */
  readonly maxHeadBytes: number;
}

/** ConnectRequest describes the RPC CONNECT to send once the transport is open. */
export interface ConnectRequest extends TransportOptions {
  readonly path: string;
  /** The codec asked for in the `Rpc-Codec` header. */
  readonly codecName: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Time allowed for the transport and the exchange together. */
  readonly timeoutMs: number;
  /** Give up when this fires: reject at once with RPC_ABORTED and close the sockets. */
  readonly signal?: AbortSignal;
}

/** ConnectedSocket is a socket whose CONNECT was answered 200; its next byte is the codec's. */
export interface ConnectedSocket {
  readonly socket: Socket;
  /**
   * True when the server confirmed the requested codec (`Rpc-Codec`, as
   * netrpc servers do); false when it said nothing about it (a Go server,
   * which speaks gob whatever was asked).
   */
  readonly codecConfirmed: boolean;
  /** The extensions the answer granted (`Rpc-Features`); none from a server that does not know them. */
  readonly features: readonly string[];
}

/** Track is told of every socket a dial opens, so a timeout can destroy them all. */
export type Track = (socket: Socket) => void;

/** openTcp connects to host:port and resolves once connected. */
function openTcp(host: string, port: number, track: Track): Promise<Socket> {
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
function startTls(endpoint: Endpoint, options: ConnectionOptions, over: Socket | undefined, track: Track): Promise<Socket> {
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

/**
 * openTransport opens a byte stream to the endpoint: through an HTTP
 * forward proxy's CONNECT tunnel when one applies (see proxyFor), then
 * with TLS when asked, else plain TCP. What runs over the stream (an RPC
 * CONNECT, or a codec directly) is the caller's choice.
 */
export async function openTransport(options: TransportOptions, track: Track): Promise<Socket> {
  const { endpoint } = options;
  const proxy = proxyFor(endpoint, options.proxy);
  let socket: Socket | undefined;
  if (proxy) {
    const proxyPort = Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80);
    const tunnel = await openTcp(proxy.hostname.replace(/^\[|\]$/g, ''), proxyPort, track);
    const what = `proxy CONNECT to ${endpoint.host}:${endpoint.port} via ${proxy.host}`;
    const { rest } = await exchangeHead(tunnel, proxyConnectHead(endpoint, proxy), what, options.maxHeadBytes);
    if (rest.length > 0) throw new HandshakeError('rpc: the proxy sent bytes before the tunnel was used');
    socket = tunnel;
  }
  if (options.tls) socket = await startTls(endpoint, options.tls, socket, track);
  return socket ?? openTcp(endpoint.host, endpoint.port, track);
}

/**
 * REQUESTED_FEATURES is what every CONNECT asks for (`Rpc-Features`): a
 * server that does not know the header ignores it and grants nothing.
 */
const REQUESTED_FEATURES = `Rpc-Features: ${METADATA_FEATURE}\r\n`;

/**
 * connectRpc sends `CONNECT <path> HTTP/1.0` (CRLF) with `Rpc-Codec` and
 * `Rpc-Features` headers on an open transport and reads the answer. The bytes that came
 * after the answer's head are put back into the socket (`unshift`), so
 * the codec reads them first. A server that confirms a different codec
 * than the one asked for is an error.
 */
async function connectRpc(socket: Socket, req: ConnectRequest): Promise<ConnectedSocket> {
  const { endpoint } = req;
  let head = `CONNECT ${req.path} HTTP/1.0\r\nHost: ${endpoint.host}:${endpoint.port}\r\nRpc-Codec: ${req.codecName}\r\n${REQUESTED_FEATURES}`;
  for (const [k, v] of Object.entries(req.headers)) head += `${k}: ${v}\r\n`;
  const { response, rest } = await exchangeHead(socket, `${head}\r\n`, `CONNECT ${req.path}`, req.maxHeadBytes);
  const confirmed = response.headers[CODEC_HEADER];
  if (confirmed !== undefined && confirmed.toLowerCase() !== req.codecName) {
    socket.destroy();
    throw new HandshakeError(`rpc: asked for codec ${req.codecName} but the server chose ${confirmed}`, 200, response.statusLine);
  }
  if (rest.length > 0) socket.unshift(rest);
  return { socket, codecConfirmed: confirmed !== undefined, features: parseFeatures(response.headers[FEATURES_HEADER]) };
}

/**
 * connectHTTP opens the transport (see openTransport) and runs the RPC
 * CONNECT over it, reading the answer itself so Go's bare-LF answer is
 * accepted. It resolves once a 200 arrived and rejects with a
 * HandshakeError carrying the status line (and a short body) otherwise,
 * with RPC_CONNECT when the host or proxy cannot be reached or TLS fails,
 * with RPC_TIMEOUT when the whole exchange takes longer than `timeoutMs`,
 * and with RPC_ABORTED as soon as `signal` fires. A wrong transport (TLS
 * to a plain server, plain to a TLS one) is named as such (see
 * classifyDialFailure).
 */
export function connectHTTP(req: ConnectRequest): Promise<ConnectedSocket> {
  const what = `CONNECT to ${req.endpoint.host}:${req.endpoint.port}`;
  const failed = { endpoint: req.endpoint, tls: req.tls !== undefined };
  return withinDeadline(what, req, async (track) => connectRpc(await openTransport(req, track), req), (err) => classifyDialFailure(err, failed));
}

/** DialLimits bound one dial: a deadline, and a signal that gives up at once. */
interface DialLimits {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * withinDeadline runs a dial that may open several sockets and rejects
 * with RPC_TIMEOUT when it takes longer than `timeoutMs`, with RPC_ABORTED
 * (marked unsent) as soon as `signal` fires, and with `explain(err)` when
 * the attempt fails; on a timeout, an abort or a failure every socket it
 * opened is destroyed.
 */
export function withinDeadline<T>(what: string, limits: DialLimits, attempt: (track: Track) => Promise<T>, explain: (err: unknown) => unknown): Promise<T> {
  const sockets: Socket[] = [];
  const track: Track = (s) => void sockets.push(s);
  const destroyAll = (): void => sockets.forEach((s) => s.destroy());
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      destroyAll();
      reject(new RpcError(ErrorCode.Timeout, `rpc: ${what} timed out after ${limits.timeoutMs} ms`));
    }, timerDelay(limits.timeoutMs));
  });
  const attempted = attempt(track).catch((err: unknown) => {
    destroyAll();
    throw explain(err);
  });
  attempted.catch(() => undefined); // when the timeout wins, the attempt's failure is expected
  return untilAborted(Promise.race([attempted, timeout]), what, limits.signal, destroyAll, true).finally(() => clearTimeout(timer));
}

/** ExchangeResult is a 200 answer and the bytes that followed its head. */
interface ExchangeResult {
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
function exchangeHead(socket: Socket, head: string, what: string, maxHeadBytes: number): Promise<ExchangeResult> {
  return new Promise((resolve, reject) => {
    const reader = new HeadBuffer(maxHeadBytes);
    let settled = false;
    let failedHead: StatusHead | undefined;
    const body: Buffer[] = [];
    let bodySize = 0;

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
      const text = Buffer.concat(body, bodySize).subarray(0, ERROR_BODY_MAX).toString('utf8').trim();
      fail(new HandshakeError(`rpc: ${what} answered ${h.statusLine}${text ? `: ${text}` : ''}`, h.statusCode, h.statusLine));
    }
    function keepBody(chunk: Buffer): void {
      body.push(chunk);
      bodySize += chunk.length;
      if (bodySize >= ERROR_BODY_MAX) failWithStatus();
    }
    function onData(chunk: Buffer): void {
      if (failedHead) return keepBody(chunk);
      const scan = reader.push(chunk);
      if (scan.state === 'partial') return;
      if (scan.state === 'tooLarge') return fail(new HandshakeError(`rpc: answer to ${what} has a head over ${maxHeadBytes} bytes`));
      let response: StatusHead;
      try {
        response = parseStatusHead(scan.head);
      } catch (err) {
        if (!(err instanceof HeadParseError)) throw err;
        return fail(new HandshakeError(`rpc: unexpected answer to ${what}: ${err.message}`));
      }
      if (response.statusCode !== 200) {
        failedHead = response;
        setTimeout(failWithStatus, ERROR_BODY_WAIT_MS).unref();
        return keepBody(scan.rest);
      }
      settled = true;
      cleanup();
      socket.pause();
      resolve({ response, rest: scan.rest });
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
    socket.resume();
    socket.write(head);
  });
}
