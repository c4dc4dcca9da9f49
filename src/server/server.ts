import { EventEmitter } from 'node:events';
import type http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { builtinCodecs, findCodec } from '../codec/builtin.js';
import { isBoundService, isContract } from '../contract/contract.js';
import type { BoundService, ServiceContract, ServiceImpl } from '../contract/contract.js';
import { contractHandlers } from '../contract/contract-handlers.js';
import type { MetadataLimits } from '../call-metadata.js';
import { ErrorCode, RpcError } from '../errors.js';
import { ConnectFront } from './connect-front.js';
import type { ListenOptions } from './connect-front.js';
import type { PlainOpening, RpcOpening } from './socket-opening.js';
import { ServerConnection } from './connection.js';
import type { ConnectionHost } from './connection.js';
import { debugRoute } from './debug-page.js';
import { DrainDelay } from './drain-delay.js';
import { peerAddress } from './peer-address.js';
import { guardRoute } from './guard-route.js';
import { HEALTH_SERVICE, HEALTH_TYPES, HealthState } from './health.js';
import type { ServingStatus } from './health.js';
import { probeRoutes } from './probe-routes.js';
import type { ProbeSource } from './probe-routes.js';
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
import type { OpenSockets } from './socket-phases.js';
import { timerDelay } from '../timer-delay.js';
import { wantsGoaway } from '../goaway.js';
import { announcedSilenceMs } from '../keepalive-wire.js';
import type { ServerMiddleware } from './middleware.js';

export type { ListenOptions } from './connect-front.js';

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
  /**
   * The peer sends call context (metadata and its timeout, see
   * src/codec/wire-context.ts) with its requests, as netrpc clients do
   * once a CONNECT granted `Rpc-Features: metadata`. Default false: the
   * stream is read as Go and msgpack-rpc peers write it.
   */
  readonly callContext?: boolean;
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
  /** The bounds on a call's metadata (maxMetadataBytes, maxMetadataEntries). */
  private readonly metadataLimits: MetadataLimits;
  private readonly connections = new Set<ServerConnection>();
  /** Accepts sockets, bounds them, and reads how each opens (see connect-front.ts). */
  private readonly front: ConnectFront;
  private closing: Promise<void> | undefined;
  private drained: (() => void) | undefined;
  private readonly startedAt = Date.now();
  /** @internal The middleware added with use(), outermost first. */
  middleware: readonly ServerMiddleware[] = [];

  constructor(options: ServerOptions = {}) {
    super();
    this.options = resolveServerOptions(options, builtinCodecs);
    this.readBudget = new ReadBudget(this.options.maxBufferedBytes);
    this.telemetry = new ServerTelemetry(this.options.logger, this.calls);
    this.metadataLimits = { maxMetadataBytes: this.options.maxMetadataBytes, maxMetadataEntries: this.options.maxMetadataEntries };
    if (!this.hasCodec(this.options.defaultCodec)) {
      throw new RpcError(ErrorCode.InvalidArgument, `rpc: default codec ${this.options.defaultCodec} is not among the offered codecs`);
    }
    const { path, maxHeadBytes, defaultCodec, authorize } = this.options;
    const plain = this.options.plain ? 'detect' : false;
    this.front = new ConnectFront(this, { path, maxHeadBytes, defaultCodec, authorize, plain, codecNames: this.codecNames(), isClosing: () => this.draining });
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

  /**
   * use adds a middleware around every call handed to a registered method
   * (see ServerMiddleware), on connections open now and later. The first
   * added is the outermost: it sees the call first and the reply last.
   * Calls answered before a handler is looked at (unknown methods,
   * arguments the codec could not decode, refusals while draining) do not
   * pass through middleware. Returns the server, for chaining.
   */
  use(middleware: ServerMiddleware): this {
    if (typeof middleware !== 'function') throw new RpcError(ErrorCode.InvalidArgument, 'rpc: use() takes a function (ctx, next) => reply');
    this.middleware = [...this.middleware, middleware];
    return this;
  }

  /** addHttpRoute adds a handler for non-CONNECT requests, tried before the 405 answer. */
  addHttpRoute(route: HttpRoute): void {
    this.front.addHttpRoute(route);
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
    return this.front.listen(options);
  }

  /** address is where listen() bound, or null before that. */
  get address(): AddressInfo | null {
    return this.front.address;
  }

  /**
   * handleSocket runs the CONNECT front on a socket accepted elsewhere (for
   * example from your own net.Server): the request head is read and routed
   * exactly as for sockets accepted by listen() without TLS.
   */
  handleSocket(socket: Socket): void {
    this.front.handleSocket(socket);
  }

  /** @internal serveRpc serves a socket the front read a CONNECT (or a plain-TCP peer's first bytes) for. */
  serveRpc(socket: Duplex, opening: RpcOpening | PlainOpening): void {
    const negotiated = opening.kind === 'rpc' ? { headers: opening.headers, callContext: opening.callContext } : {};
    this.serveConn(socket, { codec: opening.codec, ...negotiated, ...(opening.remoteAddress ? { remoteAddress: opening.remoteAddress } : {}) });
  }

  /** hasCodec reports whether the server offers a codec of that name. */
  hasCodec(name: string): boolean {
    return findCodec(name, this.options.codecs) !== undefined;
  }

  /** codecNames lists the offered codecs' names. */
  codecNames(): string[] {
    return this.options.codecs.map((c) => c.name);
  }

  /**
   * serveConn serves RPC on an already connected stream (no HTTP
   * handshake), like Go's ServeConn/ServeCodec. It returns at once; the
   * connection lives until the peer or close() ends it. `options.head` is
   * put back into the stream (`unshift`) to be read first.
   */
  serveConn(socket: Duplex, options: ServeConnOptions = {}): ServerConnection {
    const codecName = options.codec ?? this.options.defaultCodec;
    const codec = findCodec(codecName, this.options.codecs);
    if (!codec) throw new RpcError(ErrorCode.InvalidArgument, `rpc: codec ${codecName} is not offered by this server`);
    const { maxDepth, maxMessageValues: maxValues, maxMessageBytes } = this.options;
    const codecOptions = options.callContext ? { maxDepth, maxValues, maxMessageBytes, callContext: true, metadataLimits: this.metadataLimits } : { maxDepth, maxValues, maxMessageBytes };
    const conn = new ServerConnection(this, socket, codec.newServerCodec(codecOptions), {
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
      wantsGoaway: wantsGoaway(options.headers ?? {}),
      peerSilenceMs: announcedSilenceMs(options.headers ?? {}),
    });
    if (this.options.keepaliveMs > 0) (socket as Partial<Socket>).setKeepAlive?.(true, this.options.keepaliveMs);
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
    return this.front.attach(httpServer);
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
    return this.front.openSockets(this.connections.size);
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
    const listening = this.front.close();
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