import { EventEmitter } from 'node:events';
import type http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { builtinCodecs } from '../codec/builtin.js';
import { isBoundService, isContract } from '../contract/contract.js';
import type { BoundService, ServiceContract, ServiceImpl } from '../contract/contract.js';
import { contractHandlers } from '../contract/contract-handlers.js';
import type { Codec } from '../codec/codec.js';
import { ErrorCode, RpcError } from '../errors.js';
import { requestPath } from '../http-head.js';
import { refuseSocket } from './refuse-socket.js';
import { answerConnect, readOpening } from './socket-opening.js';
import type { Opening, OpeningRules } from './socket-opening.js';
import { fromListenError } from '../node-errors.js';
import { ServerConnection } from './connection.js';
import type { ConnectionHost } from './connection.js';
import { debugRoute } from './debug-page.js';
import { DrainDelay } from './drain-delay.js';
import { flattenHeaders } from './flatten-headers.js';
import { peerAddress } from './peer-address.js';
import { guardRoute } from './guard-route.js';
import { HEALTH_SERVICE, HEALTH_TYPES, HealthState } from './health.js';
import type { ServingStatus } from './health.js';
import { probeRoutes } from './probe-routes.js';
import type { ProbeSource } from './probe-routes.js';
import { createHttpFallback } from './http-fallback.js';
import type { HttpRoute } from './http-fallback.js';
import { resolveServerOptions } from './options.js';
import type { ResolvedServerOptions, ServerOptions } from './options.js';
import { ReadBudget } from './read-budget.js';
import { Registry } from './registry.js';
import type { RegisterOptions, ServiceEntry } from './registry.js';
import { CallSink } from './call-sink.js';
import { buildReport } from './server-stats.js';
import type { ServerReport } from './server-stats.js';
import { ServerTelemetry } from './server-telemetry.js';
import type { Traffic } from './server-telemetry.js';
import { SocketPhases } from './socket-phases.js';
import type { OpenSockets } from './socket-phases.js';
import { TlsFront } from './tls-front.js';
import { timerDelay } from '../timer-delay.js';

/** ServeConnOptions describe a connection handed to {@link Server.serveConn}. */
export interface ServeConnOptions {
  /** Codec name; default: the server's default codec. */
  readonly codec?: string;
  /** Bytes already read from the socket that belong to the codec. */
  readonly head?: Uint8Array;
  /** Request headers to expose to handlers as `ctx.headers`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Peer address for `ctx.remoteAddress`; default: read from the socket. */
  readonly remoteAddress?: string;
}

/** CloseOptions tune {@link Server.close}. */
export interface CloseOptions {
  /** How long running calls get once the drain starts, in ms. Default: the `graceMs` option. */
  readonly graceMs?: number;
  /**
   * Time to keep accepting and serving after readiness turned NOT_SERVING
   * (`/readyz` 503, `Health.Check` NOT_SERVING), before the drain starts,
   * so load balancers and Kubernetes endpoints stop sending here. Default 0.
   */
  readonly drainDelayMs?: number;
}

/** ListenOptions say where {@link Server.listen} binds. */
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

function destroyOnError(this: Duplex): void {
  this.destroy();
}

/**
 * Server serves registered services over HTTP CONNECT, like Go's
 * rpc.Server with HandleHTTP. `listen()` runs its own front that accepts
 * Go's bare-LF CONNECT; `serveConn()` serves an already connected socket;
 * `attach()` serves CONNECT requests of an existing Node http.Server.
 *
 * Events: `'connectionError'` (err, connection) when a connection ends
 * because its peer broke the protocol or a limit.
 */
export class Server extends EventEmitter implements ConnectionHost, ProbeSource {
  /** Every answered call goes through here: the calls-per-second history, and listeners such as metrics. */
  readonly calls = new CallSink();
  /** The registered services. */
  readonly registry = new Registry(this.calls);
  /** Counters that are not per method (bytes, refusals) and the log lines. */
  readonly telemetry: ServerTelemetry;
  /** The options in force, defaults filled in. */
  readonly options: ResolvedServerOptions;
  /** True once the drain has started (after close()'s drainDelayMs): new calls are refused. */
  draining = false;
  /** The statuses `Health.Check` and `/readyz` report. */
  private readonly health = new HealthState((name) => this.registry.has(name));
  private drainDelay: DrainDelay | undefined;
  /** @internal The cap on memory all connections hold for reading (maxBufferedBytes). */
  readonly readBudget: ReadBudget;
  private readonly codecs: Map<string, Codec>;
  /** What decides how a socket opens (see socket-opening.ts). */
  private readonly openingRules: OpeningRules;
  private readonly connections = new Set<ServerConnection>();
  /** Every socket the front holds outside an RPC connection, each with its deadline. */
  private readonly phases = new SocketPhases();
  private readonly routes: HttpRoute[] = [];
  /** Answers what is not CONNECT; it never listens, so the front bounds its sockets. */
  private readonly httpFallback: http.Server;
  private netServer: net.Server | undefined;
  /** The opening rules of the listener (its plain-TCP pin), set by listen(). */
  private listenerRules: OpeningRules;
  private tlsFront: TlsFront | undefined;
  private closing: Promise<void> | undefined;
  private drained: (() => void) | undefined;
  private readonly startedAt = Date.now();

  constructor(options: ServerOptions = {}) {
    super();
    this.options = resolveServerOptions(options, builtinCodecs);
    this.readBudget = new ReadBudget(this.options.maxBufferedBytes);
    this.telemetry = new ServerTelemetry(this.options.logger, this.calls);
    this.codecs = new Map(this.options.codecs.map((c) => [c.name, c]));
    if (!this.codecs.has(this.options.defaultCodec)) {
      throw new RpcError(ErrorCode.InvalidArgument, `rpc: default codec ${this.options.defaultCodec} is not among the offered codecs`);
    }
    const { path, maxHeadBytes, defaultCodec, authorize } = this.options;
    const plain = this.options.plain ? 'detect' : false;
    this.openingRules = { path, maxHeadBytes, defaultCodec, authorize, plain, codecNames: [...this.codecs.keys()], isClosing: () => this.draining };
    this.listenerRules = this.openingRules;
    this.httpFallback = createHttpFallback(this.routes);
    this.addHttpRoute(guardRoute(debugRoute(this), this.options.debugPath, this.options.authorize));
    for (const route of probeRoutes(this, this.options.probes, this.options.authorize)) this.addHttpRoute(route);
    if (this.options.health) this.registry.addBuiltin(HEALTH_SERVICE, this.health.service(), { types: HEALTH_TYPES });
  }

  /**
   * setServingStatus sets what `Health.Check` answers for `service` (`""`:
   * the whole server, which `/readyz` follows too). Registered services and
   * `""` are SERVING until set otherwise; once close() was called every
   * status is NOT_SERVING. Throws RpcError (RPC_INVALID_ARGUMENT) for an
   * unknown status.
   */
  setServingStatus(service: string, status: ServingStatus): void {
    this.health.set(service, status);
  }

  /** servingStatus is what `Health.Check` answers for `service` now. */
  servingStatus(service = ''): ServingStatus {
    return this.health.status(service);
  }

  /** @internal notReadyReason says why `/readyz` answers 503, or undefined when it answers 200. */
  notReadyReason(): string | undefined {
    if (this.closing) return this.draining ? 'draining' : 'shutting down';
    return this.health.status('') === 'SERVING' ? undefined : 'not serving';
  }

  /**
   * register publishes a service. With a contract (from defineService) and
   * its implementation, the contract's methods are served, arguments and
   * replies are validated, and the contract's Go types guide the gob codec.
   * With a name and an object, the methods the user wrote are served: the
   * object's own functions and those of its classes, up to the first
   * built-in or Node core prototype (so a class extending EventEmitter does
   * not serve `emit`; `options.includeBuiltinMethods` serves those too),
   * except `constructor` and names starting with `_`. With only a class
   * instance, its class name is the service name (like Go's Register). Throws RpcError (RPC_REGISTER) for a missing or
   * duplicate name, an object without methods, or a missing contract method.
   */
  register<C extends ServiceContract>(contract: C, impl: ServiceImpl<C>): ServiceEntry;
  register(bound: BoundService): ServiceEntry;
  register(name: string, impl: object, options?: RegisterOptions): ServiceEntry;
  register(impl: object, options?: RegisterOptions): ServiceEntry;
  register(first: string | object, second?: object, third?: RegisterOptions): ServiceEntry {
    if (typeof first === 'string') return this.registry.add(first, second!, third);
    if (isContract(first)) return this.registerContract(first, second!);
    if (isBoundService(first)) return this.registerContract(first.contract, first.impl);
    const ctorName = (first as { constructor?: { name?: string } }).constructor?.name;
    return this.registry.add(ctorName === 'Object' ? '' : (ctorName ?? ''), first, second as RegisterOptions | undefined);
  }

  private registerContract(contract: ServiceContract, impl: object): ServiceEntry {
    return this.registry.add(contract.name, contractHandlers(contract, impl), { types: contract.types });
  }

  /** addHttpRoute adds a handler for non-CONNECT requests, tried before the 405 answer. */
  addHttpRoute(route: HttpRoute): void {
    this.routes.push(route);
  }

  /**
   * listen starts the server's own front on a TCP port and resolves with
   * the bound address. Go clients (bare-LF CONNECT) need this front. With
   * the `tls` option every socket is counted and given its deadline before
   * its TLS handshake starts. It rejects with RPC_LISTEN when the address
   * cannot be bound (Node's error, such as EADDRINUSE, as `cause`); the
   * server may then listen again. On a Unix socket (`path`) it resolves
   * with `{ address: path, family: 'unix', port: 0 }`. Plain-TCP peers are
   * served as the `plain` option and the listener's pin say (ListenOptions).
   */
  listen(options: ListenOptions | number = {}): Promise<AddressInfo> {
    const { port = 0, host = '127.0.0.1', path: socketPath, plain } = typeof options === 'number' ? { port: options } : options;
    if (this.netServer) return Promise.reject(new RpcError(ErrorCode.InvalidArgument, 'rpc: server is already listening'));
    if (typeof plain === 'string' && !this.codecs.has(plain)) {
      return Promise.reject(new RpcError(ErrorCode.InvalidArgument, `rpc: cannot pin the listener to codec ${plain}: this server offers ${this.codecNames().join(', ')}`));
    }
    this.listenerRules = plain === undefined ? this.openingRules : { ...this.openingRules, plain };
    const { tls: tlsOptions, handshakeTimeoutMs } = this.options;
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

  /**
   * handleSocket runs the CONNECT front on a socket accepted elsewhere (for
   * example from your own net.Server): the request head is read and routed
   * exactly as for sockets accepted by listen() without TLS.
   */
  handleSocket(socket: Socket): void {
    if (this.admit(socket, true)) this.readHead(socket, this.options.handshakeTimeoutMs);
  }

  private accept(socket: Socket): void {
    if (!this.tlsFront) {
      if (this.admit(socket, true)) this.readHead(socket, this.options.handshakeTimeoutMs, this.listenerRules);
      return;
    }
    if (!this.admit(socket, false)) return;
    this.phases.enter(socket, 'tls', this.options.handshakeTimeoutMs);
    this.tlsFront.start(socket);
  }

  /** secured: a TLS handshake finished; the head gets what is left of the socket's deadline. */
  private secured(secure: TLSSocket, raw: Socket): void {
    const left = this.phases.remaining(raw);
    this.phases.release(raw);
    if (this.draining || left === 0) {
      secure.destroy();
      return;
    }
    this.readHead(secure, left, this.listenerRules);
  }

  private readHead(socket: Socket, ms: number, rules = this.openingRules): void {
    socket.setNoDelay?.(true);
    this.phases.enter(socket, 'head', ms);
    readOpening(socket, rules, (opening) => this.opened(socket, opening));
  }

  /**
   * opened acts on how a socket turned out to open: an RPC connection is
   * served, an HTTP request goes to the HTTP routes (answered and closed
   * within handshakeTimeoutMs), a refusal is answered.
   */
  private opened(socket: Duplex, opening: Opening): void {
    switch (opening.kind) {
      case 'rpc':
        this.phases.release(socket);
        this.serveConn(socket, { codec: opening.codec, headers: opening.headers, ...(opening.remoteAddress ? { remoteAddress: opening.remoteAddress } : {}) });
        return;
      case 'plain':
        this.phases.release(socket);
        this.serveConn(socket, { codec: opening.codec, ...(opening.remoteAddress ? { remoteAddress: opening.remoteAddress } : {}) });
        return;
      case 'dropped':
        this.phases.release(socket);
        this.telemetry.refused(socket, undefined, '', opening.reason);
        socket.destroy();
        return;
      case 'http':
        this.phases.enter(socket, 'http', this.options.handshakeTimeoutMs);
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
    if (this.draining) {
      this.telemetry.refused(socket, undefined, '', 'draining');
      socket.destroy();
      return false;
    }
    const { maxConnections } = this.options;
    const overflow = this.phases.count('overflow');
    if (this.phases.size - overflow + this.connections.size < maxConnections) return true;
    if (canAnswer && overflow < maxConnections) this.refuse(socket, 503, `too many connections (limit ${maxConnections})`, '', 'overflow');
    else {
      this.telemetry.refused(socket as Socket, undefined, '', 'overflow');
      socket.destroy();
    }
    return false;
  }

  /** refuse answers with an error and destroys the socket within lingerMs, whatever the peer does. */
  private refuse(socket: Duplex, status: number, body: string, extraHeaders = '', phase: 'refused' | 'overflow' = 'refused'): void {
    this.telemetry.refused(socket as Socket, status, body);
    this.phases.enter(socket, phase, this.options.lingerMs);
    refuseSocket(socket as Socket, status, body, extraHeaders);
  }

  /** hasCodec reports whether the server offers a codec of that name. */
  hasCodec(name: string): boolean {
    return this.codecs.has(name);
  }

  /** codecNames lists the offered codecs' names. */
  codecNames(): string[] {
    return [...this.codecs.keys()];
  }

  /**
   * serveConn serves RPC on an already connected stream (no HTTP
   * handshake), like Go's ServeConn/ServeCodec. It returns at once; the
   * connection lives until the peer or close() ends it. `options.head` is
   * put back into the stream (`unshift`) to be read first.
   */
  serveConn(socket: Duplex, options: ServeConnOptions = {}): ServerConnection {
    const codecName = options.codec ?? this.options.defaultCodec;
    const codec = this.codecs.get(codecName);
    if (!codec) throw new RpcError(ErrorCode.InvalidArgument, `rpc: codec ${codecName} is not offered by this server`);
    const { maxDepth, maxMessageValues: maxValues, maxMessageBytes } = this.options;
    const conn = new ServerConnection(this, socket, codec.newServerCodec({ maxDepth, maxValues, maxMessageBytes }), {
      codecName,
      remoteAddress: options.remoteAddress ?? peerAddress(socket),
      headers: options.headers ?? {},
      maxMessageBytes: this.options.maxMessageBytes,
      maxInFlight: this.options.maxInFlight,
      maxWriteBufferBytes: this.options.maxWriteBufferBytes,
      handlerTimeoutMs: this.options.handlerTimeoutMs,
      idleTimeoutMs: this.options.idleTimeoutMs,
      messageTimeoutMs: this.options.messageTimeoutMs,
      sendTimeoutMs: this.options.sendTimeoutMs,
      lingerMs: this.options.lingerMs,
      maxConnectionAgeMs: this.options.maxConnectionAgeMs,
    });
    this.connections.add(conn);
    if (options.head && options.head.length > 0) socket.unshift(options.head);
    this.telemetry.connectionOpened(conn);
    if (this.draining) conn.drain();
    conn.start();
    return conn;
  }

  /**
   * attach serves CONNECT requests for the RPC path on an existing Node
   * http.Server (its 'connect' event). Go's own client cannot use this
   * route: Node's HTTP parser rejects Go's bare-LF CONNECT line, so Go
   * clients need listen() or handleSocket(). Returns a function that detaches.
   */
  attach(httpServer: http.Server): () => void {
    const onConnect = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
      if (requestPath(req.url ?? '') !== this.options.path) {
        if (httpServer.listenerCount('connect') === 1) {
          socket.on('error', destroyOnError);
          this.refuse(socket, 404, `no RPC endpoint at ${req.url}`);
        }
        return;
      }
      if (!this.admit(socket, true)) return;
      (socket as Socket).setNoDelay?.(true);
      socket.pause();
      this.phases.enter(socket, 'head', this.options.handshakeTimeoutMs);
      if (head.length > 0) socket.unshift(head);
      answerConnect(socket, { target: req.url ?? '', headers: flattenHeaders(req.headers) }, this.openingRules, (opening) => this.opened(socket, opening));
    };
    httpServer.on('connect', onConnect);
    return () => httpServer.removeListener('connect', onConnect);
  }

  /** @internal */
  connectionClosed(conn: ServerConnection): void {
    this.connections.delete(conn);
    this.telemetry.connectionClosed(conn);
    if (this.draining && this.connections.size === 0) this.drained?.();
  }

  /** @internal */
  connectionFailed(conn: ServerConnection, err: Error): void {
    this.telemetry.connectionFailed(conn, err);
    this.emit('connectionError', err, conn);
  }

  /** connectionCount is the number of open RPC connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * openSockets counts every socket the server holds, by what it is doing
   * with it. maxConnections limits them all but the 503s still waiting for
   * their peer to close (counted under `refused`, taking no slot).
   */
  get openSockets(): OpenSockets {
    const p = this.phases;
    const counts = { tls: p.count('tls'), head: p.count('head'), refused: p.count('refused') + p.count('overflow'), http: p.count('http'), rpc: this.connections.size };
    return { ...counts, total: counts.tls + counts.head + counts.refused + counts.http + counts.rpc };
  }

  /** callsInFlight is the number of calls whose handler is running, over all connections. */
  get callsInFlight(): number {
    let n = 0;
    for (const conn of this.connections) n += conn.pending;
    return n;
  }

  /** traffic is how many bytes RPC connections received and sent after their handshake. */
  get traffic(): Traffic {
    return this.telemetry.traffic;
  }

  /** report returns the services, methods, call counts, latencies, open connections and recent call history now. */
  report(): ServerReport {
    return buildReport(this.registry, this.startedAt, this.connections.size, this.calls.history);
  }

  /** debugReport is what the debug page shows: the `debugReport` option's answer, or report(). */
  debugReport(): ServerReport | Promise<ServerReport> {
    return this.options.debugReport ? this.options.debugReport() : this.report();
  }

  /**
   * close turns readiness to NOT_SERVING at once; after `drainDelayMs`
   * (default 0, during which it goes on accepting and serving) it stops
   * accepting connections, answers new calls on open connections with
   * `rpc: server is shutting down`, lets running calls finish for up to
   * `graceMs`, then closes every connection. It resolves when all are
   * closed. Calling it again returns the same promise; a call with
   * `drainDelayMs: 0` ends a delay in progress. A number is `graceMs`.
   */
  close(options: number | CloseOptions = {}): Promise<void> {
    const { graceMs = this.options.graceMs, drainDelayMs = 0 } = typeof options === 'number' ? { graceMs: options } : options;
    this.health.shutDown();
    if (this.closing) {
      if (drainDelayMs === 0) this.drainDelay?.end();
      return this.closing;
    }
    this.drainDelay = new DrainDelay(drainDelayMs);
    this.closing = this.drainDelay.done.then(() => this.shutdown(graceMs));
    return this.closing;
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.draining = true;
    const listening = this.netServer
      ? new Promise<void>((resolve) => this.netServer!.close(() => resolve()))
      : Promise.resolve();
    this.phases.destroyAll();
    if (this.connections.size > 0) {
      const allClosed = new Promise<void>((resolve) => (this.drained = resolve));
      for (const conn of this.connections) conn.drain();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, timerDelay(graceMs))));
      await Promise.race([allClosed, grace]);
      clearTimeout(timer);
      for (const conn of this.connections) conn.destroy();
      if (this.connections.size > 0) await allClosed;
    }
    await listening;
  }
}
