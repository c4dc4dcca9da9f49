import type { SecureContextOptions, TlsOptions } from 'node:tls';
import v8 from 'node:v8';
import type { Codec } from '../codec/codec.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_VALUES, DEFAULT_MAX_WRITE_BUFFER_BYTES } from '../codec/limits.js';
import { findCodec } from '../codec/builtin.js';
import { DEFAULT_MAX_METADATA_BYTES, DEFAULT_MAX_METADATA_ENTRIES } from '../call-metadata.js';
import { DEFAULT_DEBUG_PATH, DEFAULT_RPC_PATH } from '../connect-wire.js';
import { DEFAULT_MAX_HEAD_BYTES } from '../http-head.js';
import { timerDelay } from '../timer-delay.js';
import type { Logger } from '../logger.js';
import type { Authorize } from './authorize.js';
import type { ServerReport } from './server-stats.js';
import type { ProbeAccess } from './probe-routes.js';

/** ServerOptions configure a Server; every field has a safe default. */
export interface ServerOptions {
  /** Path that accepts CONNECT (Go's rpc.DefaultRPCPath). Default `/_goRPC_`. */
  readonly path?: string;
  /** Path of the debug page. Default `/debug/rpc`. */
  readonly debugPath?: string;
  /** Wire formats offered, by `Rpc-Codec` name. Default: every built-in codec. */
  readonly codecs?: readonly Codec[];
  /** Codec used when a CONNECT request names none. Default `gob` (what Go's DialHTTP speaks). */
  readonly defaultCodec?: string;
  /** Largest message accepted, in bytes, checked before buffering. Default 16 MiB. */
  readonly maxMessageBytes?: number;
  /**
   * Most values (scalars, strings, arrays, maps, structs; map keys count)
   * one message may decode to; a larger one ends the connection with
   * RPC_MESSAGE_TOO_LARGE (gob: the call is answered with that error).
   * Default 1 048 576.
   */
  readonly maxMessageValues?: number;
  /**
   * Memory all connections together may hold for reading: bytes of messages
   * not yet complete, the decoded size of messages whose calls are running
   * (bytes plus 64 per value), gob type tables. Past it, connections
   * holding more than 64 KiB stop reading until it clears; smaller calls go
   * on. Default a quarter of the V8 heap limit.
   */
  readonly maxBufferedBytes?: number;
  /** Deepest nesting accepted in a message. Default 100. */
  readonly maxDepth?: number;
  /** Calls running at once per connection; past it the server stops reading that socket. Default 1024. */
  readonly maxInFlight?: number;
  /** Unsent reply bytes per connection past which the server stops reading it. Default 16 MiB. */
  readonly maxWriteBufferBytes?: number;
  /**
   * Sockets held at once: RPC connections and every socket the front holds
   * (TLS handshakes, request heads, refusals, HTTP requests). More are
   * answered 503 (closed at once over TLS, before any TLS work). Default 10 000.
   */
  readonly maxConnections?: number;
  /**
   * Time from accepting a socket to the end of its TLS handshake, request
   * head and authorize hook, in ms; also the time an HTTP request the front
   * passes on (405, debug page) has to be answered. Default 10 000.
   */
  readonly handshakeTimeoutMs?: number;
  /** Largest request head accepted (answered 431 beyond it). Default 16 KiB. */
  readonly maxHeadBytes?: number;
  /** Close a connection with no traffic and no running call for this long, in ms. Default 0 (never). */
  readonly idleTimeoutMs?: number;
  /**
   * Time a message may take from its first byte to its last, in ms; a
   * connection whose message is still incomplete then is closed (a peer
   * trickling bytes cannot hold it forever). The clock runs only while the
   * server is reading: complete messages held back by backpressure do not
   * count. Default 60 000, or idleTimeoutMs when that is set and shorter.
   */
  readonly messageTimeoutMs?: number;
  /**
   * Time a peer may take none of the reply bytes waiting for it, in ms;
   * past it the connection is closed (a peer that never reads cannot hold
   * its replies forever). 0: never. Default 60 000, or idleTimeoutMs when
   * that is set and shorter.
   */
  readonly sendTimeoutMs?: number;
  /**
   * After the server refused a request or ended a connection, how long it
   * waits for the peer to close before it destroys the socket, in ms (the
   * peer's bytes are read and dropped meanwhile, so the answer is not lost
   * to a reset). Default 2 000.
   */
  readonly lingerMs?: number;
  /**
   * Retire a connection this long after it opened, in ms (±10 % jitter):
   * new calls on it get the drain refusal (never run; netrpc clients move
   * them to a fresh connection) and it ends once quiet, so long-lived
   * clients rebalance onto new replicas. Default 0 (never).
   */
  readonly maxConnectionAgeMs?: number;
  /**
   * TCP keepalive on every RPC connection: the kernel probes a peer that
   * sent nothing for this long, in ms, and the connection fails once the
   * probes go unanswered (Linux's defaults: 9 probes 75 s apart), so a
   * vanished client host does not hold its connection forever. 0 turns it
   * off. Default 30 000. A frozen client process on a live host still
   * answers probes: netrpc clients that ping say so on their CONNECT and
   * are dropped after their interval + timeout of silence instead.
   */
  readonly keepaliveMs?: number;
  /**
   * Answer a call whose handler runs longer than this with a timeout error
   * and abort its signal, in ms. A client's deadline sent with the call
   * (see `ctx.deadline`) can only make it sooner. Default 0 (no limit).
   */
  readonly handlerTimeoutMs?: number;
  /**
   * Most bytes (UTF-8 of keys and values) of one call's metadata; a call
   * with more is answered with an error without running. It counts in
   * maxMessageBytes and the read budget too, as part of its message.
   * Default 8 KiB.
   */
  readonly maxMetadataBytes?: number;
  /** Most keys in one call's metadata; a call with more is answered with an error without running. Default 64. */
  readonly maxMetadataEntries?: number;
  /** How long close() waits for running calls before cutting connections, in ms. Default 10 000. */
  readonly graceMs?: number;
  /**
   * Serve the built-in `Health.Check({ Service })` → `{ Status }` (grpc.health.v1
   * semantics; see Server.setServingStatus). A service you register as
   * `Health` takes the name over. Default true.
   */
  readonly health?: boolean;
  /**
   * `GET /healthz` and `GET /readyz` on the front: `'guarded'` (default)
   * behind the authorize hook like the debug page, `'open'` for anyone,
   * `'off'` not served.
   */
  readonly probes?: ProbeAccess;
  /** Decides whether a CONNECT may proceed, before any codec byte is read. Default: everyone. */
  readonly authorize?: Authorize;
  /**
   * Serve plain-TCP RPC peers (Go's rpc.Dial, jsonrpc.Dial, msgpack-rpc)
   * on the same port as HTTP, told apart by their first bytes (see
   * plain-detect.ts). Default true without `authorize`, false with it: a
   * plain peer sends no headers. Set true with `authorize` to let the hook
   * decide on plain peers too (it sees no headers, the peer address and,
   * over TLS with client certificates, `peerCertificateSubject`); a peer
   * it refuses is closed unanswered.
   */
  readonly plain?: boolean;
  /** Serve over TLS with these options (cert, key, and optionally ca + requestCert for client certificates). */
  readonly tls?: TlsOptions & SecureContextOptions;
  /**
   * Where the server logs (a pino logger, or any object with pino's
   * `debug`/`info`/`warn`/`error`/`child`): connections opened and closed
   * (debug), refusals (info, 503s warn), connections ended by a protocol
   * error or a limit (warn), handler failures and time-outs (warn). Default:
   * none, the server writes nothing.
   */
  readonly logger?: Logger;
  /**
   * What the debug page shows; default the server's own report(). A
   * server that is one of several processes can answer with all of theirs
   * together (rpc-serve --workers does).
   */
  readonly debugReport?: () => ServerReport | Promise<ServerReport>;
}

/** ResolvedServerOptions are ServerOptions with every default filled in. */
export type ResolvedServerOptions = Required<Omit<ServerOptions, 'authorize' | 'tls' | 'logger' | 'debugReport'>> &
  Pick<ServerOptions, 'authorize' | 'tls' | 'logger' | 'debugReport'>;

/**
 * resolveServerOptions fills in defaults; delays past what Node's timers
 * hold (about 24.8 days, Infinity included) become that longest delay.
 */
export function resolveServerOptions(options: ServerOptions, builtins: readonly Codec[]): ResolvedServerOptions {
  const codecs = options.codecs ?? builtins;
  const defaultCodec = options.defaultCodec ?? (findCodec('gob', codecs) ? 'gob' : codecs[0]!.name);
  return {
    path: options.path ?? DEFAULT_RPC_PATH,
    debugPath: options.debugPath ?? DEFAULT_DEBUG_PATH,
    codecs,
    defaultCodec,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    maxMessageValues: options.maxMessageValues ?? DEFAULT_MAX_MESSAGE_VALUES,
    maxBufferedBytes: options.maxBufferedBytes ?? defaultBufferedBytes(),
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxInFlight: options.maxInFlight ?? 1024,
    maxWriteBufferBytes: options.maxWriteBufferBytes ?? DEFAULT_MAX_WRITE_BUFFER_BYTES,
    maxConnections: options.maxConnections ?? 10_000,
    handshakeTimeoutMs: timerDelay(options.handshakeTimeoutMs ?? 10_000),
    maxHeadBytes: options.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES,
    idleTimeoutMs: timerDelay(options.idleTimeoutMs ?? 0),
    messageTimeoutMs: timerDelay(Math.min(options.messageTimeoutMs ?? 60_000, options.idleTimeoutMs || Infinity)),
    sendTimeoutMs: timerDelay(options.sendTimeoutMs ?? Math.min(60_000, options.idleTimeoutMs || Infinity)),
    lingerMs: timerDelay(options.lingerMs ?? 2_000),
    handlerTimeoutMs: timerDelay(options.handlerTimeoutMs ?? 0),
    maxMetadataBytes: options.maxMetadataBytes ?? DEFAULT_MAX_METADATA_BYTES,
    maxMetadataEntries: options.maxMetadataEntries ?? DEFAULT_MAX_METADATA_ENTRIES,
    maxConnectionAgeMs: timerDelay(options.maxConnectionAgeMs ?? 0),
    keepaliveMs: timerDelay(options.keepaliveMs ?? 30_000),
    graceMs: timerDelay(options.graceMs ?? 10_000),
    health: options.health ?? true,
    probes: options.probes ?? 'guarded',
    authorize: options.authorize,
    plain: options.plain ?? options.authorize === undefined,
    tls: options.tls,
    logger: options.logger,
    debugReport: options.debugReport,
  };
}

/** defaultBufferedBytes is a quarter of the V8 heap limit, the default maxBufferedBytes. */
export function defaultBufferedBytes(): number {
  return Math.floor(v8.getHeapStatistics().heap_size_limit / 4);
}
