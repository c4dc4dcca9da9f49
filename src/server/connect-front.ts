import type http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { ErrorCode, RpcError } from '../errors.js';
import { requestPath } from '../http-head.js';
import { fromListenError } from '../node-errors.js';
import { flattenHeaders } from './flatten-headers.js';
import { createHttpFallback } from './http-fallback.js';
import type { HttpRoute } from './http-fallback.js';
import type { ResolvedServerOptions } from './options.js';
import { refuseSocket } from './refuse-socket.js';
import type { ServerTelemetry } from './server-telemetry.js';
import { answerConnect, readOpening } from './socket-opening.js';
import type { Opening, OpeningRules, PlainOpening, RpcOpening } from './socket-opening.js';
import { SocketPhases } from './socket-phases.js';
import type { OpenSockets } from './socket-phases.js';
import { TlsFront } from './tls-front.js';

/** ListenOptions say where {@link ConnectFront.listen} (and so `Server.listen`) binds. */
export interface ListenOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Host or address; default `127.0.0.1`. */
  readonly host?: string;
  /** A Unix socket path to listen on instead of a TCP port. */
  readonly path?: string;
  /**
   * Plain-TCP peers on this listener: a codec name pins it (every socket
   * speaks that codec from its first byte, no HTTP, no detection), false
   * serves HTTP only. Default: the server's `plain` option.
   */
  readonly plain?: false | string;
}

/** FrontHost is what the front needs from its server: settings, state, and where RPC sockets go. */
export interface FrontHost {
  /** The server's options, defaults filled in. */
  readonly options: ResolvedServerOptions;
  /** Where refusals are counted and logged. */
  readonly telemetry: ServerTelemetry;
  /** True once the drain started: new sockets are refused. */
  readonly draining: boolean;
  /** Open RPC connections; each takes a maxConnections slot. */
  readonly connectionCount: number;
  /** serveRpc takes over a socket whose opening asked for RPC (a CONNECT, or plain TCP); the front holds it no longer. */
  serveRpc(socket: Duplex, opening: RpcOpening | PlainOpening): void;
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}

/**
 * ConnectFront is the server's front door: it accepts sockets (its own TCP
 * listener, optionally behind TLS; sockets handed in; CONNECTs of a Node
 * http.Server), bounds them by maxConnections with a deadline per phase,
 * reads how each opens, and hands RPC sockets to its host, plain HTTP
 * requests to the HTTP routes, and answers refusals.
 */
export class ConnectFront {
  /** Every socket the front holds outside an RPC connection, each with its deadline. */
  private readonly phases = new SocketPhases();
  private readonly routes: HttpRoute[] = [];
  /** Answers what is not CONNECT; it never listens, so the front bounds its sockets. */
  private readonly httpFallback: http.Server;
  private netServer: net.Server | undefined;
  private tlsFront: TlsFront | undefined;
  /** The opening rules of the listener (its plain-TCP pin), set by listen(). */
  private listenerRules: OpeningRules;

  /** `rules` decide how a socket opens (see socket-opening.ts). */
  constructor(private readonly host: FrontHost, private readonly rules: OpeningRules) {
    this.httpFallback = createHttpFallback(this.routes);
    this.listenerRules = rules;
  }

  /** addHttpRoute adds a handler for non-CONNECT requests, tried before the 405 answer. */
  addHttpRoute(route: HttpRoute): void {
    this.routes.push(route);
  }

  /**
   * listen binds the front's own TCP listener and resolves with the bound
   * address. With the `tls` option every socket is counted and given its
   * deadline before its TLS handshake starts. It rejects with RPC_LISTEN
   * when the address cannot be bound (Node's error as `cause`), after
   * which it may be called again; with RPC_INVALID_ARGUMENT when already
   * listening or pinned to a codec the server does not offer. On a Unix
   * socket (`path`) it resolves with `{ address: path, family: 'unix',
   * port: 0 }`. Plain-TCP peers are served as the `plain` option and the
   * listener's pin say (ListenOptions).
   */
  listen(options: ListenOptions | number = {}): Promise<AddressInfo> {
    const { port = 0, host = '127.0.0.1', path: socketPath, plain } = typeof options === 'number' ? { port: options } : options;
    if (this.netServer) return Promise.reject(new RpcError(ErrorCode.InvalidArgument, 'rpc: server is already listening'));
    if (typeof plain === 'string' && !this.rules.codecNames.includes(plain)) {
      return Promise.reject(new RpcError(ErrorCode.InvalidArgument, `rpc: cannot pin the listener to codec ${plain}: this server offers ${this.rules.codecNames.join(', ')}`));
    }
    this.listenerRules = plain === undefined ? this.rules : { ...this.rules, plain };
    const { tls: tlsOptions, handshakeTimeoutMs } = this.host.options;
    if (tlsOptions) this.tlsFront = new TlsFront(tlsOptions, handshakeTimeoutMs, (secure, raw) => this.secured(secure, raw));
    const netServer = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
    this.netServer = netServer;
    return new Promise((resolve, reject) => {
      const fail = (err: Error): void => {
        this.netServer = undefined;
        reject(fromListenError(err, socketPath ?? host, socketPath === undefined ? port : undefined));
      };
      const listening = (): void => {
        netServer.removeListener('error', fail);
        const bound = netServer.address();
        resolve(typeof bound === 'string' ? { address: bound, family: 'unix', port: 0 } : (bound as AddressInfo));
      };
      netServer.once('error', fail);
      if (socketPath !== undefined) netServer.listen(socketPath, listening);
      else netServer.listen(port, host, listening);
    });
  }

  /** address is where listen() bound, or null before that. */
  get address(): AddressInfo | null {
    return (this.netServer?.address() as AddressInfo | null | undefined) ?? null;
  }

  /** handleSocket reads and routes the request head of a plain socket accepted elsewhere. */
  handleSocket(socket: Socket): void {
    if (this.admit(socket, true)) this.readHead(socket, this.host.options.handshakeTimeoutMs);
  }

  /**
   * attach serves CONNECT requests for the RPC path on an existing Node
   * http.Server (its 'connect' event); a CONNECT for another path is
   * answered 404 when no other 'connect' listener is there. Returns a
   * function that detaches.
   */
  attach(httpServer: http.Server): () => void {
    const onConnect = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
      if (requestPath(req.url ?? '') !== this.rules.path) {
        if (httpServer.listenerCount('connect') === 1) {
          socket.on('error', destroyOnError);
          this.refuse(socket, 404, `no RPC endpoint at ${req.url}`);
        }
        return;
      }
      if (!this.admit(socket, true)) return;
      (socket as Socket).setNoDelay?.(true);
      socket.pause();
      this.phases.enter(socket, 'head', this.host.options.handshakeTimeoutMs);
      if (head.length > 0) socket.unshift(head);
      answerConnect(socket, { target: req.url ?? '', headers: flattenHeaders(req.headers) }, this.rules, (opening) => this.opened(socket, opening));
    };
    httpServer.on('connect', onConnect);
    return () => httpServer.removeListener('connect', onConnect);
  }

  /** openSockets counts the front's sockets by phase, plus the host's `rpc` connections. */
  openSockets(rpc: number): OpenSockets {
    const p = this.phases;
    const counts = { tls: p.count('tls'), head: p.count('head'), refused: p.count('refused') + p.count('overflow'), http: p.count('http'), rpc };
    return { ...counts, total: counts.tls + counts.head + counts.refused + counts.http + counts.rpc };
  }

  /**
   * close stops the listener (if any) and destroys every socket the front
   * holds; it resolves once the listener has closed. RPC connections
   * already handed to the host are not touched.
   */
  close(): Promise<void> {
    const netServer = this.netServer;
    const listening = netServer ? new Promise<void>((resolve) => netServer.close(() => resolve())) : Promise.resolve();
    this.phases.destroyAll();
    return listening;
  }

  private accept(socket: Socket): void {
    if (!this.tlsFront) {
      if (this.admit(socket, true)) this.readHead(socket, this.host.options.handshakeTimeoutMs, this.listenerRules);
      return;
    }
    if (!this.admit(socket, false)) return;
    this.phases.enter(socket, 'tls', this.host.options.handshakeTimeoutMs);
    this.tlsFront.start(socket);
  }

  /** secured: a TLS handshake finished; the head gets what is left of the socket's deadline. */
  private secured(secure: TLSSocket, raw: Socket): void {
    const left = this.phases.remaining(raw);
    this.phases.release(raw);
    if (this.host.draining || left === 0) {
      secure.destroy();
      return;
    }
    this.readHead(secure, left, this.listenerRules);
  }

  private readHead(socket: Socket, ms: number, rules = this.rules): void {
    socket.setNoDelay?.(true);
    this.phases.enter(socket, 'head', ms);
    readOpening(socket, rules, (opening) => this.opened(socket, opening));
  }

  /**
   * opened acts on how a socket turned out to open: an RPC connection is
   * handed to the host, an HTTP request goes to the HTTP routes (answered
   * and closed within handshakeTimeoutMs), a refusal is answered.
   */
  private opened(socket: Duplex, opening: Opening): void {
    switch (opening.kind) {
      case 'rpc':
      case 'plain':
        this.phases.release(socket);
        this.host.serveRpc(socket, opening);
        return;
      case 'dropped':
        this.phases.release(socket);
        this.host.telemetry.refused(socket as Socket, undefined, '', opening.reason);
        socket.destroy();
        return;
      case 'http':
        this.phases.enter(socket, 'http', this.host.options.handshakeTimeoutMs);
        this.httpFallback.emit('connection', socket);
        socket.resume();
        return;
      case 'refused':
        this.refuse(socket, opening.status, opening.body, opening.extraHeaders);
        return;
    }
  }

  /**
   * admit takes a new socket if a slot is free (every socket the front
   * holds and every RPC connection takes one). Past the limit it is
   * answered 503, or destroyed when it cannot be answered (before TLS) or
   * when as many 503s as slots are still waiting for their peers.
   */
  private admit(socket: Duplex, canAnswer: boolean): boolean {
    socket.on('error', destroyOnError);
    const { telemetry } = this.host;
    if (this.host.draining) {
      telemetry.refused(socket, undefined, '', 'draining');
      socket.destroy();
      return false;
    }
    const { maxConnections } = this.host.options;
    const overflow = this.phases.count('overflow');
    if (this.phases.size - overflow + this.host.connectionCount < maxConnections) return true;
    if (canAnswer && overflow < maxConnections) this.refuse(socket, 503, `too many connections (limit ${maxConnections})`, '', 'overflow');
    else {
      telemetry.refused(socket as Socket, undefined, '', 'overflow');
      socket.destroy();
    }
    return false;
  }

  /** refuse answers with an error and destroys the socket within lingerMs, whatever the peer does. */
  private refuse(socket: Duplex, status: number, body: string, extraHeaders = '', phase: 'refused' | 'overflow' = 'refused'): void {
    this.host.telemetry.refused(socket as Socket, status, body);
    this.phases.enter(socket, phase, this.host.options.lingerMs);
    refuseSocket(socket as Socket, status, body, extraHeaders);
  }
}
