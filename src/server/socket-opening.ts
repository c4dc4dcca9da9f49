import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { CODEC_HEADER, connectedResponse, FEATURES_HEADER, grantedFeatures, METADATA_FEATURE } from '../connect-wire.js';
import { HeadBuffer, HeadParseError, parseRequestHead, requestPath } from '../http-head.js';
import type { RequestHead } from '../http-head.js';
import { runAuthorize } from './authorize.js';
import type { Authorize } from './authorize.js';
import { peerAddress } from './peer-address.js';
import { classifyFirstBytes } from './plain-detect.js';
import { looksLikeTlsHello, TLS_TO_PLAIN_BODY } from './wrong-transport.js';

/**
 * How a socket the server accepted turns out to open. The first bytes
 * decide; whatever followed them is put back into the socket
 * (`socket.unshift`), so the next reader sees the stream from where this
 * module stopped:
 * - `rpc`: a CONNECT on the RPC path, authorized and answered 200; the
 *   socket now carries `codec`;
 * - `http`: any other request, its head rewritten with CRLF line ends for
 *   Node's HTTP parser;
 * - `plain`: a plain-TCP RPC peer (no HTTP), its codec told by its first
 *   bytes (see plain-detect.ts) or by the listener's pin;
 * - `refused`: to be answered with `status` and closed;
 * - `dropped`: to be closed unanswered (a plain peer the authorize hook
 *   refused: it would not understand an HTTP answer).
 */
export type Opening = RpcOpening | PlainOpening | HttpOpening | RefusedOpening | DroppedOpening;

/** PlainOpening is a socket whose first byte already belongs to `codec` (no HTTP handshake). */
export interface PlainOpening {
  readonly kind: 'plain';
  /** The codec's name; one the server offers. */
  readonly codec: string;
  readonly remoteAddress: string | undefined;
}

/** DroppedOpening is a socket to close without an answer, counted under `reason`. */
export interface DroppedOpening {
  readonly kind: 'dropped';
  readonly reason: 'unauthorized' | 'forbidden';
}

/** RpcOpening is a socket that carries the named codec from its next byte on. */
export interface RpcOpening {
  readonly kind: 'rpc';
  /** The codec's name, lower-cased; one the server offers. */
  readonly codec: string;
  /** The CONNECT request's headers (lower-cased names), for handlers' `ctx.headers`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string | undefined;
  /** The client asked for call context (`Rpc-Features: metadata`) and the answer granted it. */
  readonly callContext: boolean;
}

/** HttpOpening is a plain HTTP request for the server's HTTP routes. */
export interface HttpOpening {
  readonly kind: 'http';
}

/** RefusedOpening is a request to answer with an error status. */
export interface RefusedOpening {
  readonly kind: 'refused';
  readonly status: number;
  readonly body: string;
  /** CRLF-terminated header lines for the answer (`WWW-Authenticate` on a 401). */
  readonly extraHeaders: string;
}

/** OpeningRules are the server's settings that decide how a socket opens. */
export interface OpeningRules {
  /** The RPC path (Go's `/_goRPC_` by default). */
  readonly path: string;
  readonly maxHeadBytes: number;
  /** The codec for a CONNECT that names none. */
  readonly defaultCodec: string;
  /** The codecs the server offers. */
  readonly codecNames: readonly string[];
  readonly authorize: Authorize | undefined;
  /** isClosing reports whether the server stopped taking connections (checked after the authorize hook). */
  readonly isClosing: () => boolean;
  /**
   * Plain-TCP peers: `false` none (every socket is HTTP), `'detect'` told
   * apart from HTTP by their first bytes, or a codec name: the listener
   * is pinned to it, every socket is served with it at once. With an
   * authorize hook a plain peer is served only once the hook allows it.
   */
  readonly plain: false | 'detect' | string;
}

/** OpeningDone receives the outcome; it is not called when the socket closes or the server closes first. */
export type OpeningDone = (opening: Opening) => void;

function refused(status: number, body: string, extraHeaders = ''): RefusedOpening {
  return { kind: 'refused', status, body, extraHeaders };
}

const HTTP: HttpOpening = { kind: 'http' };

/**
 * readOpening reads the first bytes of a fresh socket (an HTTP request
 * head, bare LF line ends accepted as Go writes them, which Node's HTTP
 * parser rejects) within `maxHeadBytes` (the server's deadline for the
 * socket bounds the time) and decides: a CONNECT on the RPC path goes on
 * to {@link answerConnect}, a CONNECT elsewhere is refused 404, a head
 * that is not HTTP 400 and one too large 431, anything else is `http`.
 * First bytes that name a plain-TCP codec (see plain-detect.ts) are put
 * back and the socket goes to {@link answerPlain} when `rules.plain` is
 * `'detect'` and the server offers that codec; otherwise they are refused
 * 400 at once. With a codec name (a pinned listener) nothing is read and
 * every socket goes to answerPlain.
 * A peer that ends its side before the head is complete is destroyed.
 * The socket is left paused.
 */
export function readOpening(socket: Socket, rules: OpeningRules, done: OpeningDone): void {
  if (rules.plain !== false && rules.plain !== 'detect') {
    socket.pause();
    return answerPlain(socket, rules.plain, rules, done);
  }
  new OpeningReader(socket, rules, done);
}

/**
 * OpeningReader is readOpening's state: the head read so far and the
 * socket listeners, removed as soon as the head is complete.
 */
class OpeningReader {
  private readonly head: HeadBuffer;
  private firstChunk = true;
  /** The first bytes while they do not yet tell plain TCP from HTTP; undefined once decided. */
  private undecided: Buffer | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly rules: OpeningRules,
    private readonly done: OpeningDone,
  ) {
    this.head = new HeadBuffer(rules.maxHeadBytes);
    this.undecided = Buffer.alloc(0);
    this.onData = this.onData.bind(this);
    this.onClose = this.onClose.bind(this);
    this.onEnd = this.onEnd.bind(this);
    socket.on('error', this.onClose);
    socket.on('close', this.onClose);
    socket.on('end', this.onEnd);
    socket.on('data', this.onData);
  }

  private stopListening(): void {
    this.socket.removeListener('data', this.onData);
    this.socket.removeListener('close', this.onClose);
    this.socket.removeListener('error', this.onClose);
    this.socket.removeListener('end', this.onEnd);
  }

  /** onEnd: the peer stopped sending before the head ended. */
  private onEnd(): void {
    this.stopListening();
    this.socket.destroy();
  }

  private onClose(): void {
    this.stopListening();
  }

  private onData(chunk: Buffer): void {
    if (this.firstChunk) {
      this.firstChunk = false;
      // A TLS handshake on the plain front is answered at once, so the client fails fast.
      if (looksLikeTlsHello(chunk)) {
        this.stopListening();
        return this.done(refused(400, TLS_TO_PLAIN_BODY));
      }
    }
    if (this.undecided) {
      const first = Buffer.concat([this.undecided, chunk]);
      const verdict = classifyFirstBytes(first, this.rules.maxHeadBytes);
      if (verdict.kind === 'more') {
        this.undecided = first;
        return;
      }
      this.undecided = undefined;
      if (verdict.kind === 'plain') {
        this.stopListening();
        if (this.rules.plain !== 'detect' || !this.rules.codecNames.includes(verdict.codec)) {
          // Answered at once, rather than waiting for an HTTP head that never comes.
          return this.done(refused(400, `plain-TCP RPC (${verdict.codec}) is not served here; use HTTP CONNECT ${this.rules.path}`));
        }
        this.socket.pause();
        this.socket.unshift(first);
        return answerPlain(this.socket, verdict.codec, this.rules, this.done);
      }
      chunk = first;
    }
    const scan = this.head.push(chunk);
    if (scan.state === 'partial') return;
    this.stopListening();
    if (scan.state === 'tooLarge') return this.done(refused(431, 'request head too large'));
    this.socket.pause();
    this.decide(scan.head, scan.rest);
  }

  private decide(headBytes: Buffer, rest: Buffer): void {
    let head: RequestHead;
    try {
      head = parseRequestHead(headBytes);
    } catch (err) {
      if (!(err instanceof HeadParseError)) throw err;
      return this.done(refused(400, `bad request: ${err.message}`));
    }
    if (head.method !== 'CONNECT') {
      this.socket.unshift(Buffer.concat([withCrlf(headBytes), rest]));
      return this.done(HTTP);
    }
    const { path } = this.rules;
    if (requestPath(head.target) !== path) return this.done(refused(404, `no RPC endpoint at ${head.target}; use ${path}`));
    if (rest.length > 0) this.socket.unshift(rest);
    answerConnect(this.socket, head, this.rules, this.done);
  }
}

/** withCrlf rewrites bare-LF line ends of a head to CRLF, which Node's HTTP parser requires. */
function withCrlf(head: Buffer): Buffer {
  return Buffer.from(head.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

function peerSubject(socket: Duplex): Readonly<Record<string, string | string[]>> | undefined {
  const tlsSocket = socket as Partial<TLSSocket>;
  if (typeof tlsSocket.getPeerCertificate !== 'function' || !tlsSocket.authorized) return undefined;
  const cert = tlsSocket.getPeerCertificate();
  return cert && cert.subject ? (cert.subject as unknown as Record<string, string | string[]>) : undefined;
}

/**
 * answerPlain finishes a plain-TCP opening: without an authorize hook the
 * outcome is `plain` at once; with one, the hook sees no headers, the
 * peer's address, path `""` and the TLS client certificate subject when
 * there is one, and a refusal is `dropped` (unanswered: the peer speaks
 * no HTTP). The socket stays paused; when it closed or the server began
 * closing meanwhile it is destroyed instead.
 */
export function answerPlain(socket: Duplex, codec: string, rules: OpeningRules, done: OpeningDone): void {
  const remoteAddress = peerAddress(socket);
  const proceed = (): void => {
    if (rules.isClosing() || socket.destroyed) {
      socket.destroy();
      return;
    }
    done({ kind: 'plain', codec, remoteAddress });
  };
  const authorize = rules.authorize;
  if (!authorize) return proceed();
  const request = { headers: {}, remoteAddress, path: '', peerCertificateSubject: peerSubject(socket) };
  runAuthorize(authorize, request, (refusal) => {
    if (!refusal) return proceed();
    if (socket.destroyed) return;
    done({ kind: 'dropped', reason: refusal.status === 401 ? 'unauthorized' : 'forbidden' });
  });
}

/** ConnectHead is the part of a CONNECT request on the RPC path that deciding needs. */
export type ConnectHead = Pick<RequestHead, 'target' | 'headers'>;

/**
 * answerConnect finishes a CONNECT on the RPC path, read by readOpening
 * or by a Node http.Server: a request the authorize hook refuses is
 * refused 401/403 (before any codec byte is read: the socket stays
 * paused), then a codec the server does not offer 415 (so only an
 * authorized peer learns which codecs are offered); otherwise Go's 200
 * line (with an `Rpc-Codec` confirmation when the request named a codec,
 * and `Rpc-Features` granting what it asked for of SERVER_FEATURES) is
 * written and the outcome is `rpc`. When the socket closed or the
 * server began closing meanwhile, the socket is destroyed instead.
 */
export function answerConnect(socket: Duplex, head: ConnectHead, rules: OpeningRules, done: OpeningDone): void {
  const requested = head.headers[CODEC_HEADER];
  const codec = (requested ?? rules.defaultCodec).toLowerCase();
  const remoteAddress = peerAddress(socket);
  const proceed = (): void => {
    if (rules.isClosing() || socket.destroyed) {
      socket.destroy();
      return;
    }
    if (!rules.codecNames.includes(codec)) {
      return done(refused(415, `unsupported codec ${JSON.stringify(codec)}; this server offers: ${rules.codecNames.join(', ')}`));
    }
    const features = grantedFeatures(head.headers[FEATURES_HEADER]);
    socket.write(connectedResponse(requested === undefined ? undefined : codec, features));
    done({ kind: 'rpc', codec, headers: head.headers, remoteAddress, callContext: features.includes(METADATA_FEATURE) });
  };
  const authorize = rules.authorize;
  if (!authorize) return proceed();
  const request = { headers: head.headers, remoteAddress, path: head.target, peerCertificateSubject: peerSubject(socket) };
  runAuthorize(authorize, request, (refusal) => {
    if (!refusal) return proceed();
    if (socket.destroyed) return;
    done(refused(refusal.status, refusal.message, refusal.status === 401 ? 'WWW-Authenticate: Bearer\r\n' : ''));
  });
}
